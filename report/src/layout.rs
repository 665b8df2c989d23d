//! A small flow layout: blocks of text (titles, paragraphs, list items, dated lines, file
//! names) broken into lines and cut into A4 pages. Drawing is a separate step
//! ([`crate::pdf`]); this module only measures and places, so it is tested without a PDF.

use crate::fonts::{Face, Fonts};

/// A4 width in points.
pub const PAGE_WIDTH: f32 = 595.28;
/// A4 height in points.
pub const PAGE_HEIGHT: f32 = 841.89;
/// Left and right margin.
pub const MARGIN_X: f32 = 56.0;
/// Top margin.
pub const MARGIN_TOP: f32 = 56.0;
/// Bottom margin (the footer sits inside it).
pub const MARGIN_BOTTOM: f32 = 64.0;
/// The width text may take.
pub const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;

/// How a piece of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Face.
    pub face: Face,
    /// Size in points.
    pub size: f32,
    /// Colour (RGB).
    pub color: (u8, u8, u8),
}

/// Body text colour: near black.
pub const INK: (u8, u8, u8) = (25, 25, 25);
/// Muted text (evidence, files).
pub const MUTED: (u8, u8, u8) = (85, 85, 85);
/// What widens the administration's reach.
pub const ALERT: (u8, u8, u8) = (150, 20, 20);
/// Titles.
pub const TITLE: (u8, u8, u8) = (20, 50, 95);

impl Style {
    /// Body text.
    pub const BODY: Style = Style {
        face: Face::Regular,
        size: 10.0,
        color: INK,
    };
    /// Small muted text.
    pub const SMALL: Style = Style {
        face: Face::Regular,
        size: 8.5,
        color: MUTED,
    };
    /// File names and fingerprints.
    pub const MONO: Style = Style {
        face: Face::Mono,
        size: 8.0,
        color: INK,
    };
    /// Bold body text.
    pub const STRONG: Style = Style {
        face: Face::Bold,
        size: 10.0,
        color: INK,
    };

    fn leading(&self) -> f32 {
        self.size * 1.35
    }
}

/// One block of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The document's title.
    Title(String),
    /// A section title (an entry of the PDF outline).
    Heading(String),
    /// A sub-section title.
    Subheading(String),
    /// A paragraph.
    Para(String, Style),
    /// A list item, indented by `level`.
    Item {
        /// The text.
        text: String,
        /// How it looks.
        style: Style,
        /// Nesting (0 = first level).
        level: u8,
    },
    /// A line led by a label in its own column (a date, a sequence number).
    Labelled {
        /// The label.
        label: String,
        /// The text.
        text: String,
        /// How the text looks.
        style: Style,
    },
    /// Vertical space.
    Space(f32),
    /// A thin horizontal rule.
    Rule,
}

/// What is drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Text whose baseline starts at (x, y), y from the top.
    Text {
        /// Left.
        x: f32,
        /// Baseline, from the top.
        y: f32,
        /// Style.
        style: Style,
        /// Printable text.
        text: String,
    },
    /// A horizontal line at y from x0 to x1.
    Rule {
        /// Start.
        x0: f32,
        /// End.
        x1: f32,
        /// Height from the top.
        y: f32,
    },
}

/// A laid-out page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// What is drawn on it.
    pub ops: Vec<Op>,
}

/// An outline entry: a heading, its page and height.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// The heading.
    pub title: String,
    /// The page index.
    pub page: usize,
    /// Its top, from the top of the page.
    pub y: f32,
}

/// The laid-out document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Laid {
    /// Pages.
    pub pages: Vec<Page>,
    /// Headings, for the outline.
    pub marks: Vec<Mark>,
}

const INDENT: f32 = 14.0;
const LABEL_WIDTH: f32 = 64.0;
/// Lines are broken a little short of the width: widths ignore kerning.
const SLACK: f32 = 0.98;

/// Lays `blocks` out into pages.
pub fn lay_out(fonts: &Fonts, blocks: &[Block]) -> Laid {
    let mut flow = Flow {
        fonts,
        laid: Laid {
            pages: vec![Page::default()],
            marks: Vec::new(),
        },
        y: MARGIN_TOP,
    };
    for block in blocks {
        flow.block(block);
    }
    flow.laid
}

struct Flow<'a> {
    fonts: &'a Fonts,
    laid: Laid,
    y: f32,
}

impl Flow<'_> {
    fn bottom() -> f32 {
        PAGE_HEIGHT - MARGIN_BOTTOM
    }

    fn new_page(&mut self) {
        self.laid.pages.push(Page::default());
        self.y = MARGIN_TOP;
    }

    /// Starts a new page unless `height` fits.
    fn need(&mut self, height: f32) {
        if self.y + height > Self::bottom() && self.y > MARGIN_TOP {
            self.new_page();
        }
    }

    fn page(&mut self) -> &mut Page {
        let last = self.laid.pages.len() - 1;
        &mut self.laid.pages[last]
    }

    fn lines(&mut self, x: f32, width: f32, text: &str, style: Style) {
        let text = self.fonts.printable(style.face, text);
        for line in wrap(self.fonts, &text, style, width) {
            self.need(style.leading());
            self.y += style.leading();
            let y = self.y - style.leading() * 0.25;
            self.page().ops.push(Op::Text {
                x,
                y,
                style,
                text: line,
            });
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Title(text) => {
                let style = Style {
                    face: Face::Bold,
                    size: 18.0,
                    color: TITLE,
                };
                self.lines(MARGIN_X, TEXT_WIDTH, text, style);
                self.y += 6.0;
            }
            Block::Heading(text) => {
                let style = Style {
                    face: Face::Bold,
                    size: 13.5,
                    color: TITLE,
                };
                // A heading never ends a page: it keeps a few lines of its section with it.
                self.need(style.leading() + 12.0 + 4.0 * Style::BODY.leading());
                if self.y > MARGIN_TOP {
                    self.y += 12.0;
                }
                let page = self.laid.pages.len() - 1;
                self.laid.marks.push(Mark {
                    title: self.fonts.printable(Face::Bold, text),
                    page,
                    y: self.y,
                });
                self.lines(MARGIN_X, TEXT_WIDTH, text, style);
                let y = self.y + 3.0;
                self.page().ops.push(Op::Rule {
                    x0: MARGIN_X,
                    x1: MARGIN_X + TEXT_WIDTH,
                    y,
                });
                self.y += 8.0;
            }
            Block::Subheading(text) => {
                let style = Style {
                    face: Face::Bold,
                    size: 11.0,
                    color: INK,
                };
                self.need(style.leading() + 6.0 + 2.0 * Style::BODY.leading());
                self.y += 6.0;
                self.lines(MARGIN_X, TEXT_WIDTH, text, style);
                self.y += 2.0;
            }
            Block::Para(text, style) => {
                self.lines(MARGIN_X, TEXT_WIDTH, text, *style);
                self.y += style.size * 0.4;
            }
            Block::Item { text, style, level } => {
                let x = MARGIN_X + INDENT * f32::from(*level);
                let bullet = if *level == 0 { "•" } else { "–" };
                self.need(style.leading());
                let first_y = self.y + style.leading() * 0.75;
                let page = self.laid.pages.len() - 1;
                self.lines(
                    x + INDENT,
                    TEXT_WIDTH - (x - MARGIN_X) - INDENT,
                    text,
                    *style,
                );
                self.laid.pages[page].ops.push(Op::Text {
                    x: x + 3.0,
                    y: first_y,
                    style: *style,
                    text: bullet.to_string(),
                });
                self.y += 2.0;
            }
            Block::Labelled { label, text, style } => {
                self.need(style.leading());
                let first_y = self.y + style.leading() * 0.75;
                let page = self.laid.pages.len() - 1;
                let label_style = Style {
                    face: Face::Bold,
                    ..*style
                };
                let label = self.fonts.printable(Face::Bold, label);
                // A label wider than its column gets a line of its own.
                if self.fonts.width(Face::Bold, style.size, &label) > LABEL_WIDTH - 6.0 {
                    self.lines(MARGIN_X, TEXT_WIDTH, &label, label_style);
                    self.lines(
                        MARGIN_X + LABEL_WIDTH,
                        TEXT_WIDTH - LABEL_WIDTH,
                        text,
                        *style,
                    );
                    self.y += 2.0;
                    return;
                }
                self.lines(
                    MARGIN_X + LABEL_WIDTH,
                    TEXT_WIDTH - LABEL_WIDTH,
                    text,
                    *style,
                );
                self.laid.pages[page].ops.push(Op::Text {
                    x: MARGIN_X,
                    y: first_y,
                    style: label_style,
                    text: label,
                });
                self.y += 2.0;
            }
            Block::Space(h) => {
                self.y += h.clamp(0.0, PAGE_HEIGHT);
            }
            Block::Rule => {
                self.need(8.0);
                self.y += 4.0;
                let y = self.y;
                self.page().ops.push(Op::Rule {
                    x0: MARGIN_X,
                    x1: MARGIN_X + TEXT_WIDTH,
                    y,
                });
                self.y += 4.0;
            }
        }
    }
}

/// Breaks `text` into lines no wider than `width`: at spaces (never at a no-break space),
/// and inside a word only when the word alone is wider than the line.
pub fn wrap(fonts: &Fonts, text: &str, style: Style, width: f32) -> Vec<String> {
    let width = width * SLACK;
    let measure = |s: &str| fonts.width(style.face, style.size, s);
    let space = measure(" ");
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = measure(word);
        if !line.is_empty() && line_width + space + w <= width {
            line.push(' ');
            line.push_str(word);
            line_width += space + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if w <= width {
            line = word.to_string();
            line_width = w;
            continue;
        }
        // A word wider than the line (a hash, a path, a hostile name): cut by characters.
        let mut piece = String::new();
        let mut piece_width = 0.0;
        for c in word.chars() {
            let cw = measure(c.encode_utf8(&mut [0; 4]));
            if !piece.is_empty() && piece_width + cw > width {
                lines.push(std::mem::take(&mut piece));
                piece_width = 0.0;
            }
            piece.push(c);
            piece_width += cw;
        }
        line = piece;
        line_width = piece_width;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fit_and_keep_every_word() {
        let fonts = Fonts::load().unwrap();
        let text = "Ce que l'administration peut faire\u{202F}: lire vos courriels ".repeat(20);
        let lines = wrap(&fonts, &text, Style::BODY, 200.0);
        assert!(lines.len() > 5);
        for l in &lines {
            assert!(fonts.width(Face::Regular, 10.0, l) <= 200.0, "{l}");
        }
        assert_eq!(
            lines.join(" "),
            text.split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        );
        // The narrow no-break space keeps the colon with its word.
        assert!(lines.iter().all(|l| !l.starts_with(':')));
    }

    #[test]
    fn a_long_word_is_cut() {
        let fonts = Fonts::load().unwrap();
        let hash = "a1b2".repeat(40);
        let lines = wrap(&fonts, &hash, Style::MONO, 150.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), hash);
    }

    #[test]
    fn pages_are_cut_and_headings_marked() {
        let fonts = Fonts::load().unwrap();
        let mut blocks = vec![Block::Heading("Un".into())];
        for _ in 0..200 {
            blocks.push(Block::Para("Une ligne de texte.".into(), Style::BODY));
        }
        blocks.push(Block::Heading("Deux".into()));
        let laid = lay_out(&fonts, &blocks);
        assert!(laid.pages.len() > 3);
        assert_eq!(laid.marks.len(), 2);
        for page in &laid.pages {
            for op in &page.ops {
                if let Op::Text { y, .. } = op {
                    assert!(*y <= PAGE_HEIGHT - MARGIN_BOTTOM, "{y}");
                }
            }
        }
    }

    #[test]
    fn a_wide_label_takes_its_own_line() {
        let fonts = Fonts::load().unwrap();
        let ys = |label: &str| -> Vec<f32> {
            let laid = lay_out(
                &fonts,
                &[Block::Labelled {
                    label: label.into(),
                    text: "texte".into(),
                    style: Style::SMALL,
                }],
            );
            laid.pages[0]
                .ops
                .iter()
                .filter_map(|op| match op {
                    Op::Text { y, .. } => Some(*y),
                    Op::Rule { .. } => None,
                })
                .collect()
        };
        let narrow = ys("n° 1");
        assert_eq!(narrow.len(), 2);
        assert!((narrow[0] - narrow[1]).abs() < 0.5, "{narrow:?}");
        let wide = ys("23/11/2026 09:05 UTC — instantané");
        assert_eq!(wide.len(), 2);
        assert!(wide[1] - wide[0] > 5.0, "{wide:?}");
    }
}
