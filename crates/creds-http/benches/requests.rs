//! Uncached GETs of a credentials document from a loopback test server, the way the
//! container and instance metadata providers fetch one.
//!
//! - `get/pooled`: one client, its connection reused: the client's own cost per
//!   request (plus the test server's, on its own thread).
//! - `get/new_connection`: a new client each time, so a new TCP connection.
//! - Then a plain loop of requests on the pooled client, each timed alone, printing
//!   p50, p99 and requests per second (criterion reports means, not tails).
//!
//! ```text
//! cargo bench -p creds-http --bench requests -j2 -- --warm-up-time 1 --measurement-time 5
//! ```

#![allow(missing_docs)] // criterion's macros generate undocumented public functions.
#![allow(clippy::print_stdout)] // the latency figures are the point.

use std::time::{Duration, Instant};

use bytes::Bytes;
use creds_http::HttpClient;
use creds_testkit::{Method, Reply, TestServer};
use criterion::{Criterion, criterion_group, criterion_main};

const PATH: &str = "/latest/meta-data/iam/security-credentials/bench-role";

fn document() -> serde_json::Value {
    serde_json::json!({
        "Code": "Success",
        "LastUpdated": "2026-01-01T00:00:00Z",
        "Type": "AWS-HMAC",
        "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
        "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "Token": "IQoJb3JpZ2luX2VjEXAMPLETOKEN".repeat(30),
        "Expiration": "2026-01-01T06:00:00Z"
    })
}

fn request(url: &str) -> http::Request<Bytes> {
    http::Request::get(url)
        .header("x-aws-ec2-metadata-token", "bench-token")
        .body(Bytes::new())
        .unwrap()
}

fn requests(c: &mut Criterion) {
    let server = TestServer::start_blocking();
    server.route(Method::GET, PATH, Reply::json(document()));
    let url = server.uri(PATH);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = HttpClient::builder().build();

    let mut group = c.benchmark_group("get");
    group.bench_function("pooled", |b| {
        b.iter_custom(|iters| {
            server.clear_requests();
            runtime.block_on(async {
                let started = Instant::now();
                for _ in 0..iters {
                    let response = client.send(request(&url)).await.unwrap();
                    assert_eq!(response.status(), 200);
                }
                started.elapsed()
            })
        })
    });
    group.bench_function("new_connection", |b| {
        b.iter_custom(|iters| {
            server.clear_requests();
            runtime.block_on(async {
                let started = Instant::now();
                for _ in 0..iters {
                    let fresh = HttpClient::builder().build();
                    let response = fresh.send(request(&url)).await.unwrap();
                    assert_eq!(response.status(), 200);
                }
                started.elapsed()
            })
        })
    });
    group.finish();

    // Tails: 20,000 pooled requests, each timed alone.
    server.clear_requests();
    let mut latencies: Vec<Duration> = runtime.block_on(async {
        let mut latencies = Vec::with_capacity(20_000);
        for _ in 0..20_000 {
            let started = Instant::now();
            client.send(request(&url)).await.unwrap();
            latencies.push(started.elapsed());
        }
        latencies
    });
    latencies.sort_unstable();
    let total: Duration = latencies.iter().sum();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    println!(
        "get/pooled latency over {} requests: p50 {:?}, p99 {:?}, max {:?}; {:.0} requests/s",
        latencies.len(),
        at(0.50),
        at(0.99),
        latencies[latencies.len() - 1],
        latencies.len() as f64 / total.as_secs_f64()
    );
}

criterion_group!(benches, requests);
criterion_main!(benches);
