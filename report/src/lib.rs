//! The documents inside a Lucarne export, for an official, a lawyer or the CNIL: the report
//! (`rapport.pdf`, PDF/A-3b with the facts attached as `data.json`), `LISEZMOI.txt` and the
//! draft letters (`lettres/`: the GDPR article 15 access request, the CNIL complaint).
//!
//! Pure: facts in ([`ReportInput`], language-free), bytes or text out; no I/O. Every sentence
//! comes from `lucarne-words` (`words/locales/*/report.ftl` and the explanation's files);
//! every fact says who attests it and which file of the export holds it.
//!
//! # Layout
//! - [`input`]: the facts a report is made of.
//! - [`content`]: what the report says, in order, as blocks.
//! - [`layout`]: blocks → lines → A4 pages.
//! - [`fonts`]: the embedded fonts (DejaVu), measuring, printable text.
//! - [`pdf`]: pages → PDF/A-3b with krilla.
//! - [`text`]: `LISEZMOI.txt` and the letters.
//! - [`export`]: `data.json`'s facts and the files drawn from them, for the agent's export
//!   and the server's alike.

pub mod content;
pub mod export;
pub mod fonts;
pub mod input;
pub mod layout;
pub mod pdf;
pub mod text;

pub use input::{
    Attestation, KeyFact, KeyRole, Period, ReportInput, ServerAlert, SnapshotEntry, DATA_JSON,
};
pub use pdf::{render_pdf, render_pdf_attaching};
pub use text::{letters, lisezmoi, ACCESS_REQUEST, COMPLAINT};

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// An embedded font could not be read (a build problem, never the input's).
    #[error("the embedded font {0} cannot be read")]
    Font(&'static str),
    /// The PDF writer refused the document (PDF/A validation included).
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    /// The facts could not be written as JSON.
    #[error("data.json could not be written: {0}")]
    Json(#[from] serde_json::Error),
    /// The export's files do not hold what its facts name (a snapshot that cannot be read).
    #[error("the export's facts cannot be read: {0}")]
    Input(String),
}

/// The facts of `input` as `data.json` (pretty JSON, language-free): attached to the PDF and
/// written beside it in the export, the same bytes.
pub fn data_json(input: &ReportInput) -> Result<Vec<u8>, ReportError> {
    let mut bytes = serde_json::to_vec_pretty(input)?;
    bytes.push(b'\n');
    Ok(bytes)
}
