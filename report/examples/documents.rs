//! Writes the documents of the council iPad's two weeks to a folder, to read them:
//! `cargo run -p lucarne-report --example documents -- OUT_DIR [fr|en]`.
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use lucarne_words::Lang;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().expect("OUT_DIR"));
    let lang: Lang = args.next().unwrap_or_else(|| "fr".into()).parse().unwrap();
    let input = common::council_two_weeks();
    std::fs::create_dir_all(out.join(lucarne_report::text::LETTERS_DIR)).unwrap();
    std::fs::write(
        out.join("rapport.pdf"),
        lucarne_report::render_pdf(&input, lang).unwrap(),
    )
    .unwrap();
    std::fs::write(
        out.join("LISEZMOI.txt"),
        lucarne_report::lisezmoi(&input, lang),
    )
    .unwrap();
    for (name, text) in lucarne_report::letters(&input, lang) {
        std::fs::write(out.join(name), text).unwrap();
    }
    std::fs::write(
        out.join(lucarne_report::DATA_JSON),
        lucarne_report::data_json(&input).unwrap(),
    )
    .unwrap();
}
