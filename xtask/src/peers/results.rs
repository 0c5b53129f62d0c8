//! The figures of one bench-peers run: `key=value` lines, passed from the measuring
//! process in the namespace back to the one that writes the report.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Default)]
pub(crate) struct Results(BTreeMap<String, String>);

impl Results {
    /// Sets `key` (one line: line breaks become spaces).
    pub(crate) fn set(&mut self, key: &str, value: impl Display) {
        let value = value.to_string().replace(['\n', '\r'], " ");
        self.0.insert(key.to_owned(), value);
    }

    /// The value of `key`, or "?" when it was not measured.
    pub(crate) fn get(&self, key: &str) -> String {
        self.0.get(key).cloned().unwrap_or_else(|| "?".into())
    }

    /// The value of `key` as a number.
    pub(crate) fn num(&self, key: &str) -> Option<f64> {
        self.0.get(key)?.parse().ok()
    }

    /// Records the median, minimum and maximum of `samples` under `key.median` &c.
    pub(crate) fn stats(&mut self, key: &str, samples: &[f64]) {
        let Some(stats) = Stats::of(samples) else {
            return;
        };
        self.set(&format!("{key}.median"), stats.median);
        self.set(&format!("{key}.min"), stats.min);
        self.set(&format!("{key}.max"), stats.max);
        self.set(&format!("{key}.n"), samples.len());
    }

    /// [`stats`](Self::stats) of durations, in milliseconds.
    pub(crate) fn stats_ms(&mut self, key: &str, samples: &[Duration]) {
        let ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        self.stats(key, &ms);
    }

    pub(crate) fn merge(&mut self, other: Results) {
        self.0.extend(other.0);
    }

    pub(crate) fn write(&self, path: &Path) -> Result<(), String> {
        let text: String = self.0.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub(crate) fn read(path: &Path) -> Result<Results, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Results(
            text.lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        ))
    }
}

/// Median, minimum and maximum of a sample.
#[derive(Debug, PartialEq)]
pub(crate) struct Stats {
    pub(crate) median: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl Stats {
    pub(crate) fn of(samples: &[f64]) -> Option<Stats> {
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = match n {
            0 => return None,
            _ if n % 2 == 1 => sorted[n / 2],
            _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        };
        Some(Stats {
            median,
            min: sorted[0],
            max: sorted[n - 1],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_odd_and_even_samples() {
        assert_eq!(
            Stats::of(&[3.0, 1.0, 2.0]),
            Some(Stats {
                median: 2.0,
                min: 1.0,
                max: 3.0
            })
        );
        assert_eq!(Stats::of(&[4.0, 1.0, 2.0, 3.0]).unwrap().median, 2.5);
        assert_eq!(Stats::of(&[]), None);
    }

    #[test]
    fn results_round_trip() {
        let mut r = Results::default();
        r.set("a.b", "two\nlines");
        r.stats("t", &[1.0, 5.0, 3.0]);
        let path = std::env::temp_dir().join(format!("xtask-results-{}", std::process::id()));
        r.write(&path).unwrap();
        let back = Results::read(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(back.get("a.b"), "two lines");
        assert_eq!(back.num("t.median"), Some(3.0));
        assert_eq!(back.get("missing"), "?");
    }
}
