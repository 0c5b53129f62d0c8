//! Through the core cache the program runs once, however many tasks ask, and again
//! when the credentials near their expiration.

use std::sync::Arc;
use std::time::Duration;

use creds_core::{CredentialsCache, ManualClock, ProviderConfig};
use creds_process::ProcessProvider;

use crate::support::*;

fn runs(scripts: &Scripts) -> usize {
    std::fs::read_to_string(scripts.path("runs"))
        .map(|text| text.lines().count())
        .unwrap_or(0)
}

/// A slow script that counts its runs and prints `document`.
fn counting(scripts: &Scripts, document: &str) -> String {
    let doc = scripts.path("doc.json");
    std::fs::write(&doc, document).unwrap();
    scripts.script(
        "slow",
        &format!(
            "echo run >> '{}'\nsleep 0.5\ncat '{}'\n",
            scripts.path("runs").display(),
            doc.display()
        ),
    )
}

#[test]
fn two_hundred_concurrent_callers_run_the_program_once() {
    let scripts = Scripts::new();
    let command = counting(&scripts, &document(Some("2999-01-01T00:00:00Z")));
    let cache = CredentialsCache::builder().build(ProcessProvider::new(command));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .unwrap();
    let results = runtime.block_on(async {
        let barrier = Arc::new(tokio::sync::Barrier::new(200));
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let cache = cache.clone();
                let barrier = Arc::clone(&barrier);
                tokio::spawn(async move {
                    barrier.wait().await;
                    cache.provide_credentials().await
                })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    });
    assert_eq!(results.len(), 200);
    for result in results {
        assert_eq!(result.unwrap().secret_access_key(), SECRET);
    }
    assert_eq!(runs(&scripts), 1, "the program ran once");
}

#[test]
fn expiring_credentials_are_refreshed_by_running_the_program_again() {
    let scripts = Scripts::new();
    let clock = ManualClock::new("2026-06-01T00:00:00Z".parse().unwrap());
    let command = counting(&scripts, &document(Some("2026-06-01T01:00:00Z")));
    let provider = ProcessProvider::builder()
        .config(ProviderConfig::empty().with_clock(clock.clone()))
        .command_line(command)
        .build();
    let cache = CredentialsCache::builder()
        .clock(clock.clone())
        .build(provider);
    block_on(async {
        cache.provide_credentials().await.unwrap();
        cache.provide_credentials().await.unwrap();
        assert_eq!(runs(&scripts), 1, "a hit");
        // Inside the mandatory window: callers wait for a new run.
        clock.advance(Duration::from_secs(59 * 60 + 30));
        cache.provide_credentials().await.unwrap();
        assert_eq!(runs(&scripts), 2, "refreshed");
    });
}
