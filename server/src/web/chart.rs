//! A small SVG bar chart of changes per day, drawn with presentation attributes only (the
//! Content-Security-Policy allows no inline style).

use serde::Serialize;

/// Width of the drawing, in user units.
pub const WIDTH: u32 = 600;
/// Height of the drawing.
pub const HEIGHT: u32 = 80;
/// Most days drawn (the latest).
pub const MAX_DAYS: i64 = 366;

/// One bar.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// Left edge.
    pub x: String,
    /// Top edge.
    pub y: String,
    /// Width.
    pub w: String,
    /// Height.
    pub h: String,
    /// Fill colour: the day's highest alert level.
    pub fill: &'static str,
    /// Its tooltip (`30/11/2026: 3`).
    pub label: String,
}

/// The chart.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// Drawing width.
    pub width: u32,
    /// Drawing height.
    pub height: u32,
    /// Bars, oldest first.
    pub bars: Vec<Bar>,
    /// The sentence that describes it (also its accessible description).
    pub desc: String,
}

/// One day's count: (Unix day, changes, highest level 0 info, 1 warning, 2 alert).
pub type Day = (i64, u32, u8);

/// Draws `days` (any order); `None` when there is nothing to draw.
pub fn draw(days: &[Day], describe: impl Fn(u32, i64, i64, i64) -> String) -> Option<Chart> {
    let first = days.iter().map(|d| d.0).min()?;
    let last = days.iter().map(|d| d.0).max()?;
    let first = first.max(last - MAX_DAYS + 1);
    let span = last - first + 1;
    let most = days.iter().map(|d| d.1).max().unwrap_or(1).max(1);
    let slot = f64::from(WIDTH) / span as f64;
    let mut total = 0;
    let bars = days
        .iter()
        .filter(|d| d.0 >= first && d.1 > 0)
        .map(|&(day, count, level)| {
            total += count;
            let h = (f64::from(HEIGHT) - 4.0) * f64::from(count) / f64::from(most) + 2.0;
            Bar {
                x: format!("{:.1}", (day - first) as f64 * slot),
                y: format!("{:.1}", f64::from(HEIGHT) - h),
                w: format!("{:.1}", (slot * 0.8).max(1.0)),
                h: format!("{h:.1}"),
                fill: match level {
                    2 => "#a10d0d",
                    1 => "#7a4b00",
                    _ => "#1f4f7a",
                },
                label: format!(
                    "{}: {count}",
                    super::render::when(day * 86_400)
                        .0
                        .split(' ')
                        .next()
                        .unwrap_or_default()
                ),
            }
        })
        .collect();
    Some(Chart {
        width: WIDTH,
        height: HEIGHT,
        bars,
        desc: describe(total, span, first, last),
    })
}
