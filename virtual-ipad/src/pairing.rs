//! The pair record a virtual iPad shares with "its" host, generated fresh at start like a real
//! first pairing would: a root CA, a host certificate and a device certificate signed by it,
//! the private keys, `HostID`, `SystemBUID`, `EscrowBag` and `WiFiMACAddress`, as usbmuxd's
//! `ReadPairRecord` returns it (certificates and keys as PEM in `<data>`).

use std::sync::{Arc, OnceLock};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, PKCS_RSA_SHA256,
};
use ring::rand::{SecureRandom, SystemRandom};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::EncodePrivateKey;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{DigitallySignedStruct, DistinguishedName as TlsName, RootCertStore, ServerConfig};

/// An RSA key as the pair record stores it (PKCS#1 PEM) and as rcgen signs with it.
struct RsaKey {
    pkcs1_pem: String,
    pkcs8_der: Vec<u8>,
}

/// RSA-2048 generation takes a while; the keys are made once per process and shared by every
/// virtual device it runs (each still gets its own certificates and identifiers).
fn rsa_keys() -> Result<&'static [RsaKey; 2], PairingError> {
    static KEYS: OnceLock<Result<[RsaKey; 2], String>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let make = || -> Result<RsaKey, String> {
            let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
                .map_err(|e| e.to_string())?;
            Ok(RsaKey {
                pkcs1_pem: key
                    .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
                    .map_err(|e| e.to_string())?
                    .to_string(),
                pkcs8_der: key
                    .to_pkcs8_der()
                    .map_err(|e| e.to_string())?
                    .as_bytes()
                    .to_vec(),
            })
        };
        Ok([make()?, make()?])
    });
    keys.as_ref()
        .map_err(|e| PairingError::Tls(format!("RSA key generation: {e}")))
}

fn rcgen_key(key: &RsaKey) -> Result<KeyPair, PairingError> {
    Ok(KeyPair::from_pkcs8_der_and_sign_algo(
        &PrivatePkcs8KeyDer::from(key.pkcs8_der.clone()),
        &PKCS_RSA_SHA256,
    )?)
}

/// Client certificates are checked against the pair record's root, and the root certificate
/// itself is accepted as a client identity: libimobiledevice presents the root
/// (`RootCertificate`/`RootPrivateKey`), idevice the host certificate.
#[derive(Debug)]
struct PairRecordClients {
    root: CertificateDer<'static>,
    chained: Arc<dyn ClientCertVerifier>,
}

impl ClientCertVerifier for PairRecordClients {
    fn root_hint_subjects(&self) -> &[TlsName] {
        self.chained.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.root.as_ref() {
            return Ok(ClientCertVerified::assertion());
        }
        self.chained
            .verify_client_cert(end_entity, intermediates, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.chained.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.chained.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.chained.supported_verify_schemes()
    }
}

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
    let [root_rsa, host_rsa] = rsa_keys()?;
    let root_key = rcgen_key(root_rsa)?;
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

    let host_key = rcgen_key(host_rsa)?;
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
    record.insert("HostPrivateKey".into(), pem(host_rsa.pkcs1_pem.clone()));
    record.insert("RootPrivateKey".into(), pem(root_rsa.pkcs1_pem.clone()));
    record.insert("HostID".into(), host_id.as_str().into());
    record.insert("SystemBUID".into(), system_buid.into());
    record.insert("EscrowBag".into(), plist::Value::Data(escrow));
    record.insert("WiFiMACAddress".into(), wifi_mac.into());

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(root_cert.der().to_vec()))
        .map_err(|e| PairingError::Tls(e.to_string()))?;
    let chained = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| PairingError::Tls(e.to_string()))?;
    let verifier = Arc::new(PairRecordClients {
        root: CertificateDer::from(root_cert.der().to_vec()),
        chained,
    });
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
