//! LISEZMOI.txt and the letters of the council iPad's two weeks: every fact a letter states
//! names a file of the export; the access request asks for the MDM's command history and,
//! the device carrying a managed mail account, the mail server's audit records; hostile
//! strings break neither the PDF nor the letters.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;

use lucarne_report::{letters, lisezmoi, render_pdf, ReportInput, ACCESS_REQUEST, COMPLAINT};
use lucarne_words::Lang;

/// Every file a report input names.
fn files(input: &ReportInput) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in &input.snapshots {
        out.insert(s.envelope.clone());
    }
    for a in &input.server_alerts {
        out.insert(a.file.clone());
    }
    out
}

/// The numbered facts of a letter, each joined onto one line.
fn numbered_facts(letter: &str) -> Vec<String> {
    let mut facts: Vec<String> = Vec::new();
    let mut inside = false;
    for line in letter.lines() {
        let trimmed = line.trim_start();
        let is_number = trimmed
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if is_number && line.starts_with(' ') {
            facts.push(trimmed.to_string());
            inside = true;
        } else if inside && line.starts_with("     ") && !line.trim().is_empty() {
            let last = facts.last_mut().unwrap();
            last.push(' ');
            last.push_str(line.trim());
        } else {
            inside = false;
        }
    }
    facts
}

/// Lines joined, ordinary spaces collapsed (narrow no-break spaces kept).
fn flat(text: &str) -> String {
    text.split([' ', '\n'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_fact_of_each_letter_names_a_file_of_the_export() {
    let input = common::council_two_weeks();
    let known = files(&input);
    for lang in Lang::ALL {
        let (one, many) = match lang {
            Lang::Fr => ("(fichier\u{202F}: ", "(fichiers\u{202F}: "),
            Lang::En => ("(file: ", "(files: "),
        };
        let docs = letters(&input, lang);
        let names: Vec<&str> = docs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, [ACCESS_REQUEST, COMPLAINT]);
        for (name, text) in &docs {
            let facts = numbered_facts(text);
            assert!(facts.len() >= 5, "{name} {lang:?}: {facts:?}\n{text}");
            for fact in &facts {
                let cited = fact
                    .rsplit_once(one)
                    .or_else(|| fact.rsplit_once(many))
                    .unwrap_or_else(|| panic!("{name} {lang:?}: no file cited in `{fact}`"))
                    .1
                    .trim_end_matches(')');
                for file in cited.split(", ") {
                    assert!(
                        known.contains(file),
                        "{name} {lang:?}: `{file}` is not a file of the export (in `{fact}`)"
                    );
                }
            }
            // The week-2 change is among the facts, dated, with both snapshots cited.
            let change = facts
                .iter()
                .find(|f| f.contains("TeamViewer") && f.contains("1.envelope.json"))
                .unwrap_or_else(|| panic!("{name} {lang:?}: no TeamViewer fact in {facts:?}"));
            assert!(
                change.contains("16/11/2026") && change.contains("23/11/2026"),
                "{change}"
            );
            assert!(change.contains("1.envelope.json") && change.contains("2.envelope.json"));
            for line in text.lines() {
                assert!(line.chars().count() <= 78 || !line.contains(' '), "{line}");
            }
        }
    }
}

#[test]
fn the_access_request_asks_for_the_records_the_device_points_to() {
    let input = common::council_two_weeks();
    assert!(
        input.has_managed_mail(),
        "the council iPad has a managed mail account"
    );
    let docs = letters(&input, Lang::Fr);
    let request = flat(&docs[0].1);
    for expected in [
        "article 15",
        "l'historique des commandes envoyées par le MDM",
        "mode Perdu",
        "effacements",
        "son auteur",
        "sa finalité",
        "journaux d'audit d'accès aux boîtes aux lettres",
        "C-579/21",
        "[Vos prénom et nom]",
    ] {
        assert!(
            request.contains(expected),
            "`{expected}` missing:\n{request}"
        );
    }
    let complaint = flat(&docs[1].1);
    assert!(complaint.contains("Commission nationale de l'informatique et des libertés"));
    assert!(complaint.contains("lucarne verify"));

    // Without a managed mail account, no mail server's records are asked for.
    let mut no_mail = input.clone();
    no_mail.analysis.accounts.clear();
    let request = flat(&letters(&no_mail, Lang::Fr)[0].1);
    assert!(!request.contains("boîtes aux lettres"), "{request}");
}

#[test]
fn lisezmoi_says_what_is_in_the_file_and_how_to_verify_it() {
    let input = common::council_two_weeks();
    let text = lisezmoi(&input, Lang::Fr);
    let flat = flat(&text);
    for expected in [
        "rapport.pdf",
        "lettres/",
        "data.json",
        "MANIFEST",
        "lucarne verify EXPORT.zip",
        "SHA256:q0u8ZP3mNQb1vM3z4WbC3b5nEo7hR9m2l3U9oQe1x8Y",
        "Sur 2 instantanés\u{202F}: 2 inscrits dans le journal du serveur, 1 dont la date est attestée",
        "attesté par le serveur Lucarne",
    ] {
        assert!(flat.contains(expected), "`{expected}` missing:\n{text}");
    }
    let mut local = input.clone();
    local.server_attested = false;
    assert!(lisezmoi(&local, Lang::Fr).contains("n'est pas attesté par le serveur"));
}

const HOSTILE: &str = "<script>alert(1)</script>\u{202E}gpj.exe\0\u{7}\r\n%PDF-1.7 endobj )\\(";

#[test]
fn hostile_strings_break_neither_the_pdf_nor_the_letters() {
    let mut input = common::council_two_weeks();
    let huge = "É".repeat(1_000_000);
    input.owner = Some(format!("{HOSTILE}{huge}"));
    input.device_handle = format!("../{HOSTILE}");
    input.analysis.device.name = Some(format!("{HOSTILE}{huge}"));
    input.analysis.device.organisation = Some(HOSTILE.into());
    input.keys[0].fingerprint = format!("{HOSTILE}{huge}");
    input.snapshots[1].taken_at = HOSTILE.into();
    if let Some(events) = input.snapshots[1].changes.as_mut() {
        for e in events.iter_mut() {
            e.name = Some(format!("{HOSTILE}漢字{huge}"));
        }
    }
    for lang in Lang::ALL {
        let pdf = render_pdf(&input, lang).unwrap();
        assert!(pdf.len() < 5_000_000, "{} bytes", pdf.len());
        let path = std::env::temp_dir().join(format!(
            "lucarne-report-hostile-{}-{}.pdf",
            std::process::id(),
            lang.code()
        ));
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new("qpdf")
            .args(["--check", &path.to_string_lossy()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let text = std::process::Command::new("pdftotext")
            .args(["-enc", "UTF-8", &path.to_string_lossy(), "-"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout).into_owned();
        let _ = std::fs::remove_file(&path);
        assert!(
            text.contains("⟨U+202E⟩"),
            "the override is not shown as such"
        );
        assert!(!text.contains('\u{202E}') && !text.contains('\0'));
        assert!(
            text.contains("<script>"),
            "outside text is shown as written"
        );

        for (name, letter) in letters(&input, lang)
            .iter()
            .chain([("LISEZMOI.txt".to_string(), lisezmoi(&input, lang))].iter())
        {
            assert!(letter.len() < 200_000, "{name}: {} bytes", letter.len());
            assert!(
                !letter
                    .chars()
                    .any(|c| (c.is_control() && c != '\n') || c == '\u{202E}'),
                "{name}: a control character"
            );
        }
    }
}
