//! Profiles: `json_credentials_file` claimed by the handler, alone and as the
//! `source_profile` of a role chain, and `credential_source = JsonCredentialsFile`,
//! each role assumed against a loopback STS.

use creds::{ChainBase, ErrorKind, HopSource, ProvideCredentials, ProviderConfig, plan_profile};
use creds_example_json_file::{CREDENTIAL_SOURCE, ENV_VAR, NAME, PROFILE_KEY};
use creds_testkit::{Method, TestServer, capture_logs, expect_credentials, expect_error};

use crate::support::*;

/// The profile provider of the facade, as the default chain builds it for `name`.
fn profile(config: &ProviderConfig, name: &str) -> creds::ProfileProvider {
    creds_example_json_file::link();
    creds::ProfileProvider::builder()
        .config(config.clone())
        .profile_name(name)
        .build()
}

fn plan(config: &ProviderConfig, name: &str) -> creds::RoleChain {
    plan_profile(config, &config.profile_set().unwrap(), name).unwrap()
}

#[tokio::test]
async fn a_profile_with_json_credentials_file_is_claimed_by_the_handler() {
    let config_file = format!("[profile app]\nregion = eu-west-1\n{PROFILE_KEY} = {FILE}\n");
    let file = document("ASIAJSON", None);
    let config = world(&[(CONFIG, &config_file), (FILE, &file)], &[], &clock());

    let chain = plan(&config, "app");
    assert!(chain.hops.is_empty());
    assert!(
        matches!(&chain.base, ChainBase::Handler { profile, handler, .. } if profile == "app" && *handler == NAME),
        "{chain:?}"
    );

    // Through the default chain, with the profile named by the program.
    creds_example_json_file::link();
    let provider = creds::DefaultChain::builder()
        .config(config.clone())
        .profile_name("app")
        .build();
    let creds = expect_credentials(provider.provide_credentials().await, SECRETS);
    assert_eq!(creds.access_key_id(), "ASIAJSON");
    assert_eq!(creds.provider_name(), NAME);
    assert_eq!(
        creds.origin(),
        Some(&*format!(
            "{FILE} (json_credentials_file of profile 'app' at {CONFIG}:3)"
        ))
    );
    // The handler's provider is cached like the default chain's entry.
    assert_eq!(creds.expiration().unwrap().to_string(), after_t0(60));
}

#[tokio::test]
async fn a_bad_key_or_file_is_an_error_at_the_profile_line() {
    capture_logs();
    let config = world(
        &[(CONFIG, &format!("[profile app]\n{PROFILE_KEY} =\n"))],
        &[],
        &clock(),
    );
    let err = expect_error(profile(&config, "app").provide_credentials().await, SECRETS);
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert_eq!(
        err.message(),
        "json_credentials_file of profile 'app' is empty; set the path of the file, or remove the line"
    );
    assert_eq!(err.location().unwrap().to_string(), format!("{CONFIG}:2"));

    let config = world(
        &[(CONFIG, &format!("[profile app]\n{PROFILE_KEY} = {FILE}\n"))],
        &[],
        &clock(),
    );
    let err = expect_error(profile(&config, "app").provide_credentials().await, SECRETS);
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert_eq!(
        err.message(),
        format!(
            "the JSON credentials file {FILE} (json_credentials_file of profile 'app') does not \
             exist: create it, or fix json_credentials_file, or remove it"
        )
    );
    assert_eq!(err.location().unwrap().to_string(), format!("{CONFIG}:2"));

    let config = world(
        &[
            (CONFIG, &format!("[profile app]\n{PROFILE_KEY} = {FILE}\n")),
            (
                FILE,
                &format!("{{\"AccessKeyId\": \"ASIAJSON\", \"SecretAccessKey\": \"{SECRET}\""),
            ),
        ],
        &[],
        &clock(),
    );
    let err = expect_error(profile(&config, "app").provide_credentials().await, SECRETS);
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.message()
            .contains("ends in the middle of the JSON document"),
        "{err}"
    );
    assert_eq!(err.location().unwrap().to_string(), format!("{CONFIG}:2"));
}

#[test]
fn a_kind_the_sdks_know_wins_over_json_credentials_file() {
    let config_file = format!(
        "[profile both]\ncredential_process = /bin/false\n{PROFILE_KEY} = {FILE}\n\
         [profile keys]\naws_access_key_id = AKIDKEYS\naws_secret_access_key = {PROFILE_SECRET}\n{PROFILE_KEY} = {FILE}\n"
    );
    let config = world(&[(CONFIG, &config_file)], &[], &clock());
    creds_example_json_file::link();
    assert!(
        matches!(
            plan(&config, "both").base,
            ChainBase::Handler {
                handler: "process",
                ..
            }
        ),
        "credential_process, as the aws CLI reads the profile"
    );
    assert!(matches!(
        plan(&config, "keys").base,
        ChainBase::StaticKeys { .. }
    ));
}

#[tokio::test]
async fn a_json_profile_is_the_source_profile_of_a_role_chain() {
    let sts = TestServer::start().await;
    sts.route(Method::POST, "/", assumed("ASIAROLE", &after_t0(3600)));
    let config_file = format!(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = app\nendpoint_url = {}\n\
         [profile app]\n{PROFILE_KEY} = {FILE}\n",
        sts.url()
    );
    let file = document("ASIAJSON", Some(&after_t0(7200)));
    let config = world(&[(CONFIG, &config_file), (FILE, &file)], &[], &clock());

    let chain = plan(&config, "dev");
    assert_eq!(chain.profile_names(), ["dev", "app"]);
    assert!(matches!(
        &chain.base,
        ChainBase::Handler { handler: NAME, .. }
    ));

    let creds = expect_credentials(profile(&config, "dev").provide_credentials().await, SECRETS);
    assert_eq!(creds.access_key_id(), "ASIAROLE");
    // Signed with the file's keys.
    assert_eq!(sts.requests().len(), 1);
    assert_eq!(signer_of(&sts, 0), "ASIAJSON");
    assert_eq!(
        sts.requests()[0].header("x-amz-security-token"),
        Some(TOKEN)
    );
    let origin = creds.origin().unwrap();
    assert!(origin.contains("signed by ASIAJSON"), "{origin}");
    assert!(
        origin.contains(&format!("{FILE} (json_credentials_file of profile 'app'")),
        "{origin}"
    );
}

#[tokio::test]
async fn credential_source_json_credentials_file_is_the_file_of_the_variable() {
    capture_logs();
    let sts = TestServer::start().await;
    sts.route(Method::POST, "/", assumed("ASIAROLE", &after_t0(3600)));
    let config_file = format!(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\ncredential_source = {CREDENTIAL_SOURCE}\nendpoint_url = {}\n",
        sts.url()
    );
    let file = document("ASIAJSON", None);
    let files = [(CONFIG, config_file.as_str()), (FILE, file.as_str())];
    let config = world(&files, &[(ENV_VAR, FILE)], &clock());

    let chain = plan(&config, "dev");
    assert!(
        matches!(&chain.hops[0].via, HopSource::CredentialSource { name, .. } if name == CREDENTIAL_SOURCE)
    );
    let creds = expect_credentials(profile(&config, "dev").provide_credentials().await, SECRETS);
    assert_eq!(creds.access_key_id(), "ASIAROLE");
    assert_eq!(signer_of(&sts, 0), "ASIAJSON");

    // A profile that names the source must not resolve to nothing when it is absent:
    // the registry makes this crate's NotConfigured an InvalidConfig that names the
    // source, and creds-sts puts the hop's role before it (its wording is its own, so
    // only the role is checked of it).
    let config = world(&files, &[], &clock());
    let err = expect_error(profile(&config, "dev").provide_credentials().await, SECRETS);
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert_eq!(err.provider(), NAME);
    let message = err.message();
    assert!(
        message.contains("arn:aws:iam::123456789012:role/dev"),
        "{err}"
    );
    assert!(
        message.ends_with(
            "credential_source = JsonCredentialsFile, but JSON_CREDENTIALS_FILE is not set; set \
             that source up or choose another credential_source"
        ),
        "{err}"
    );
    // Nothing was sent for it.
    assert_eq!(sts.requests().len(), 1);
}
