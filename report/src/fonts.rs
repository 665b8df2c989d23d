//! The fonts, compiled into the crate (never read or downloaded at run time), their metrics
//! for line breaking, and the one rule that keeps any text printable: a character the font
//! has no glyph for becomes U+FFFD, because PDF/A forbids references to the `.notdef` glyph.

use krilla::text::Font;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::ReportError;

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
const MONO: &[u8] = include_bytes!("../fonts/DejaVuSansMono.ttf");

/// A face of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// Body text.
    Regular,
    /// Titles and what must stand out.
    Bold,
    /// File names, fingerprints, commands.
    Mono,
}

/// One face: the font for krilla and its advance widths for measuring.
struct Loaded {
    font: Font,
    data: &'static [u8],
}

impl Loaded {
    fn new(data: &'static [u8], name: &'static str) -> Result<Self, ReportError> {
        let font = Font::new(data.into(), 0).ok_or(ReportError::Font(name))?;
        FontRef::new(data).map_err(|_| ReportError::Font(name))?;
        Ok(Loaded { font, data })
    }

    fn font_ref(&self) -> Option<FontRef<'static>> {
        FontRef::new(self.data).ok()
    }
}

/// The report's fonts.
pub struct Fonts {
    regular: Loaded,
    bold: Loaded,
    mono: Loaded,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fonts")
    }
}

impl Fonts {
    /// Loads the embedded fonts.
    pub fn load() -> Result<Self, ReportError> {
        Ok(Fonts {
            regular: Loaded::new(REGULAR, "DejaVuSans")?,
            bold: Loaded::new(BOLD, "DejaVuSans-Bold")?,
            mono: Loaded::new(MONO, "DejaVuSansMono")?,
        })
    }

    fn loaded(&self, face: Face) -> &Loaded {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
            Face::Mono => &self.mono,
        }
    }

    /// The krilla font of `face`.
    pub fn font(&self, face: Face) -> Font {
        self.loaded(face).font.clone()
    }

    /// `text` with every character `face` cannot draw replaced: controls by a space, others
    /// by U+FFFD (or `?` when even that is missing).
    pub fn printable(&self, face: Face, text: &str) -> String {
        let Some(font) = self.loaded(face).font_ref() else {
            return text.chars().filter(char::is_ascii_graphic).collect();
        };
        let charmap = font.charmap();
        let has = |c: char| charmap.map(c).is_some_and(|g| g.to_u32() != 0);
        let fallback = if has('\u{FFFD}') { '\u{FFFD}' } else { '?' };
        text.chars()
            .map(|c| {
                if c.is_control() {
                    ' '
                } else if has(c) {
                    c
                } else {
                    fallback
                }
            })
            .collect()
    }

    /// The width of `text` in `face` at `size` points (advances, no kerning: lines are
    /// broken with a margin for it).
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let Some(font) = self.loaded(face).font_ref() else {
            return text.chars().count() as f32 * size;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let upem = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        )
        .max(1.0);
        let units: f32 = text
            .chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(upem / 2.0)
            })
            .sum();
        units / upem * size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_typography_is_covered() {
        let fonts = Fonts::load().unwrap();
        let text = "Élu·e : « déjà » ; œuvre ? ’";
        assert_eq!(fonts.printable(Face::Regular, text), text);
        assert_eq!(fonts.printable(Face::Regular, "a\u{202F}b"), "a\u{202F}b");
        assert_eq!(fonts.printable(Face::Mono, "a\u{202F}b").chars().count(), 3);
        // A glyph of its own, narrower than a space: the thin space is drawn as such.
        let thin = fonts.width(Face::Regular, 10.0, "\u{202F}");
        assert!(thin > 0.0 && thin < fonts.width(Face::Regular, 10.0, " "));
    }

    #[test]
    fn what_no_glyph_draws_is_replaced() {
        let fonts = Fonts::load().unwrap();
        assert_eq!(fonts.printable(Face::Regular, "a\u{0}b"), "a b");
        let cjk = fonts.printable(Face::Regular, "漢");
        assert_eq!(cjk, "\u{FFFD}");
    }

    #[test]
    fn widths_grow_with_text() {
        let fonts = Fonts::load().unwrap();
        let one = fonts.width(Face::Regular, 10.0, "m");
        assert!(one > 5.0 && one < 12.0, "{one}");
        assert!(fonts.width(Face::Bold, 10.0, "mm") > 2.0 * one * 0.9);
    }
}
