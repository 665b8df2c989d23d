//! The pair record a virtual iPad shares with "its" host, generated fresh at start like a real
//! first pairing would: a root CA, a host certificate and a device certificate signed by it,
//! the private keys, `HostID`, `SystemBUID`, `EscrowBag` and `WiFiMACAddress`, as usbmuxd's
//! `ReadPairRecord` returns it (certificates and keys as PEM in `<data>`).

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use ring::rand::{SecureRandom, SystemRandom};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};

/// Why a pair record could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PairingError {
    /// Certificate generation failed.
    #[error("certificate generation: {0}")]
    Certificate(#[from] rcgen::Error),
    /// The TLS configuration could not be built.
    #[error("TLS configuration: {0}")]
    Tls(String),
    /// The system random generator failed.
    #[error("random generator failed")]
    Random,
}

/// The generated pairing material.
pub struct PairRecord {
    /// `HostID`.
    pub host_id: String,
    /// `SystemBUID`.
    pub system_buid: String,
    /// The pair record as usbmuxd hands it out.
    pub record: plist::Dictionary,
    /// lockdownd's TLS server configuration: device certificate, client certificates checked
    /// against the root.
    pub tls: Arc<ServerConfig>,
}

/// A random UUID string in the upper-case form lockdown uses.
pub fn random_uuid() -> Result<String, PairingError> {
    let mut b = [0u8; 16];
    SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| PairingError::Random)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode_upper(b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

fn leaf(cn: &str, client: bool) -> Result<CertificateParams, PairingError> {
    let mut p = CertificateParams::new(Vec::<String>::new())?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    p.extended_key_usages = vec![if client {
        ExtendedKeyUsagePurpose::ClientAuth
    } else {
        ExtendedKeyUsagePurpose::ServerAuth
    }];
    Ok(p)
}

/// Generates a pair record for a device with `wifi_mac`, and lockdownd's TLS configuration.
pub fn generate(system_buid: &str, wifi_mac: &str) -> Result<PairRecord, PairingError> {
    let root_key = KeyPair::generate()?;
    let mut root = CertificateParams::new(Vec::<String>::new())?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "Lucarne virtual iPad root");
    root.distinguished_name = dn;
    root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let root_cert = root.self_signed(&root_key)?;

    let host_key = KeyPair::generate()?;
    let host_cert =
        leaf("Lucarne virtual host", true)?.signed_by(&host_key, &root_cert, &root_key)?;
    let device_key = KeyPair::generate()?;
    let device_cert =
        leaf("Lucarne virtual device", false)?.signed_by(&device_key, &root_cert, &root_key)?;

    let host_id = random_uuid()?;
    let mut escrow = vec![0u8; 32];
    SystemRandom::new()
        .fill(&mut escrow)
        .map_err(|_| PairingError::Random)?;

    let mut record = plist::Dictionary::new();
    let pem = |s: String| plist::Value::Data(s.into_bytes());
    record.insert("DeviceCertificate".into(), pem(device_cert.pem()));
    record.insert("HostCertificate".into(), pem(host_cert.pem()));
    record.insert("RootCertificate".into(), pem(root_cert.pem()));
    record.insert("HostPrivateKey".into(), pem(host_key.serialize_pem()));
    record.insert("RootPrivateKey".into(), pem(root_key.serialize_pem()));
    record.insert("HostID".into(), host_id.as_str().into());
    record.insert("SystemBUID".into(), system_buid.into());
    record.insert("EscrowBag".into(), plist::Value::Data(escrow));
    record.insert("WiFiMACAddress".into(), wifi_mac.into());

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(root_cert.der().to_vec()))
        .map_err(|e| PairingError::Tls(e.to_string()))?;
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| PairingError::Tls(e.to_string()))?;
    let tls = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
        .map_err(|e| PairingError::Tls(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from(device_cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(device_key.serialize_der())),
        )
        .map_err(|e| PairingError::Tls(e.to_string()))?;

    Ok(PairRecord {
        host_id,
        system_buid: system_buid.to_string(),
        record,
        tls: Arc::new(tls),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn record_has_every_field_of_a_real_pair_record() {
        let p = generate("BUID", "f4:be:ec:12:34:56").unwrap();
        for key in [
            "DeviceCertificate",
            "HostCertificate",
            "RootCertificate",
            "HostPrivateKey",
            "RootPrivateKey",
            "HostID",
            "SystemBUID",
            "EscrowBag",
            "WiFiMACAddress",
        ] {
            assert!(p.record.contains_key(key), "{key}");
        }
        let host = p.record["HostCertificate"].as_data().unwrap();
        assert!(host.starts_with(b"-----BEGIN CERTIFICATE-----"));
        assert_eq!(p.host_id.len(), 36);
        assert_ne!(random_uuid().unwrap(), random_uuid().unwrap());
    }
}
