//! `creds-json`, the `creds` command line tool with this crate linked, run as a user
//! runs it: a cleared environment, a temp HOME, the shared files in temp files,
//! instance metadata disabled and every AWS endpoint at a refused loopback port.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use creds_example_json_file::{ENV_VAR, NAME, PROFILE_KEY};
use creds_testkit::{TempHome, assert_no_secret};
use serde_json::Value;

use crate::support::{PROFILE_SECRET, SECRET, SECRETS, TOKEN, document};

/// A temp HOME with empty shared files and a JSON credentials file.
struct Home {
    home: TempHome,
    file: PathBuf,
}

impl Home {
    fn new(config: &str, credentials: &str) -> Self {
        let home = TempHome::new();
        home.write_config(config);
        home.write_credentials(credentials);
        let file = home.write_file(
            "run/creds.json",
            document("ASIAJSON", Some("2999-01-01T00:00:00Z")),
        );
        Home { home, file }
    }

    fn file(&self) -> &str {
        self.file.to_str().unwrap()
    }

    /// `creds-json` with `args` and the variables `env`, and nothing else of the
    /// environment.
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let path = self.home.path();
        Command::new(env!("CARGO_BIN_EXE_creds-json"))
            .env_clear()
            .env("HOME", path)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", path.join(".aws/config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", path.join(".aws/credentials"))
            .env("AWS_ENDPOINT_URL", creds_testkit::refused_url())
            .envs(env.iter().copied())
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn no_secret_in(out: &Output) {
    assert_no_secret(&text(&out.stdout), SECRETS);
    assert_no_secret(&text(&out.stderr), SECRETS);
}

/// A `[default]` profile with static keys: what the file must win over.
fn default_keys() -> String {
    format!(
        "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = {PROFILE_SECRET}\n"
    )
}

#[test]
fn explain_lists_the_file_in_its_place_and_shows_it_chosen() {
    let home = Home::new("", &default_keys());
    let out = home.run(&["explain"], &[(ENV_VAR, home.file())]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    no_secret_in(&out);
    let stdout = text(&out.stdout);
    let line = |n: usize| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{n}. ")))
            .unwrap_or_else(|| panic!("no source {n}: {stdout}"))
    };
    assert!(line(1).contains("environment  not configured"), "{stdout}");
    assert!(line(2).contains("json-file    found"), "{stdout}");
    assert!(
        line(2).contains(&format!(
            "access key id ASIAJSON, with a session token, expires 2999-01-01T00:00:00Z, from {} ({ENV_VAR})",
            home.file()
        )),
        "{stdout}"
    );
    assert!(line(3).contains("profile      not tried"), "{stdout}");
    assert!(
        stdout.contains(
            "result: credentials from json-file: the first source in the chain that is configured"
        ),
        "{stdout}"
    );

    // Unset, it says why and the profile decides.
    let out = home.run(&["explain"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    no_secret_in(&out);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("json-file    not configured")
            && stdout.contains("JSON_CREDENTIALS_FILE is not set"),
        "{stdout}"
    );
    assert!(
        stdout.contains("result: credentials from profile"),
        "{stdout}"
    );
}

#[test]
fn explain_json_lists_the_source_and_the_result() {
    let home = Home::new("", &default_keys());
    let out = home.run(&["explain", "--json"], &[(ENV_VAR, home.file())]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    no_secret_in(&out);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sources = doc["sources"].as_array().unwrap();
    let names: Vec<&str> = sources
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(&names[..3], ["environment", NAME, "profile"], "{doc:#}");
    assert_eq!(sources[1]["outcome"], "found");
    assert_eq!(
        sources[1]["origin"],
        format!("{} ({ENV_VAR})", home.file()).as_str()
    );
    assert_eq!(sources[2]["outcome"], "not tried");
    assert_eq!(doc["result"]["found"], true);
    assert_eq!(doc["result"]["provider"], NAME);
    assert_eq!(doc["result"]["access_key_id"], "ASIAJSON");
}

#[test]
fn export_prints_the_files_keys() {
    let home = Home::new("", &default_keys());
    let out = home.run(&["export"], &[(ENV_VAR, home.file())]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["Version"], 1);
    assert_eq!(doc["AccessKeyId"], "ASIAJSON");
    assert_eq!(doc["SecretAccessKey"], SECRET);
    assert_eq!(doc["SessionToken"], TOKEN);
    assert_eq!(doc["Expiration"], "2999-01-01T00:00:00Z");

    let out = home.run(&["export", "--format", "json"], &[(ENV_VAR, home.file())]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["Provider"], NAME);
    assert_eq!(doc["AccessKeyId"], "ASIAJSON");
}

#[test]
fn what_creds_export_prints_is_a_file_it_reads() {
    // The profile's keys, exported as a writer of the file would export them...
    let home = Home::new("", &default_keys());
    let out = home.run(&["export"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let exported = home.home.write_file("run/exported.json", &out.stdout);

    // ...are the file's credentials, `Version` and all: the file wins over the profile.
    let out = home.run(
        &["export", "--format", "json"],
        &[(ENV_VAR, exported.to_str().unwrap())],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["Provider"], NAME);
    assert_eq!(doc["AccessKeyId"], "AKIDPROFILE");
    assert_eq!(doc["SecretAccessKey"], PROFILE_SECRET);
}

#[test]
fn a_profile_with_json_credentials_file_works_from_the_command_line() {
    let home = Home::new("", "");
    let config = format!("[profile app]\n{PROFILE_KEY} = {}\n", home.file());
    home.home.write_config(&config);
    let out = home.run(&["export", "--profile", "app"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["AccessKeyId"], "ASIAJSON");
    assert_eq!(doc["SecretAccessKey"], SECRET);

    let out = home.run(&["explain", "--profile", "app"], &[(ENV_VAR, home.file())]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    no_secret_in(&out);
    let stdout = text(&out.stdout);
    // Named by --profile: the variable's source sits out, the profile's handler serves.
    assert!(!stdout.contains("json-file    "), "{stdout}");
    assert!(
        stdout.contains("profile app: claimed by handler json-file (config:1)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("result: credentials from profile (through json-file)"),
        "{stdout}"
    );
}

#[test]
fn bad_files_fail_with_their_exit_codes_and_no_secret() {
    let home = Home::new("", &default_keys());
    let missing = home.home.path().join("run/missing.json");
    let out = home.run(&["export"], &[(ENV_VAR, missing.to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    no_secret_in(&out);
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "creds: error: json-file: the JSON credentials file {} (JSON_CREDENTIALS_FILE) does not exist",
            missing.display()
        )),
        "{stderr}"
    );

    let bad = home.home.write_file(
        "run/bad.json",
        format!("{{\"AccessKeyId\": \"ASIAJSON\", \"SecretAccessKey\": \"{SECRET}\" \"SessionToken\": \"{TOKEN}\"}}"),
    );
    let out = home.run(&["explain"], &[(ENV_VAR, bad.to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    no_secret_in(&out);
    assert!(
        text(&out.stdout).contains("json-file    failed"),
        "{}",
        text(&out.stdout)
    );

    let stale = home.home.write_file(
        "run/stale.json",
        document("ASIAOLD", Some("2001-01-01T00:00:00Z")),
    );
    let out = home.run(&["export"], &[(ENV_VAR, stale.to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    no_secret_in(&out);
    assert!(
        text(&out.stderr).contains("has not refreshed it"),
        "{}",
        text(&out.stderr)
    );
}
