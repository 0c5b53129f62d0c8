//! The cost of one `AssumeRole` against a loopback testkit STS: the checks, SigV4
//! (the signing key derived, the canonical request hashed), one POST over a
//! kept-alive loopback connection, the XML reply parsed. After criterion's figure, a
//! plain loop prints the p50, p99 and max latencies and the calls per second.
//!
//! ```text
//! cargo bench -p creds-sts --bench assume_role -j2 -- --warm-up-time 1 --measurement-time 5
//! ```

// criterion's macros define undocumented functions.
#![allow(missing_docs)]
#![allow(clippy::print_stdout)] // the latency figures are the point.

use std::time::{Duration, Instant};

use creds_core::{Credentials, Env, ProvideCredentials, ProviderConfig};
use creds_sts::AssumeRoleProvider;
use creds_testkit::{Method, Reply, TestServer};
use criterion::{Criterion, criterion_group, criterion_main};

const REPLY: &str = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/bench/session</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>\
<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>\
<SessionToken>IQoJb3JpZ2luX2VjEXAMPLETOKENIQoJb3JpZ2luX2VjEXAMPLETOKENIQoJb3JpZ2luX2VjEXAMPLETOKEN</SessionToken>\
<Expiration>2999-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>\
<ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></AssumeRoleResponse>";

const SAMPLES: usize = 2_000;

fn assume_role(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = TestServer::start_blocking();
    server.route(Method::POST, "/", Reply::ok(REPLY));
    let url = server.url();
    let config =
        ProviderConfig::empty().with_env(Env::from_pairs([("AWS_ENDPOINT_URL_STS", url.as_str())]));
    let source = Credentials::builder()
        .access_key_id("ASIASOURCE")
        .secret_access_key("source-secret")
        .session_token("source-token")
        .provider_name("bench")
        .build();
    let provider = AssumeRoleProvider::builder("arn:aws:iam::123456789012:role/bench")
        .config(config)
        .session_name("bench")
        .source(source)
        .build();
    runtime.block_on(provider.provide_credentials()).unwrap();

    let mut group = c.benchmark_group("assume_role");
    group.bench_function("loopback", |b| {
        b.iter(|| runtime.block_on(provider.provide_credentials()).unwrap())
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
        "assume_role/loopback over {SAMPLES} calls: p50 {:?}, p99 {:?}, max {:?}; {:.0} calls/s",
        at(0.50),
        at(0.99),
        latencies.last().copied().unwrap_or(Duration::ZERO),
        SAMPLES as f64 / total.as_secs_f64()
    );
}

criterion_group!(benches, assume_role);
criterion_main!(benches);
