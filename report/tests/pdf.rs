//! The report of the council iPad's two weeks, checked with tools that are not ours:
//! poppler (`pdftotext`, `pdfinfo`, `pdffonts`, `pdfdetach`, `pdftoppm`) and `qpdf`
//! (`tests/setup.sh` installs them). The pages are also drawn to PNG in
//! `target/test-artefacts/` to be looked at.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use lucarne_report::{render_pdf, ReportInput};
use lucarne_words::Lang;

fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-artefacts/report");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `tool args…`; its standard output, or a failure naming the tool.
fn tool(tool: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed (source tests/setup.sh): {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn write(name: &str, bytes: &[u8]) -> String {
    let path = artefacts().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

/// The checks every report must pass, whatever its content: a sound file, PDF/A-3
/// identification, every font embedded, data.json attached, no encryption.
fn check_pdf_a(path: &str) -> String {
    let (ok, out) = tool("qpdf", &["--check", path]);
    assert!(ok, "qpdf --check {path}:\n{out}");
    let (ok, meta) = tool("pdfinfo", &["-meta", path]);
    assert!(ok, "{meta}");
    assert!(
        meta.contains("<pdfaid:part>3</pdfaid:part>") && meta.contains("pdfaid:conformance>B<"),
        "no PDF/A-3B identification in the XMP metadata:\n{meta}"
    );
    let (ok, info) = tool("pdfinfo", &[path]);
    assert!(ok, "{info}");
    let encrypted = info
        .lines()
        .find_map(|l| l.strip_prefix("Encrypted:"))
        .map(str::trim);
    assert_eq!(encrypted, Some("no"), "{info}");
    let (ok, fonts) = tool("pdffonts", &[path]);
    assert!(ok, "{fonts}");
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no font:\n{fonts}");
    for row in rows {
        // Columns: name type encoding emb sub uni object ID.
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert!(n >= 7, "{row}");
        assert_eq!(cols[n - 5], "yes", "font not embedded: {row}");
        assert_eq!(cols[n - 3], "yes", "font without ToUnicode map: {row}");
    }
    let (ok, attached) = tool("pdfdetach", &["-list", path]);
    assert!(ok, "{attached}");
    assert!(attached.contains("data.json"), "{attached}");
    let (ok, text) = tool("pdftotext", &["-enc", "UTF-8", path, "-"]);
    assert!(ok, "{text}");
    text
}

fn flat(text: &str) -> String {
    text.split([' ', '\n', '\r', '\u{c}'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_council_ipad_report_in_french_says_the_facts_and_is_pdf_a() {
    let input = common::council_two_weeks();
    let pdf = render_pdf(&input, Lang::Fr).unwrap();
    let path = write("rapport-fr.pdf", &pdf);
    let text = flat(&check_pdf_a(&path));

    // Who, which device, which period. (pdftotext writes every Unicode space as a space: the
    // narrow no-break spaces are checked in the fonts' Unicode maps below.)
    for expected in [
        "Camille Dupré",
        "« iPad élu 0142 »",
        "Période : du 16/11/2026 au 23/11/2026",
        // What the administration can do, with its evidence.
        "Ce que l'administration peut faire",
        "Preuve : fr.region-exemple.exchange",
        // The dated change of week 2.
        "23/11/2026",
        "TeamViewer",
        // Attestations and fingerprints.
        "inscrit au journal du serveur",
        "SHA256:q0u8ZP3mNQb1vM3z4WbC3b5nEo7hR9m2l3U9oQe1x8Y",
        "lucarne verify EXPORT.zip",
        "devices/ipad-1/3f1c9a2b7d5e8f60/2.envelope.json",
        // What Lucarne could not see.
        "Les journaux du serveur MDM",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` missing from:\n{text}"
        );
    }
    // The thin spaces before « : » and inside « » are a glyph of their own, mapped back to
    // U+202F for copy and search: qpdf's uncompressed view of the Unicode maps shows it.
    let qdf = artefacts().join("rapport-fr.qdf.pdf");
    let (ok, out) = tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            &path,
            &qdf.to_string_lossy(),
        ],
    );
    assert!(ok, "{out}");
    let raw = std::fs::read(&qdf).unwrap();
    assert!(
        raw.windows(7).any(|w| w.eq_ignore_ascii_case(b"<202F>\n")),
        "no glyph maps to U+202F"
    );
    assert!(!text.contains("preuve : preuve"), "{text}");
    assert!(
        !text.contains('\u{FFFD}'),
        "a character the font lacks:\n{text}"
    );

    let (ok, out) = tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "70",
            &path,
            &artefacts().join("rapport-fr").to_string_lossy(),
        ],
    );
    assert!(ok, "{out}");
}

#[test]
fn the_report_in_english_says_the_same_facts() {
    let input = common::council_two_weeks();
    let pdf = render_pdf(&input, Lang::En).unwrap();
    let path = write("rapport-en.pdf", &pdf);
    let text = flat(&check_pdf_a(&path));
    for expected in [
        "What the administration can do",
        "Period: 16/11/2026 to 23/11/2026",
        "TeamViewer",
        "recorded in the server's log",
        "lucarne verify EXPORT.zip",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` missing from:\n{text}"
        );
    }
}

#[test]
fn the_attached_data_json_is_the_input() {
    let input = common::council_two_weeks();
    let pdf = render_pdf(&input, Lang::Fr).unwrap();
    let path = write("rapport-data.pdf", &pdf);
    let out_dir = tempfile::tempdir().unwrap();
    let saved = out_dir.path().join("data.json");
    let (ok, out) = tool(
        "pdfdetach",
        &["-save", "1", "-o", &saved.to_string_lossy(), &path],
    );
    assert!(ok, "{out}");
    let back: ReportInput = serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    assert_eq!(back, input);
    assert_eq!(
        std::fs::read(&saved).unwrap(),
        lucarne_report::data_json(&input).unwrap()
    );
}

#[test]
fn an_export_attaches_its_own_data_json() {
    let input = common::council_two_weeks();
    let own = br#"{"schema":"lucarne.export-data/1","attested_by":"server"}"#.to_vec();
    let pdf = lucarne_report::render_pdf_attaching(&input, Lang::Fr, own.clone()).unwrap();
    let path = write("rapport-own-data.pdf", &pdf);
    check_pdf_a(&path);
    let out_dir = tempfile::tempdir().unwrap();
    let saved = out_dir.path().join("data.json");
    let (ok, out) = tool(
        "pdfdetach",
        &["-save", "1", "-o", &saved.to_string_lossy(), &path],
    );
    assert!(ok, "{out}");
    assert_eq!(std::fs::read(&saved).unwrap(), own);
}
