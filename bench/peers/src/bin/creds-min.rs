//! The default chain of `creds` (default features), resolved the way a user would, for
//! the comparison with `awsconfig-min`. See `cargo xtask bench-peers`.

use std::process::ExitCode;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use creds::{CredentialsCache, ProvideCredentials, ProviderConfig};
use creds_peers::{Mode, on_threads, peak_rss_kib, report, timed};

fn main() -> ExitCode {
    let mode = match Mode::from_args() {
        Ok(mode) => mode,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    match mode {
        Mode::Exit => ExitCode::SUCCESS,
        Mode::Once => once(),
        Mode::GiveUp => give_up(),
        Mode::Profile10k { path, profile } => {
            let before = peak_rss_kib();
            let rt = runtime();
            let (outcome, took) = timed(|| {
                // The same chain as `default_chain()`, reading this config file and
                // naming this profile.
                let config = ProviderConfig::new().with_config_file(path);
                let chain = creds::DefaultChain::builder()
                    .config(config)
                    .profile_name(profile)
                    .build();
                rt.block_on(chain.provide_credentials())
            });
            match outcome {
                Ok(credentials) => {
                    report("access_key_id", credentials.access_key_id());
                    report("elapsed_ns", took.as_nanos());
                    report("peak_rss_kib_before", before);
                    report("peak_rss_kib", peak_rss_kib());
                    ExitCode::SUCCESS
                }
                Err(e) => failed(&e),
            }
        }
        Mode::CacheHits {
            threads,
            iters,
            alt,
        } => {
            // Warm once, then every call is a hit.
            let cache = creds::default_chain();
            if let Err(e) = runtime().block_on(cache.provide_credentials()) {
                return failed(&e);
            }
            let per_thread = |barrier: &Barrier| -> Duration {
                let rt = runtime();
                if alt {
                    rt.block_on(hits_dyn(&cache, iters, barrier))
                } else {
                    rt.block_on(hits(&cache, iters, barrier))
                }
            };
            let mean = on_threads(threads, per_thread);
            let credentials = runtime()
                .block_on(cache.provide_credentials())
                .expect("warm");
            report("access_key_id", credentials.access_key_id());
            report(
                "ns_per_call",
                format!("{:.1}", mean.as_nanos() as f64 / iters as f64),
            );
            ExitCode::SUCCESS
        }
    }
}

/// `provide_credentials()` on the `CredentialsCache` that `default_chain()` returns: what
/// a user holding it calls (the inherent method, whose future is ready at once on a hit).
async fn hits(cache: &CredentialsCache, iters: u64, barrier: &Barrier) -> Duration {
    cache.provide_credentials().await.expect("warm");
    barrier.wait();
    let start = Instant::now();
    for _ in 0..iters {
        let credentials = cache.provide_credentials().await.expect("cache hit");
        std::hint::black_box(credentials.access_key_id());
    }
    start.elapsed()
}

/// The same cache through `dyn ProvideCredentials` (a boxed future), as a chain or a
/// `SharedProvider` holder calls it.
async fn hits_dyn(cache: &dyn ProvideCredentials, iters: u64, barrier: &Barrier) -> Duration {
    cache.provide_credentials().await.expect("warm");
    barrier.wait();
    let start = Instant::now();
    for _ in 0..iters {
        let credentials = cache.provide_credentials().await.expect("cache hit");
        std::hint::black_box(credentials.access_key_id());
    }
    start.elapsed()
}

fn once() -> ExitCode {
    let rt = runtime();
    let (outcome, took) = timed(|| rt.block_on(creds::default_chain().provide_credentials()));
    match outcome {
        Ok(credentials) => {
            report("access_key_id", credentials.access_key_id());
            report("elapsed_ns", took.as_nanos());
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e),
    }
}

fn give_up() -> ExitCode {
    let rt = runtime();
    let (outcome, took) = timed(|| rt.block_on(creds::default_chain().provide_credentials()));
    match outcome {
        Ok(credentials) => {
            eprintln!(
                "creds-min: found credentials ({}) where none were expected",
                credentials.access_key_id()
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            report("gave_up_ns", took.as_nanos());
            report("error", one_line(&e.to_string()));
            ExitCode::SUCCESS
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn failed(e: &creds::CredentialsError) -> ExitCode {
    eprintln!("creds-min: {}", one_line(&e.to_string()));
    ExitCode::FAILURE
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
