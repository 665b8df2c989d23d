//! The README's main command, `lucarne-demo`, run as a user runs it: it must go through the
//! whole path (virtual iPad → agent → server → receipt → changes a week later) and say so.
#![allow(clippy::unwrap_used)]

use std::process::Command;

#[test]
fn the_demo_runs_the_whole_path_in_french_and_in_english() {
    for (lang, lines) in [
        (
            "fr",
            [
                "toutes de lecture (aucune refusée)",
                "--bin lucarne-simulate -- serve --socket /tmp/vipad.sock --device",
                "USBMUXD_SOCKET_ADDRESS=UNIX:/tmp/vipad.sock lucarne scan",
                "Instantané n° 1 accepté par le serveur, reçu vérifié",
                "Instantané n° 2 accepté par le serveur, reçu vérifié",
                "Nouvelle restriction\u{202F}: les captures et enregistrements d'écran sont bloqués",
                "Nouvelle application\u{202F}: «\u{202F}TeamViewer\u{202F}»",
            ],
        ),
        (
            "en",
            [
                "all of them reads (0 refused)",
                "--bin lucarne-simulate -- serve --socket /tmp/vipad.sock --device",
                "USBMUXD_SOCKET_ADDRESS=UNIX:/tmp/vipad.sock lucarne scan",
                "Snapshot no. 1 accepted by the server, receipt verified",
                "Snapshot no. 2 accepted by the server, receipt verified",
                "New restriction: screenshots and screen recordings are blocked",
                "New app: “TeamViewer”",
            ],
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_lucarne-demo"))
            .args(["--lang", lang, "--exit"])
            .output()
            .unwrap();
        // Lines are wrapped at 80 columns: whitespace runs compare as single spaces.
        let text = String::from_utf8(out.stdout)
            .unwrap()
            .split_ascii_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            out.status.success(),
            "{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in lines {
            assert!(
                text.contains(line),
                "{lang}: `{line}` missing from:\n{text}"
            );
        }
    }
}
