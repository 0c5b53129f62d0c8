//! Profile selection, static keys, role chains and their errors.

use creds_core::{
    Credentials, CredentialsError, Env, ErrorKind, Fs, ProvideCredentials, ProviderConfig,
};
use creds_profile::ProfileProvider;

const SECRET: &str = "wJalrXUtnFEMI-SUPERSECRET";
const TOKEN: &str = "IQoJb3JpZ2luX2VjE-TOKEN";

fn config(config_file: &str, credentials_file: &str, env: &[(&str, &str)]) -> ProviderConfig {
    let mut vars = vec![("HOME", "/home/me")];
    vars.extend_from_slice(env);
    ProviderConfig::empty()
        .with_env(Env::from_pairs(vars))
        .with_fs(Fs::from_files([
            ("/home/me/.aws/config", config_file),
            ("/home/me/.aws/credentials", credentials_file),
        ]))
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

fn fetch(config: &ProviderConfig, profile: Option<&str>) -> Result<Credentials, CredentialsError> {
    let mut builder = ProfileProvider::builder().config(config.clone());
    if let Some(profile) = profile {
        builder = builder.profile_name(profile);
    }
    block_on(builder.build().provide_credentials())
}

fn assert_secret_free(err: &CredentialsError) {
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
    }
}

#[test]
fn static_keys_from_the_credentials_file() {
    let cfg = config(
        "",
        &format!(
            "[default]\naws_access_key_id = AKID\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\naws_account_id = 123456789012\n"
        ),
        &[],
    );
    let creds = fetch(&cfg, None).unwrap();
    assert_eq!(creds.access_key_id(), "AKID");
    assert_eq!(creds.secret_access_key(), SECRET);
    assert_eq!(creds.session_token(), Some(TOKEN));
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert_eq!(creds.provider_name(), "profile");
}

#[test]
fn credentials_file_wins_over_config_file() {
    let cfg = config(
        "[profile dev]\naws_access_key_id = FROMCONFIG\naws_secret_access_key = x\nregion = eu-west-1\n",
        "[dev]\naws_access_key_id = FROMCREDENTIALS\n",
        &[],
    );
    let creds = fetch(&cfg, Some("dev")).unwrap();
    assert_eq!(creds.access_key_id(), "FROMCREDENTIALS");
    assert_eq!(creds.secret_access_key(), "x");
}

#[test]
fn selection_explicit_then_aws_profile_then_default() {
    let files = "[a]\naws_access_key_id = A\naws_secret_access_key = s\n[b]\naws_access_key_id = B\naws_secret_access_key = s\n[default]\naws_access_key_id = D\naws_secret_access_key = s\n";
    assert_eq!(
        fetch(&config("", files, &[]), None)
            .unwrap()
            .access_key_id(),
        "D"
    );
    let env_b = config("", files, &[("AWS_PROFILE", "b")]);
    assert_eq!(fetch(&env_b, None).unwrap().access_key_id(), "B");
    assert_eq!(fetch(&env_b, Some("a")).unwrap().access_key_id(), "A");
}

#[test]
fn profile_default_wins_over_default_in_config() {
    let cfg = config(
        "[profile default]\naws_access_key_id = PREFIXED\naws_secret_access_key = s\n[default]\naws_access_key_id = PLAIN\naws_secret_access_key = s\n",
        "",
        &[],
    );
    assert_eq!(fetch(&cfg, None).unwrap().access_key_id(), "PREFIXED");
}

#[test]
fn empty_secret_is_an_error_with_file_and_line() {
    let cfg = config(
        "",
        "[default]\naws_access_key_id = AKID\naws_secret_access_key =\n",
        &[],
    );
    let err = fetch(&cfg, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let location = err.location().expect("has a location");
    assert_eq!(
        location.file(),
        std::path::Path::new("/home/me/.aws/credentials")
    );
    assert_eq!(location.line(), 3);
    assert!(
        err.to_string()
            .contains("aws_secret_access_key of profile 'default' is empty"),
        "{err}"
    );
}

#[test]
fn half_a_key_pair_is_an_error() {
    let cfg = config(
        "",
        &format!("[default]\naws_secret_access_key = {SECRET}\n"),
        &[],
    );
    let err = fetch(&cfg, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.to_string().contains("but not aws_access_key_id"),
        "{err}"
    );
    assert_eq!(err.location().unwrap().line(), 2);
    assert_secret_free(&err);
}

#[test]
fn missing_default_profile_moves_the_chain_on() {
    let err = fetch(&config("[profile other]\nregion = x\n", "", &[]), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotConfigured);
    // No files at all, too.
    let err =
        block_on(ProfileProvider::new(&ProviderConfig::empty()).provide_credentials()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotConfigured);
}

#[test]
fn profile_without_credentials_moves_the_chain_on() {
    let err = fetch(&config("[default]\nregion = us-east-1\n", "", &[]), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotConfigured);
}

#[test]
fn missing_named_profile_lists_the_profiles() {
    let cfg = config(
        "[profile b]\nregion = x\n",
        "[a]\naws_access_key_id = A\naws_secret_access_key = s\n",
        &[],
    );
    for err in [
        fetch(&cfg, Some("nope")).unwrap_err(),
        fetch(
            &config("[profile b]\n", "[a]\n", &[("AWS_PROFILE", "nope")]),
            None,
        )
        .unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(
            err.to_string().contains("profile 'nope' does not exist"),
            "{err}"
        );
        assert!(err.to_string().contains("the profiles are: a, b"), "{err}");
    }
}

#[test]
fn role_chain_assumes_hops_innermost_first() {
    let cfg = config(
        "[profile top]\nrole_arn = arn:top\nsource_profile = middle\n\
         [profile middle]\nrole_arn = arn:middle\nsource_profile = base\n\
         [profile base]\naws_access_key_id = BASE\naws_secret_access_key = s\n",
        "",
        &[],
    );
    let creds = fetch(&cfg, Some("top")).unwrap();
    assert_eq!(creds.access_key_id(), "arn:top<-arn:middle<-BASE");
}

#[test]
fn static_keys_win_on_hops_after_the_first() {
    let cfg = config(
        "[profile top]\nrole_arn = arn:top\nsource_profile = middle\naws_access_key_id = TOPKEYS\naws_secret_access_key = s\n\
         [profile middle]\nrole_arn = arn:middle\nsource_profile = base\naws_access_key_id = MIDDLE\naws_secret_access_key = s\n\
         [profile base]\naws_access_key_id = BASE\naws_secret_access_key = s\n",
        "",
        &[],
    );
    // The first hop's role_arn wins over its own keys; the second hop's keys win.
    assert_eq!(
        fetch(&cfg, Some("top")).unwrap().access_key_id(),
        "arn:top<-MIDDLE"
    );
}

#[test]
fn self_reference_uses_own_static_keys() {
    let cfg = config(
        "[profile me]\nrole_arn = arn:me\nsource_profile = me\naws_access_key_id = MINE\naws_secret_access_key = s\n",
        "",
        &[],
    );
    assert_eq!(
        fetch(&cfg, Some("me")).unwrap().access_key_id(),
        "arn:me<-MINE"
    );
}

#[test]
fn cycles_are_named() {
    let cfg = config(
        "[profile a]\nrole_arn = arn:a\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:b\nsource_profile = c\n\
         [profile c]\nrole_arn = arn:c\nsource_profile = a\n\
         [profile selfish]\nrole_arn = arn:s\nsource_profile = selfish\n",
        "",
        &[],
    );
    let err = fetch(&cfg, Some("a")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.to_string().contains("a -> b -> c -> a"), "{err}");
    assert_eq!(err.location().unwrap().line(), 9);
    let err = fetch(&cfg, Some("selfish")).unwrap_err();
    assert!(err.to_string().contains("selfish -> selfish"), "{err}");
}

#[test]
fn credential_source_is_looked_up_in_the_registry() {
    let cfg = config(
        "[profile r]\nrole_arn = arn:r\ncredential_source = Environment\n\
         [profile imds]\nrole_arn = arn:i\ncredential_source = Ec2InstanceMetadata\n\
         [profile typo]\nrole_arn = arn:t\ncredential_source = Environmnet\n\
         [profile both]\nrole_arn = arn:b\ncredential_source = Environment\nsource_profile = r\n",
        "",
        &[],
    );
    assert_eq!(
        fetch(&cfg, Some("r")).unwrap().access_key_id(),
        "arn:r<-ENVSOURCE"
    );

    let err = fetch(&cfg, Some("imds")).unwrap_err();
    assert!(
        err.to_string().contains("creds-imds") && err.to_string().contains("`imds` feature"),
        "{err}"
    );
    let err = fetch(&cfg, Some("typo")).unwrap_err();
    assert!(
        err.to_string().contains("is not one of Environment"),
        "{err}"
    );
    let err = fetch(&cfg, Some("both")).unwrap_err();
    assert!(
        err.to_string()
            .contains("both source_profile and credential_source"),
        "{err}"
    );
}

#[test]
fn role_arn_without_a_source_is_an_error() {
    let cfg = config("[profile r]\nrole_arn = arn:r\n", "", &[]);
    let err = fetch(&cfg, Some("r")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.to_string().contains("no source_profile"), "{err}");
}

/// As botocore and aws-config: a role with no source is refused beside other
/// credentials too, rather than dropped (JS) or assumed with them (Go v2).
#[test]
fn role_arn_beside_other_credentials_without_a_source_is_refused() {
    let cfg = config(
        &format!(
            "[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_process = echo {SECRET}\n\
             [profile s]\nrole_arn = arn:aws:iam::123456789012:role/r\naws_access_key_id = AKID\n\
             aws_secret_access_key = {SECRET}\n[profile k]\nfake_kind = x\nrole_arn = arn:aws:iam::123456789012:role/r\n"
        ),
        "",
        &[],
    );
    for (profile, beside, line) in [
        ("p", "p is a credential_process profile", 2),
        ("s", "it holds static keys", 5),
        ("k", "", 10),
    ] {
        let err = fetch(&cfg, Some(profile)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err}");
        assert!(err.message().contains(beside), "{profile}: {err}");
        assert!(
            err.message().contains("no source_profile"),
            "{profile}: {err}"
        );
        assert_eq!(err.location().unwrap().line(), line, "{profile}: {err}");
        assert_secret_free(&err);
    }
}

/// A web identity profile's role_arn is its own (botocore, aws-config): a
/// source_profile beside it does not make it a hop.
#[test]
fn a_web_identity_profile_is_a_base_even_with_a_source_profile() {
    let cfg = config(
        "[profile w]\nrole_arn = arn:aws:iam::123456789012:role/w\nweb_identity_token_file = /t\n\
         source_profile = base\n[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n",
        "",
        &[],
    );
    let chain = creds_profile::plan_profile(&cfg, &cfg.profile_set().unwrap(), "w");
    // No handler for web identity is linked here: the plan fails naming creds-sts.
    let err = chain.unwrap_err();
    assert!(err.message().contains("creds-sts"), "{err}");
}

#[test]
fn missing_source_profile_is_an_error_at_its_line() {
    let cfg = config(
        "[profile r]\nrole_arn = arn:r\nsource_profile = ghost\n",
        "",
        &[],
    );
    let err = fetch(&cfg, Some("r")).unwrap_err();
    assert!(
        err.to_string()
            .contains("source_profile 'ghost' of profile 'r' does not exist"),
        "{err}"
    );
    assert_eq!(err.location().unwrap().line(), 3);
}

#[test]
fn source_profile_without_credentials_is_an_error() {
    let cfg = config(
        "[profile r]\nrole_arn = arn:r\nsource_profile = empty\n[profile empty]\nregion = x\n",
        "",
        &[],
    );
    let err = fetch(&cfg, Some("r")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
}

#[test]
fn other_kinds_go_to_the_handler_that_claims_them() {
    let cfg = config(
        "[profile fake]\nfake_kind = yes\n[profile fakerole]\nrole_arn = arn:f\nsource_profile = fake\n",
        "",
        &[],
    );
    assert_eq!(
        fetch(&cfg, Some("fake")).unwrap().access_key_id(),
        "fake:yes"
    );
    assert_eq!(
        fetch(&cfg, Some("fakerole")).unwrap().access_key_id(),
        "arn:f<-fake:yes"
    );
}

#[test]
fn static_keys_win_over_other_kinds_in_one_profile() {
    let cfg = config(
        "[profile both]\nfake_kind = yes\naws_access_key_id = STATIC\naws_secret_access_key = s\n",
        "",
        &[],
    );
    assert_eq!(fetch(&cfg, Some("both")).unwrap().access_key_id(), "STATIC");
}

#[test]
fn unlinked_kinds_name_the_crate_and_feature() {
    let cfg = config(
        "[profile p]\ncredential_process = /bin/echo\n\
         [profile s]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n\
         [profile w]\nrole_arn = arn:w\nweb_identity_token_file = /t\n",
        "",
        &[],
    );
    for (profile, krate, feature) in [
        ("p", "creds-process", "process"),
        ("s", "creds-sso", "sso"),
        ("w", "creds-sts", "sts"),
    ] {
        let err = fetch(&cfg, Some(profile)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err}");
        let text = err.to_string();
        assert!(
            text.contains(krate) && text.contains(&format!("`{feature}` feature")),
            "{text}"
        );
    }
}

#[test]
fn malformed_files_are_errors_with_line_and_no_secret() {
    let cfg = config(
        "",
        &format!("[default]\naws_access_key_id = AKID\naws_secret_access_key {SECRET}\n"),
        &[],
    );
    let err = fetch(&cfg, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert_eq!(err.location().unwrap().line(), 3);
    assert_secret_free(&err);
}

#[test]
fn edits_and_reload_read_the_files_again() {
    let dir = std::env::temp_dir().join(format!("creds-profile-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials");
    std::fs::write(
        &file,
        "[default]\naws_access_key_id = FIRST\naws_secret_access_key = s\n",
    )
    .unwrap();
    let cfg = ProviderConfig::empty()
        .with_fs(Fs::real())
        .with_credentials_file(&file);
    let provider = ProfileProvider::new(&cfg);
    assert_eq!(
        block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "FIRST"
    );
    std::fs::write(
        &file,
        "[default]\naws_access_key_id = SECOND\naws_secret_access_key = s\n",
    )
    .unwrap();
    // The edit changed the file's size: its fingerprint shows it at the next fetch.
    assert_eq!(
        block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "SECOND",
        "the edit was not noticed"
    );
    provider.reload();
    assert_eq!(
        block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "SECOND"
    );

    let ignoring = ProfileProvider::builder()
        .config(cfg)
        .ignore_cache(true)
        .build();
    std::fs::write(
        &file,
        "[default]\naws_access_key_id = THIRD\naws_secret_access_key = s\n",
    )
    .unwrap();
    assert_eq!(
        block_on(ignoring.provide_credentials())
            .unwrap()
            .access_key_id(),
        "THIRD"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
