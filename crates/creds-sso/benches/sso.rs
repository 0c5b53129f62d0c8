//! The cost of one SSO fetch against a loopback testkit portal: the token file read
//! and parsed (through the in-memory `Fs`), one GET over a kept-alive loopback
//! connection, the JSON reply parsed; and of one token refresh (a `CreateToken` POST,
//! the token file written back). After criterion's figures, a plain loop prints the
//! p50, p99 and max latencies of the fetch and the calls per second.
//!
//! ```text
//! cargo bench -p creds-sso --bench sso -j2 -- --warm-up-time 1 --measurement-time 5
//! ```

// criterion's macros define undocumented functions.
#![allow(missing_docs)]
#![allow(clippy::print_stdout)] // the latency figures are the point.

use std::time::{Duration, Instant};

use creds_core::{Clock, Env, Fs, ManualClock, ProvideCredentials, ProviderConfig};
use creds_sso::{SsoProvider, SsoSession, SsoTokenProvider};
use creds_testkit::{Method, Reply, TestServer};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

const TOKEN_FILE: &str = "/home/me/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json";
const START_URL: &str = "https://d-1234567890.awsapps.com/start";
const SAMPLES: usize = 2_000;

fn token_file(expires_at: &str) -> String {
    json!({"startUrl": START_URL, "region": "eu-west-1", "accessToken": "aoaAAAAAGRpbkdCbench",
        "expiresAt": expires_at, "clientId": "client", "clientSecret": "secret",
        "registrationExpiresAt": "2999-01-01T00:00:00Z", "refreshToken": "refresh"})
    .to_string()
}

fn sso(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = TestServer::start_blocking();
    server.route(
        Method::GET,
        "/federation/credentials",
        Reply::json(json!({"roleCredentials": {"accessKeyId": "ASIAEXAMPLE",
            "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLETOKENIQoJb3JpZ2luX2VjEXAMPLETOKEN",
            "expiration": 32_503_680_000_000_i64}})),
    );
    server.route(
        Method::POST,
        "/token",
        Reply::json(
            json!({"accessToken": "aoaAAAAAGRpbkdCnew", "tokenType": "Bearer",
            "expiresIn": 60, "refreshToken": "refresh"}),
        ),
    );
    let url = server.url();
    // A new config each time: providers of one config (and its clones) share a
    // session's token provider.
    let world = |expires_at: &str| {
        ProviderConfig::empty()
            .with_env(Env::from_pairs([
                ("HOME", "/home/me"),
                ("AWS_ENDPOINT_URL_SSO", url.as_str()),
                ("AWS_ENDPOINT_URL_SSO_OIDC", url.as_str()),
            ]))
            .with_fs(Fs::from_files([(TOKEN_FILE, token_file(expires_at))]))
            .with_clock(Clock::from(ManualClock::new(
                "2026-06-01T00:00:00Z".parse().unwrap(),
            )))
    };
    let config = world("2999-01-01T00:00:00Z");
    let provider = SsoProvider::builder()
        .config(config.clone())
        .start_url(START_URL)
        .region("eu-west-1")
        .account_id("123456789012")
        .role_name("ReadOnly")
        .session_name("my-sso")
        .build();
    runtime.block_on(provider.provide_credentials()).unwrap();

    let mut group = c.benchmark_group("sso");
    group.bench_function("get_role_credentials", |b| {
        b.iter(|| runtime.block_on(provider.provide_credentials()).unwrap())
    });
    // A token inside the window (a minute left), in a fresh world each time.
    group.bench_function("refresh", |b| {
        b.iter_batched(
            || {
                let config = world("2026-06-01T00:01:00Z");
                let session = SsoSession::named("my-sso", START_URL, "eu-west-1");
                (SsoTokenProvider::new(&config, session), config)
            },
            |(tokens, config)| {
                let token = runtime.block_on(tokens.token()).unwrap();
                assert_eq!(token.as_str(), "aoaAAAAAGRpbkdCnew");
                assert_eq!(config.fs().writes().len(), 1);
            },
            criterion::BatchSize::SmallInput,
        )
    });
    group.finish();

    let mut latencies = Vec::with_capacity(SAMPLES);
    let started = Instant::now();
    for _ in 0..SAMPLES {
        let t = Instant::now();
        runtime.block_on(provider.provide_credentials()).unwrap();
        latencies.push(t.elapsed());
    }
    let total = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "sso/get_role_credentials over {SAMPLES} calls: p50 {:?}, p99 {:?}, max {:?}; {:.0} calls/s",
        at(0.50),
        at(0.99),
        latencies.last().copied().unwrap_or(Duration::ZERO),
        SAMPLES as f64 / total.as_secs_f64()
    );
}

criterion_group!(benches, sso);
criterion_main!(benches);
