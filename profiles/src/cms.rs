//! CMS (PKCS#7) signed profiles: `.mobileconfig` files signed by their issuer are DER
//! `ContentInfo { SignedData }` with the plist as encapsulated content.

use crate::profile::Signer;

/// The content of a signed profile and who signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedContent {
    /// The encapsulated content: the profile plist.
    pub content: Vec<u8>,
    /// The signer, with whether the signature is valid.
    pub signer: Signer,
}

/// Why a CMS wrapper could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CmsError {
    /// The DER structure is not a CMS SignedData.
    #[error("not a CMS SignedData structure: {0}")]
    Malformed(String),
}

/// Whether `bytes` start like a DER SEQUENCE (a CMS ContentInfo) rather than a plist.
pub fn looks_like_cms(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30)
}

/// Opens a CMS SignedData wrapper.
pub fn unwrap(_bytes: &[u8]) -> Result<SignedContent, CmsError> {
    Err(CmsError::Malformed("CMS support is being written".into()))
}
