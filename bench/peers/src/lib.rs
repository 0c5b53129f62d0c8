//! What `creds-min` and `awsconfig-min` share: the command line, the clock, the memory
//! gauge and the threads of the cache-hit loop. Plain `std`, so that it weighs the same
//! in both programs.
//!
//! Each program prints `key=value` lines on stdout for `cargo xtask bench-peers`, and
//! never a secret: only the access key id.

use std::path::PathBuf;
use std::sync::Barrier;
use std::time::{Duration, Instant};

/// What a program is asked to do (its arguments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// `exit`: return at once, the library untouched: what starting this program costs
    /// (exec, the dynamic loader, std's start-up), the floor of its whole-process figures.
    Exit,
    /// No argument, or `once`: resolve the default chain once and print the access key
    /// id (cold start, build and size comparisons).
    Once,
    /// `giveup`: nothing is configured; time how long the default chain takes to give up.
    GiveUp,
    /// `profile10k <config path> <profile>`: parse the config file and resolve one
    /// profile of it, in process; time and peak memory.
    Profile10k {
        /// The generated config file.
        path: PathBuf,
        /// The profile to resolve (named explicitly).
        profile: String,
    },
    /// `cachehits <threads> <iters> [cache|alt]`: ns per `provide_credentials()` once
    /// the cache is warm, on `threads` threads of `iters` calls each.
    CacheHits {
        /// Threads calling at once.
        threads: usize,
        /// Calls per thread.
        iters: u64,
        /// `false`: the library's cache as a user reaches it; `true`: the other path
        /// each program documents.
        alt: bool,
    },
}

/// The usage line of both programs.
pub const USAGE: &str = "usage: PROGRAM [exit | once | giveup | profile10k <config path> <profile> | cachehits <threads> <iters> [cache|alt]]";

impl Mode {
    /// Reads the mode from the process arguments.
    pub fn from_args() -> Result<Mode, String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        Mode::parse(&args)
    }

    /// Reads the mode from `args` (without the program name).
    pub fn parse(args: &[String]) -> Result<Mode, String> {
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        match words.as_slice() {
            ["exit"] => Ok(Mode::Exit),
            [] | ["once"] => Ok(Mode::Once),
            ["giveup"] => Ok(Mode::GiveUp),
            ["profile10k", path, profile] => Ok(Mode::Profile10k {
                path: PathBuf::from(path),
                profile: (*profile).to_owned(),
            }),
            ["cachehits", threads, iters, rest @ ..] => {
                let alt = match rest {
                    [] | ["cache"] => false,
                    ["alt"] => true,
                    _ => return Err(USAGE.to_owned()),
                };
                let threads = threads.parse().map_err(|_| USAGE.to_owned())?;
                let iters = iters.parse().map_err(|_| USAGE.to_owned())?;
                if threads == 0 || iters == 0 {
                    return Err(USAGE.to_owned());
                }
                Ok(Mode::CacheHits {
                    threads,
                    iters,
                    alt,
                })
            }
            _ => Err(USAGE.to_owned()),
        }
    }
}

/// Prints one `key=value` line for the harness.
pub fn report(key: &str, value: impl std::fmt::Display) {
    println!("{key}={value}");
}

/// The peak resident set of this process so far, in KiB (`VmHWM` of
/// `/proc/self/status`), or 0 where there is no such file.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")?
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse()
                    .ok()
            })
        })
        .unwrap_or(0)
}

/// Runs `body` on `threads` threads at once and returns the mean of the durations they
/// report. Each thread gets the same barrier, to wait on once it is warm, so that the
/// timed loops overlap.
pub fn on_threads(threads: usize, body: impl Fn(&Barrier) -> Duration + Sync) -> Duration {
    let barrier = Barrier::new(threads);
    let total: Duration = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| body(&barrier)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a benchmark thread panicked"))
            .sum()
    });
    total / threads as u32
}

/// Times `f`.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn modes_parse() {
        assert_eq!(Mode::parse(&[]), Ok(Mode::Once));
        assert_eq!(Mode::parse(&["exit".to_owned()]), Ok(Mode::Exit));
        assert_eq!(Mode::parse(&args(&["giveup"])), Ok(Mode::GiveUp));
        assert_eq!(
            Mode::parse(&args(&["cachehits", "2", "10", "alt"])),
            Ok(Mode::CacheHits {
                threads: 2,
                iters: 10,
                alt: true
            })
        );
        assert!(Mode::parse(&args(&["cachehits", "0", "10"])).is_err());
        assert!(Mode::parse(&args(&["profile10k", "x"])).is_err());
    }

    #[test]
    fn peak_rss_is_read() {
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(peak_rss_kib() > 0);
        }
    }
}
