//! The cross-SDK conformance suites, every case, read at run time from
//! `../shared/testdata/cross-sdk/` (beside the repository root, locally and in CI).
//!
//! Each test runs all of its file's cases and then reports every failing case by name
//! at once. It also checks how many cases ran, so that a missing file or an emptied list
//! fails rather than passes.
//!
//! Cases treated differently on purpose: none. Every case of both files passes as
//! written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use creds_core::profile::{FileKind, Platform, Profile, ProfileSet};
use creds_core::{Env, ProviderConfig};
use serde_json::Value;

const PARSER_CASES: usize = 65;
const LOCATION_CASES: usize = 9;

/// Properties by name, per section name: the shape of the suite's expected output.
type Sections = BTreeMap<String, BTreeMap<String, String>>;

fn testdata(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/testdata/cross-sdk")
        .join(file)
}

/// The `tests` array of a suite file; panics (fails the test) when the file is missing
/// or is not what it should be.
fn load_cases(file: &str) -> Vec<Value> {
    let path = testdata(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut suite: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    match suite.get_mut("tests").map(Value::take) {
        Some(Value::Array(cases)) => cases,
        _ => panic!("{} has no `tests` array", path.display()),
    }
}

/// Runs `check` on every case and fails once, listing each failing case by number and
/// name, unless exactly `expected` cases ran and all passed.
fn run_all(file: &str, expected: usize, check: impl Fn(&Value) -> Result<(), String>) {
    let cases = load_cases(file);
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(index, case)| {
            let name = case
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("(unnamed)");
            check(case)
                .err()
                .map(|why| format!("#{index} {name:?}:\n    {why}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases of {file} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(cases.len(), expected, "the number of cases in {file}");
}

fn string_map(value: &Value, what: &str) -> Result<BTreeMap<String, String>, String> {
    let object = value
        .as_object()
        .ok_or_else(|| format!("{what} is not an object"))?;
    object
        .iter()
        .map(|(k, v)| match v.as_str() {
            Some(s) => Ok((k.clone(), s.to_owned())),
            None => Err(format!("{what}.{k} is not a string")),
        })
        .collect()
}

fn expected_sections(value: &Value, what: &str) -> Result<Sections, String> {
    let object = value
        .as_object()
        .ok_or_else(|| format!("{what} is not an object"))?;
    object
        .iter()
        .map(|(name, properties)| {
            Ok((
                name.clone(),
                string_map(properties, &format!("{what}.{name}"))?,
            ))
        })
        .collect()
}

fn actual_sections<'a>(sections: impl Iterator<Item = &'a Profile>) -> Sections {
    sections
        .map(|section| {
            let properties = section
                .properties()
                .iter()
                .map(|p| (p.name().to_owned(), p.value().to_owned()))
                .collect();
            (section.name().to_owned(), properties)
        })
        .collect()
}

fn check_parser_case(case: &Value) -> Result<(), String> {
    let input = case.get("input").ok_or("the case has no input")?;
    let text = |key: &str| input.get(key).and_then(Value::as_str);
    let mut sources: Vec<(FileKind, &Path, &str)> = Vec::new();
    if let Some(config) = text("configFile") {
        sources.push((
            FileKind::Config,
            Path::new("/home/user/.aws/config"),
            config,
        ));
    }
    if let Some(credentials) = text("credentialsFile") {
        sources.push((
            FileKind::Credentials,
            Path::new("/home/user/.aws/credentials"),
            credentials,
        ));
    }
    let output = case.get("output").ok_or("the case has no output")?;
    let result = ProfileSet::parse(&sources);

    if let Some(wanted) = output.get("errorContaining").and_then(Value::as_str) {
        return match result {
            Err(e) if e.to_string().contains(wanted) => Ok(()),
            Err(e) => Err(format!(
                "expected an error containing {wanted:?}, got {:?}",
                e.to_string()
            )),
            Ok(set) => Err(format!(
                "expected an error containing {wanted:?}, parsed {:?}",
                actual_sections(set.profiles())
            )),
        };
    }

    let config = output
        .get("config")
        .ok_or("the output has neither config nor errorContaining")?;
    let set = result.map_err(|e| format!("expected success, got error {:?}", e.to_string()))?;
    let mut problems = Vec::new();
    let profiles = config.get("profiles").ok_or("the output has no profiles")?;
    let expected = expected_sections(profiles, "profiles")?;
    let actual = actual_sections(set.profiles());
    if actual != expected {
        problems.push(format!("profiles: expected {expected:?}, got {actual:?}"));
    }
    if let Some(sessions) = config.get("sso_sessions") {
        let expected = expected_sections(sessions, "sso_sessions")?;
        let actual = actual_sections(set.sso_sessions());
        if actual != expected {
            problems.push(format!(
                "sso_sessions: expected {expected:?}, got {actual:?}"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n    "))
    }
}

fn check_location_case(case: &Value) -> Result<(), String> {
    let env = string_map(
        case.get("environment")
            .ok_or("the case has no environment")?,
        "environment",
    )?;
    let platform = match case.get("platform").and_then(Value::as_str) {
        Some("linux") => Platform::Unix,
        Some("windows") => Platform::Windows,
        other => return Err(format!("unknown platform {other:?}")),
    };
    let config = ProviderConfig::empty()
        .with_env(Env::from_pairs(env))
        .with_platform(platform);
    let files = config.profile_files();
    let as_string = |path: Option<PathBuf>| path.map(|p| p.to_string_lossy().into_owned());

    let mut problems = Vec::new();
    for (key, actual) in [
        ("configLocation", as_string(files.config)),
        ("credentialsLocation", as_string(files.credentials)),
    ] {
        let expected = case.get(key).and_then(Value::as_str);
        if actual.as_deref() != expected {
            problems.push(format!("{key}: expected {expected:?}, got {actual:?}"));
        }
    }
    if let Some(profile) = case.get("profile").and_then(Value::as_str) {
        let selected = config.selected_profile().name;
        if selected != profile {
            problems.push(format!("profile: expected {profile:?}, got {selected:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n    "))
    }
}

#[test]
fn profile_parser_suite() {
    run_all("profile-parser-tests.json", PARSER_CASES, check_parser_case);
}

#[test]
fn file_location_suite() {
    run_all(
        "file-location-tests.json",
        LOCATION_CASES,
        check_location_case,
    );
}

/// The harness itself fails on a wrong expectation (a test that cannot fail is no test).
#[test]
fn a_wrong_expectation_fails() {
    let case: Value = serde_json::from_str(
        r#"{"name": "x", "input": {"configFile": "[profile foo]\nname = value"},
            "output": {"config": {"profiles": {"foo": {"name": "other"}}}}}"#,
    )
    .unwrap();
    assert!(check_parser_case(&case).is_err());
    let case: Value = serde_json::from_str(
        r#"{"name": "x", "input": {"configFile": "[profile foo]\nname = value"},
            "output": {"errorContaining": "anything"}}"#,
    )
    .unwrap();
    assert!(check_parser_case(&case).is_err());
    let case: Value = serde_json::from_str(
        r#"{"name": "x", "environment": {"HOME": "/h"}, "platform": "linux",
            "configLocation": "/elsewhere/config", "credentialsLocation": "/h/.aws/credentials"}"#,
    )
    .unwrap();
    assert!(check_location_case(&case).is_err());
}
