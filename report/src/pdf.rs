//! The PDF report: the blocks of [`crate::content`] laid out ([`crate::layout`]) and drawn
//! with krilla as PDF/A-3b, fonts subset and embedded, `data.json` attached, an outline of
//! the sections, a footer with the page number on every page.

use krilla::color::rgb;
use krilla::configure::{Configuration, Validator};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;
use krilla::{Document, SerializeSettings};
use lucarne_words::neutral::neutralize_to;
use lucarne_words::{Args, Lang, Words};

use crate::fonts::{Face, Fonts};
use crate::input::{ReportInput, DATA_JSON};
use crate::layout::{lay_out, Op, Style, MARGIN_X, MUTED, PAGE_HEIGHT, PAGE_WIDTH, TEXT_WIDTH};
use crate::{content, data_json, ReportError};

/// The report of `input` in `lang`, as PDF/A-3b bytes with `data.json` attached (the
/// input's facts, [`data_json`]).
pub fn render_pdf(input: &ReportInput, lang: Lang) -> Result<Vec<u8>, ReportError> {
    render_pdf_attaching(input, lang, data_json(input)?)
}

/// [`render_pdf`] attaching `data_json` as `data.json`: an export passes the exact bytes of
/// its own `data.json`, so that the attachment and the file of the ZIP are one.
pub fn render_pdf_attaching(
    input: &ReportInput,
    lang: Lang,
    data_json: Vec<u8>,
) -> Result<Vec<u8>, ReportError> {
    let words = Words::new(lang);
    let fonts = Fonts::load()?;
    let blocks = content::blocks(input, &words);
    let laid = lay_out(&fonts, &blocks);

    let settings = SerializeSettings {
        configuration: Configuration::new_with_validator(Validator::A3_B),
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let device = neutralize_to(
        input
            .analysis
            .device
            .name
            .as_deref()
            .unwrap_or(&input.device_handle),
        60,
    );
    let pages = laid.pages.len();
    for (index, page) in laid.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| ReportError::Pdf("page size".into()))?;
        let mut pdf_page = document.start_page_with(settings);
        let mut surface = pdf_page.surface();
        for op in &page.ops {
            draw(&mut surface, &fonts, op);
        }
        let footer = words.format(
            "report-footer",
            &Args::new()
                .ours("device", device.clone())
                .num("page", (index + 1) as f64)
                .num("pages", pages as f64),
        );
        draw(
            &mut surface,
            &fonts,
            &Op::Text {
                x: MARGIN_X,
                y: PAGE_HEIGHT - 34.0,
                style: Style {
                    face: Face::Regular,
                    size: 7.5,
                    color: MUTED,
                },
                text: fonts.printable(Face::Regular, &footer),
            },
        );
        surface.finish();
        pdf_page.finish();
    }

    let mut outline = Outline::new();
    for mark in &laid.marks {
        outline.push_child(OutlineNode::new(
            mark.title.clone(),
            krilla::destination::XyzDestination::new(mark.page, Point::from_xy(MARGIN_X, mark.y)),
        ));
    }
    document.set_outline(outline);

    let mut metadata = Metadata::new()
        .title(words.get("report-title"))
        .description(words.get("report-subject"))
        .language(lang.code().to_string())
        .creator("Lucarne".to_string())
        .producer(format!("lucarne-report {}", env!("CARGO_PKG_VERSION")));
    let created = pdf_date(&input.generated_at);
    if let Some(date) = created {
        metadata = metadata.creation_date(date);
    }
    document.set_metadata(metadata);

    document
        .embed_file(EmbeddedFile {
            path: DATA_JSON.to_string(),
            mime_type: MimeType::new("application/json"),
            description: Some(words.get("report-verify-data")),
            association_kind: AssociationKind::Data,
            data: data_json.into(),
            modification_date: created,
            compress: Some(true),
            location: None,
        })
        .ok_or_else(|| ReportError::Pdf("data.json attached twice".into()))?;

    document
        .finish()
        .map_err(|e| ReportError::Pdf(describe(&e)))
}

fn describe(error: &KrillaError) -> String {
    match error {
        KrillaError::Validation(errors) => format!("PDF/A validation: {errors:?}"),
        other => format!("{other:?}"),
    }
}

fn draw(surface: &mut Surface<'_>, fonts: &Fonts, op: &Op) {
    match op {
        Op::Text { x, y, style, text } => {
            let (r, g, b) = style.color;
            surface.set_fill(Some(Fill {
                paint: rgb::Color::new(r, g, b).into(),
                ..Fill::default()
            }));
            surface.draw_text(
                Point::from_xy(*x, *y),
                fonts.font(style.face),
                style.size,
                text,
                false,
                TextDirection::LeftToRight,
            );
        }
        Op::Rule { x0, x1, y } => {
            let mut path = PathBuilder::new();
            path.move_to(*x0, *y);
            path.line_to(x1.min(MARGIN_X + TEXT_WIDTH), *y);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(170, 180, 195).into(),
                    width: 0.6,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
    }
}

/// An RFC 3339 UTC time (`2026-11-30T16:35:00Z`) as a PDF date; `None` if it is not one.
fn pdf_date(text: &str) -> Option<DateTime> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| text.get(range)?.parse::<u16>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    Some(
        DateTime::new(year)
            .month(month as u8)
            .day(day as u8)
            .hour(hour as u8)
            .minute(minute as u8)
            .second(second.min(59) as u8)
            .utc_offset_hour(0)
            .utc_offset_minute(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_or_refused() {
        assert!(pdf_date("2026-11-30T16:35:00Z").is_some());
        assert!(pdf_date("2026-13-30T16:35:00Z").is_none());
        assert!(pdf_date("hier").is_none());
        assert!(pdf_date("2026-11-30Té6:35:00Z").is_none());
    }
}
