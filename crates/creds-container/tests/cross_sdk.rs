//! Every case of the cross-SDK `ecs-tests.json`: which URI the provider would fetch, or
//! that it refuses. Outcomes are matched, not the other SDK's wording. Nothing is
//! fetched: [`ContainerProvider::resolve_uri`] only checks.
//!
//! The file gives no DNS table; its one plain-http host name is `localhost`. Host names
//! are resolved by a fake table, as aws-config's test does: `localhost` is `127.0.0.1`,
//! any other name a public address. The test never uses real DNS.

use std::collections::BTreeMap;
use std::io;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use creds_container::ContainerProvider;
use creds_core::ErrorKind;
use serde_json::Value;

use crate::support::*;

const CASES: usize = 11;

fn cases() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/cross-sdk/ecs-tests.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["tests"].as_array().expect("a tests array").clone()
}

#[tokio::test]
async fn every_case_of_ecs_tests_json() {
    let cases = cases();
    assert_eq!(cases.len(), CASES, "the number of cases in ecs-tests.json");
    let lookups = Arc::new(Mutex::new(Vec::<String>::new()));
    for case in &cases {
        let docs = case["docs"].as_str().unwrap();
        let env: BTreeMap<String, String> = case["env"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let seen = Arc::clone(&lookups);
        let provider = builder(&pairs)
            .resolver(move |host: &str| -> io::Result<Vec<IpAddr>> {
                seen.lock().unwrap().push(host.to_owned());
                Ok(vec![match host {
                    "localhost" => "127.0.0.1".parse().unwrap(),
                    _ => "72.21.210.29".parse().unwrap(),
                }])
            })
            .build();
        let outcome = provider.resolve_uri().await;
        let result = &case["result"];
        match (result.get("Ok").and_then(Value::as_str), outcome) {
            (Some(expected), Ok(Some(uri))) => assert_eq!(uri, expected, "{docs}"),
            (Some(expected), other) => panic!("{docs}: expected {expected}, got {other:?}"),
            (None, Ok(None)) => {
                // Not configured: the provider says so, and the chain moves on.
                let err = expect_err(provider_without_network(&pairs).await);
                assert_eq!(err.kind(), ErrorKind::NotConfigured, "{docs}");
            }
            (None, Err(err)) => {
                assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{docs}: {err}");
            }
            (None, Ok(Some(uri))) => panic!(
                "{docs}: expected an error containing {:?}, got {uri}",
                result["ErrorContains"]
            ),
        }
    }
    // Only the plain-http host name was looked up: not the https hosts, not IP literals.
    assert_eq!(*lookups.lock().unwrap(), ["localhost"]);
}

/// Fetches with a provider whose settings hold no URI: it must fail without sending.
async fn provider_without_network(
    env: &[(&str, &str)],
) -> Result<creds_core::Credentials, creds_core::CredentialsError> {
    use creds_core::ProvideCredentials as _;
    assert!(
        !env.iter().any(|(k, _)| k.contains("URI")),
        "only for cases without a URI"
    );
    ContainerProvider::new(&config(env))
        .provide_credentials()
        .await
}
