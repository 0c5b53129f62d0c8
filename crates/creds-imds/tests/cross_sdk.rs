//! Every case of the cross-SDK `imds-endpoint-tests.json`: which endpoint the provider
//! would use (the token URL is the endpoint and `/latest/api/token`), or that the
//! configuration is refused. Outcomes are matched, not the other SDK's wording.
//! Nothing is sent: [`ImdsProvider::resolve_endpoint`] only reads the settings.

use creds_core::{Env, ErrorKind, Fs, ProviderConfig};
use creds_imds::{EndpointMode, ImdsProvider};
use serde_json::Value;

const CASES: usize = 14;

fn cases() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/cross-sdk/imds-endpoint-tests.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["tests"].as_array().expect("a tests array").clone()
}

fn strings(value: &Value) -> Vec<(String, String)> {
    value
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_case_of_imds_endpoint_tests_json() {
    let cases = cases();
    assert_eq!(
        cases.len(),
        CASES,
        "the number of cases in imds-endpoint-tests.json"
    );
    for case in &cases {
        let docs = case["docs"].as_str().unwrap();
        let config = ProviderConfig::empty()
            .with_env(Env::from_pairs(strings(&case["env"])))
            .with_fs(Fs::from_files(strings(&case["fs"])));
        let mut builder = ImdsProvider::builder().config(config);
        if let Some(endpoint) = case.get("endpoint_override").and_then(Value::as_str) {
            builder = builder.endpoint(endpoint);
        }
        if let Some(mode) = case.get("mode_override").and_then(Value::as_str) {
            builder = builder.endpoint_mode(mode.parse::<EndpointMode>().unwrap());
        }
        let outcome = builder.build().resolve_endpoint();
        let result = &case["result"];
        match (result.get("Ok").and_then(Value::as_str), outcome) {
            (Some(expected), Ok(endpoint)) => {
                assert_eq!(format!("{endpoint}/latest/api/token"), expected, "{docs}");
            }
            (Some(expected), Err(err)) => panic!("{docs}: expected {expected}, got {err}"),
            (None, Err(err)) => {
                assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{docs}: {err}");
                assert!(result.get("Err").is_some(), "{docs}");
            }
            (None, Ok(endpoint)) => panic!(
                "{docs}: expected an error containing {:?}, got {endpoint}",
                result["Err"]
            ),
        }
    }
}

#[test]
fn the_errors_say_which_setting_is_wrong() {
    let err = ImdsProvider::new(&ProviderConfig::empty().with_env(Env::from_pairs([(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
        "error",
    )])))
    .resolve_endpoint()
    .unwrap_err();
    assert!(
        err.message().contains(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: `error` is not a valid endpoint mode"
        ),
        "{err}"
    );
    let err = ImdsProvider::new(&ProviderConfig::empty().with_env(Env::from_pairs([(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        "not a uri",
    )])))
    .resolve_endpoint()
    .unwrap_err();
    assert!(
        err.message()
            .contains("AWS_EC2_METADATA_SERVICE_ENDPOINT is not a URL"),
        "{err}"
    );
    let err = ImdsProvider::new(
        &ProviderConfig::empty()
            .with_env(Env::from_pairs([("AWS_CONFIG_FILE", "config")]))
            .with_fs(Fs::from_files([(
                "config",
                "[default]\nec2_metadata_service_endpoint_mode = IPv7",
            )])),
    )
    .resolve_endpoint()
    .unwrap_err();
    assert!(err.message().contains("`IPv7`"), "{err}");
    assert_eq!(err.location().unwrap().line(), 2);
}
