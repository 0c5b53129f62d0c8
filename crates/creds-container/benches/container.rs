//! The cost of container credentials against a loopback testkit server:
//!
//! - `cached_hit`: `provide_credentials()` through a `CredentialsCache` that holds
//!   fresh credentials (what a program pays on every request it signs), polled once
//!   with a no-op waker, as creds-core's cache bench does: a hit is ready at once;
//! - `uncached_fetch`: `ContainerProvider::provide_credentials()` itself: the checks,
//!   one GET over a kept-alive loopback connection, the parse.
//!
//! After criterion's figures, a plain loop of uncached fetches prints the mean, the
//! derived requests per second and the p50, p99 and max latencies.
//!
//! ```text
//! cargo bench -p creds-container --bench container -j2 -- --warm-up-time 1 --measurement-time 5
//! ```

// criterion's macros define undocumented functions.
#![allow(missing_docs)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use creds_container::ContainerProvider;
use creds_core::{Credentials, CredentialsCache, Env, ProvideCredentials, ProviderConfig};
use creds_testkit::{Method, Reply, TestServer};
use criterion::{Criterion, criterion_group, criterion_main};

const DOCUMENT: &str = r#"{"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAEXAMPLE",
    "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "Token": "IQoJb3JpZ2luX2VjEXAMPLE",
    "Expiration": "2999-01-01T00:00:00Z", "AccountId": "123456789012"}"#;

/// How many uncached fetches the latency loop records.
const SAMPLES: usize = 2_000;

fn container(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // The server runs on a thread of its own, as an agent would.
    let server = TestServer::start_blocking();
    server.route(Method::GET, "/creds", Reply::ok(DOCUMENT));
    let uri = server.uri("/creds");
    let config = ProviderConfig::empty().with_env(Env::from_pairs([
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer bench-token"),
    ]));
    let provider = ContainerProvider::new(&config);
    let cache = CredentialsCache::builder().build(ContainerProvider::new(&config));
    runtime.block_on(cache.provide_credentials()).unwrap();

    let mut group = c.benchmark_group("container");
    group.bench_function("cached_hit", |b| b.iter(|| hit(&cache)));
    group.bench_function("uncached_fetch", |b| {
        b.iter(|| runtime.block_on(provider.provide_credentials()).unwrap())
    });
    group.finish();

    let mut latencies = Vec::with_capacity(SAMPLES);
    let started = Instant::now();
    for _ in 0..SAMPLES {
        let one = Instant::now();
        runtime.block_on(provider.provide_credentials()).unwrap();
        latencies.push(one.elapsed());
    }
    let total = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let mean = total / SAMPLES as u32;
    report(mean, at(0.5), at(0.99), latencies[latencies.len() - 1]);
}

/// One call, polled once: a hit is ready on the first poll.
#[inline]
fn hit(cache: &CredentialsCache) -> Credentials {
    match pin!(cache.provide_credentials()).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(creds)) => creds,
        Poll::Ready(Err(error)) => panic!("{error}"),
        Poll::Pending => panic!("a cache hit waited"),
    }
}

#[allow(clippy::print_stdout)]
fn report(mean: Duration, p50: Duration, p99: Duration, max: Duration) {
    println!(
        "container/uncached_fetch latency over {SAMPLES} fetches: mean {mean:?} \
         ({:.0} requests/s), p50 {p50:?}, p99 {p99:?}, max {max:?}",
        1.0 / mean.as_secs_f64()
    );
}

criterion_group!(benches, container);
criterion_main!(benches);
