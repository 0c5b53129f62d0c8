//! The figures of instance metadata, against loopback testkit servers:
//!
//! - `imds/steady_state_refresh`: `ImdsProvider::provide_credentials()` once the
//!   token, the role and the credentials path are known: one GET over a kept-alive
//!   loopback connection, and the parse. Before criterion's figures, a plain loop
//!   counts the requests the server receives over many refreshes and prints the
//!   requests per refresh (target: 1, the credentials GET alone).
//! - `default_chain_gives_up/refused`: the facade's default chain (environment,
//!   shared files, container, instance metadata), built anew each time from an
//!   injected world whose IMDS endpoint is a loopback port where nothing listens, run
//!   until it gives up.
//! - `default_chain_gives_up/silent_100ms`: the same with an endpoint that accepts
//!   connections and never answers, with `AWS_METADATA_SERVICE_TIMEOUT=0.1`.
//!
//! After them, a plain loop times the default chain against the silent endpoint with
//! the default one-second timeout.
//!
//! ```text
//! cargo bench -p creds-imds --bench imds -j2 -- --warm-up-time 1 --measurement-time 5
//! ```
//!
//! Run it in a loopback-only network namespace (`unshare -n`) like the tests: nothing
//! here is meant to leave loopback, and there nothing can.

// criterion's macros define undocumented functions.
#![allow(missing_docs)]

use std::time::{Duration, Instant};

use creds::{Env, ProvideCredentials, ProviderConfig};
use creds_imds::ImdsProvider;
use creds_testkit::{Method, Reply, TestServer, refused_url};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use tokio::runtime::Runtime;

const EXT: &str = "/latest/meta-data/iam/security-credentials-extended/";
const DOCUMENT: &str = r#"{"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAEXAMPLE",
    "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "Token": "IQoJb3JpZ2luX2VjEXAMPLE",
    "Expiration": "2999-01-01T00:00:00Z", "AccountId": "123456789012"}"#;

/// How many refreshes the request count covers.
const REFRESHES: usize = 1_000;
/// How many times the default chain meets the silent endpoint with the default timeout.
const SILENT_RUNS: usize = 3;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A current IMDS, on a thread of its own.
fn imds() -> TestServer {
    let server = TestServer::start_blocking();
    server.route(
        Method::PUT,
        "/latest/api/token",
        Reply::ok("AQAEAbenchtoken==").header("x-aws-ec2-metadata-token-ttl-seconds", "21600"),
    );
    server.route(Method::GET, EXT, Reply::ok("bench-role"));
    server.route(
        Method::GET,
        &format!("{EXT}bench-role"),
        Reply::ok(DOCUMENT),
    );
    server
}

/// An endpoint that accepts connections and never answers.
fn silent() -> TestServer {
    let server = TestServer::start_blocking();
    for (method, path) in [
        (Method::PUT, "/latest/api/token"),
        (Method::GET, EXT),
        (Method::GET, "/latest/meta-data/iam/security-credentials/"),
    ] {
        server.route(method, path, Reply::new(200).hang());
    }
    server
}

/// The facade's default chain over a world whose only setting is the IMDS endpoint
/// (and `extra`), run once until it answers.
fn default_chain_once(runtime: &Runtime, endpoint: &str, extra: &[(&str, &str)]) {
    let mut env = vec![("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint)];
    env.extend_from_slice(extra);
    let config = ProviderConfig::empty().with_env(Env::from_pairs(env));
    let chain = creds::DefaultChain::builder().config(config).build_chain();
    let result = runtime.block_on(chain.provide_credentials());
    assert!(result.is_err(), "nothing configured");
}

fn imds_benches(c: &mut Criterion) {
    let runtime = runtime();

    // Requests per steady-state refresh.
    let server = imds();
    let config = ProviderConfig::empty();
    let provider = ImdsProvider::builder()
        .config(config)
        .endpoint(server.url())
        .build();
    runtime.block_on(provider.provide_credentials()).unwrap();
    let first = server.request_count();
    server.clear_requests();
    for _ in 0..REFRESHES {
        runtime.block_on(provider.provide_credentials()).unwrap();
    }
    report_requests(first, server.request_count());

    let mut group = c.benchmark_group("imds");
    group.bench_function("steady_state_refresh", |b| {
        b.iter(|| runtime.block_on(provider.provide_credentials()).unwrap())
    });
    group.finish();

    // The default chain giving up off EC2.
    let silent_server = silent();
    let mut group = c.benchmark_group("default_chain_gives_up");
    group.bench_function("refused", |b| {
        b.iter(|| default_chain_once(&runtime, &refused_url(), &[]))
    });
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    group.bench_function("silent_100ms", |b| {
        b.iter(|| {
            default_chain_once(
                &runtime,
                &silent_server.url(),
                &[("AWS_METADATA_SERVICE_TIMEOUT", "0.1")],
            )
        })
    });
    group.finish();

    let mut runs = Vec::with_capacity(SILENT_RUNS);
    for _ in 0..SILENT_RUNS {
        let started = Instant::now();
        default_chain_once(&runtime, &silent_server.url(), &[]);
        runs.push(started.elapsed());
    }
    report_silent(&runs);
}

#[allow(clippy::print_stdout)]
fn report_requests(first: usize, steady: usize) {
    println!(
        "imds: the first fetch took {first} requests; {REFRESHES} steady-state refreshes took \
         {steady} requests: {:.3} requests per refresh",
        steady as f64 / REFRESHES as f64
    );
}

#[allow(clippy::print_stdout)]
fn report_silent(runs: &[Duration]) {
    println!(
        "default_chain_gives_up/silent_default_timeout (1 s), {} runs: {runs:?}",
        runs.len()
    );
}

criterion_group!(benches, imds_benches);
criterion_main!(benches);
