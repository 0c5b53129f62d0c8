//! Profiles: the registered handler, `from_profile`, the selected profile, the account
//! id fallback.

use creds_core::{Env, ErrorKind, Fs, ProvideCredentials, ProviderConfig, registry};
use creds_process::ProcessProvider;

use crate::support::*;

fn world(config_file: &str, env: &[(&str, &str)]) -> ProviderConfig {
    let mut vars = vec![("HOME", "/home/me")];
    vars.extend_from_slice(env);
    ProviderConfig::empty()
        .with_env(Env::from_pairs(vars))
        .with_fs(Fs::from_files([("/home/me/.aws/config", config_file)]))
}

#[test]
fn the_handler_is_registered_and_claims_credential_process_profiles() {
    let scripts = Scripts::new();
    let command = scripts.printing("ok", &document(None));
    let config = world(
        &format!(
            "[profile proc]\naws_account_id = 123456789012\ncredential_process = {command}\n\
             [profile plain]\nregion = eu-west-1\n[profile empty]\ncredential_process =\n"
        ),
        &[],
    );
    let handler = registry::profile_handlers()
        .into_iter()
        .find(|h| h.name() == "process")
        .expect("registered");
    assert_eq!(handler.priority(), registry::priority::PROCESS);
    let profiles = config.profile_set().unwrap();
    let proc = profiles.profile("proc").unwrap();
    assert!(handler.claims(proc));
    assert!(!handler.claims(profiles.profile("plain").unwrap()));

    let creds = block_on(
        handler
            .build(&config, &profiles, proc)
            .unwrap()
            .provide_credentials(),
    )
    .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAPROCESS");
    assert_eq!(
        creds.account_id(),
        Some("123456789012"),
        "the profile's aws_account_id"
    );
    // The program's name and the line, never its arguments.
    let origin = creds.origin().unwrap();
    assert!(
        origin.starts_with("the credential process `")
            && origin.ends_with("(credential_process at /home/me/.aws/config:3)"),
        "{origin}"
    );

    // An empty command is claimed, and reported at its line.
    let empty = profiles.profile("empty").unwrap();
    assert!(handler.claims(empty));
    let err = handler.build(&config, &profiles, empty).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.to_string()
            .contains("credential_process of profile 'empty' is empty"),
        "{err}"
    );
    assert!(err.to_string().ends_with("config:7)"), "{err}");
}

#[test]
fn account_id_in_the_output_wins_over_the_profile() {
    let scripts = Scripts::new();
    let command = scripts.printing(
        "acct",
        &format!(r#"{{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "{SECRET}", "AccountId": "999988887777"}}"#),
    );
    let config = world(
        &format!("[profile p]\naws_account_id = 123456789012\ncredential_process = {command}\n"),
        &[],
    );
    let creds =
        block_on(ProcessProvider::from_profile(&config, "p").provide_credentials()).unwrap();
    assert_eq!(creds.account_id(), Some("999988887777"));
}

#[test]
fn from_profile_and_the_selected_profile() {
    let scripts = Scripts::new();
    let command = scripts.printing("ok", &document(None));
    let config_file =
        format!("[default]\nregion = eu-west-1\n[profile tool]\ncredential_process = {command}\n");

    // Named explicitly.
    let creds = block_on(
        ProcessProvider::from_profile(&world(&config_file, &[]), "tool").provide_credentials(),
    );
    assert_eq!(creds.unwrap().access_key_id(), "ASIAPROCESS");

    // The selected one: AWS_PROFILE (JS `fromProcess()`).
    let provider = ProcessProvider::builder()
        .config(world(&config_file, &[("AWS_PROFILE", "tool")]))
        .build();
    assert_eq!(
        block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIAPROCESS"
    );

    // `default` has no credential_process, and a missing profile: not configured (JS
    // moves on to the next provider in both cases).
    let provider = ProcessProvider::builder()
        .config(world(&config_file, &[]))
        .build();
    let err = expect_err(block_on(provider.provide_credentials()));
    assert_eq!(err.kind(), ErrorKind::NotConfigured);
    assert!(
        err.to_string()
            .contains("profile 'default' has no credential_process"),
        "{err}"
    );
    let err = expect_err(block_on(
        ProcessProvider::from_profile(&world(&config_file, &[]), "nope").provide_credentials(),
    ));
    assert_eq!(err.kind(), ErrorKind::NotConfigured);
    assert!(
        err.to_string()
            .contains("profile 'nope' does not exist in /home/me/.aws/config"),
        "{err}"
    );
}

#[test]
fn a_profile_is_read_again_after_a_reload() {
    let scripts = Scripts::new();
    let one = scripts.printing("one", &document(None).replace("ASIAPROCESS", "ASIAONE"));
    let two = scripts.printing("two", &document(None).replace("ASIAPROCESS", "ASIATWO"));
    let file = scripts.path("config");
    std::fs::write(&file, format!("[profile p]\ncredential_process = {one}\n")).unwrap();
    let config = ProviderConfig::empty()
        .with_fs(Fs::real())
        .with_config_file(&file);
    let provider = ProcessProvider::from_profile(&config, "p");
    assert_eq!(
        block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIAONE"
    );
    std::fs::write(&file, format!("[profile p]\ncredential_process = {two}\n")).unwrap();
    config.reload_profiles();
    assert_eq!(
        block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIATWO"
    );
}

#[test]
fn the_builder_reads_the_files_it_is_given() {
    // JS `fromProcess({ profile, filepath, configFilepath })`: the config (here the
    // default, the real environment) is told where the files are.
    let scripts = Scripts::new();
    let command = scripts.printing("ok", &document(None));
    let config_file = scripts.path("my-config");
    let credentials_file = scripts.path("my-credentials");
    std::fs::write(&config_file, "[profile p]\naws_account_id = 123456789012\n").unwrap();
    std::fs::write(
        &credentials_file,
        format!("[p]\ncredential_process = {command}\n"),
    )
    .unwrap();
    let provider = ProcessProvider::builder()
        .config_file(&config_file)
        .credentials_file(&credentials_file)
        .profile_name("p")
        .build();
    let creds = block_on(provider.provide_credentials()).unwrap();
    assert_eq!(creds.access_key_id(), "ASIAPROCESS");
    assert_eq!(
        creds.account_id(),
        Some("123456789012"),
        "from the config file"
    );

    // Over the files of an explicit config, even one given after.
    let provider = ProcessProvider::builder()
        .credentials_file(&credentials_file)
        .config(
            ProviderConfig::empty()
                .with_fs(Fs::real())
                .with_credentials_file(scripts.path("not-this-one")),
        )
        .profile_name("p")
        .build();
    let creds = block_on(provider.provide_credentials()).unwrap();
    assert_eq!(creds.access_key_id(), "ASIAPROCESS");
}
