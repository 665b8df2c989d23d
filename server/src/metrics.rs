//! Counters exposed at `/metrics` in the Prometheus text format. They count what this process
//! saw since it started; the log size is read from the database at each scrape.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Upload counters of this process.
#[derive(Debug, Default)]
pub struct Metrics {
    accepted: AtomicU64,
    rejected: Mutex<BTreeMap<&'static str, u64>>,
    batches: AtomicU64,
    batched: AtomicU64,
}

impl Metrics {
    /// Counts an accepted upload.
    pub fn accepted(&self) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts an upload refused with `code`.
    pub fn rejected(&self, code: &'static str) {
        if let Ok(mut map) = self.rejected.lock() {
            *map.entry(code).or_default() += 1;
        }
    }

    /// Counts a batch of `uploads` given to the log's sequencer.
    pub fn batch(&self, uploads: usize) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.batched.fetch_add(uploads as u64, Ordering::Relaxed);
    }

    /// The Prometheus text exposition, with the log's current size.
    pub fn render(&self, tree_size: u64) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP lucarne_snapshots_accepted_total Snapshots accepted and appended to the log."
        );
        let _ = writeln!(out, "# TYPE lucarne_snapshots_accepted_total counter");
        let _ = writeln!(
            out,
            "lucarne_snapshots_accepted_total {}",
            self.accepted.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP lucarne_snapshots_rejected_total Snapshot uploads refused, by error code."
        );
        let _ = writeln!(out, "# TYPE lucarne_snapshots_rejected_total counter");
        if let Ok(map) = self.rejected.lock() {
            for (code, count) in map.iter() {
                let _ = writeln!(
                    out,
                    "lucarne_snapshots_rejected_total{{code=\"{code}\"}} {count}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP lucarne_log_tree_size Number of leaves in the transparency log."
        );
        let _ = writeln!(out, "# TYPE lucarne_log_tree_size gauge");
        let _ = writeln!(out, "lucarne_log_tree_size {tree_size}");
        let _ = writeln!(
            out,
            "# HELP lucarne_log_batches_total Batches the log's sequencer applied (one transaction and checkpoint each)."
        );
        let _ = writeln!(out, "# TYPE lucarne_log_batches_total counter");
        let _ = writeln!(
            out,
            "lucarne_log_batches_total {}",
            self.batches.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP lucarne_log_batched_uploads_total Uploads that went through those batches."
        );
        let _ = writeln!(out, "# TYPE lucarne_log_batched_uploads_total counter");
        let _ = writeln!(
            out,
            "lucarne_log_batched_uploads_total {}",
            self.batched.load(Ordering::Relaxed)
        );
        out
    }
}
