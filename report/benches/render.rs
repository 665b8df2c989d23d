//! `render_pdf` for a device with a year of daily snapshots (the council iPad, week 1 then
//! week 2 from day 183): 365 snapshots, one change, the full annex. Run with
//! `cargo bench -p lucarne-report --bench render`.
#![allow(missing_docs, clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use lucarne_report::{letters, lisezmoi, render_pdf};
use lucarne_words::Lang;

fn year() -> lucarne_report::ReportInput {
    let week1 = common::snapshot_of("council-ipad", "2026-01-01T09:00:00Z");
    let week2 = common::snapshot_of("council-ipad-week2", "2026-07-02T09:00:00Z");
    let history: Vec<_> = (0..365u64)
        .map(|day| {
            let mut s = if day < 182 {
                week1.clone()
            } else {
                week2.clone()
            };
            let date = time_of(day);
            s.taken_at = date;
            (day + 1, s)
        })
        .collect();
    common::input_of(&history, ("2026-01-01", "2026-12-31"))
}

/// Day `n` of 2026 at 09:00 UTC, as RFC 3339.
fn time_of(n: u64) -> String {
    const DAYS: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut left = n;
    for (m, len) in DAYS.iter().enumerate() {
        if left < *len {
            return format!("2026-{:02}-{:02}T09:00:00Z", m + 1, left + 1);
        }
        left -= len;
    }
    "2026-12-31T09:00:00Z".into()
}

fn bench(c: &mut Criterion) {
    let input = year();
    let pdf = render_pdf(&input, Lang::Fr).unwrap();
    eprintln!(
        "a year of daily snapshots: {} snapshots, PDF of {} bytes",
        input.snapshots.len(),
        pdf.len()
    );
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.bench_function("render_pdf/365-daily-snapshots", |b| {
        b.iter(|| render_pdf(&input, Lang::Fr).unwrap())
    });
    group.bench_function("letters+lisezmoi/365-daily-snapshots", |b| {
        b.iter(|| (letters(&input, Lang::Fr), lisezmoi(&input, Lang::Fr)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
