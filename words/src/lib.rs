//! Every sentence Lucarne says, in French and in English, and the explanation that every view
//! (terminal, web page, PDF report) draws.
//!
//! Facts come from `lucarne-profiles` with no words in them; this crate turns them into
//! sentences in the reader's language, from one set of Fluent files (`words/locales/`).
//! Nothing made here is stored, signed or compared: only facts are.
//!
//! # Layout
//! - [`lang`]: the languages.
//! - [`words`]: the Fluent files, French typography, message arguments.
//! - [`neutral`]: outside text (profile names, URLs) made safe to show as the administration's.
//! - [`sentences`]: one sentence per fact (capability, condition, limit, change, alert).
//! - [`explain`]: an analysis → the document every view draws.
//! - [`plain`]: that document drawn as wrapped text.

pub mod explain;
pub mod lang;
pub mod neutral;
pub mod plain;
pub mod sentences;
pub mod words;

pub use explain::{explain, Document, Subject};
pub use lang::Lang;
pub use words::{Args, Words};
