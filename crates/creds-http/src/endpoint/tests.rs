//! Every step of the endpoint and region orders.

use creds_core::{ErrorKind, Fs};

use super::*;

const HOME: &str = "/home/me";

fn world(env: &[(&str, &str)], config_file: &str) -> ProviderConfig {
    let mut vars = vec![("HOME", HOME)];
    vars.extend_from_slice(env);
    ProviderConfig::empty()
        .with_env(Env::from_pairs(vars))
        .with_fs(Fs::from_files([(
            format!("{HOME}/.aws/config"),
            config_file,
        )]))
}

/// A config file where every file-based step names its own endpoint.
const EVERY_STEP: &str = "\
[default]
services = local
endpoint_url = http://profile-global:1
[services local]
sts =
  endpoint_url = http://services-sts:2/
sso =
  region = nowhere
";

const ALL_VARS: &[(&str, &str)] = &[
    ("AWS_ENDPOINT_URL_STS", "http://env-sts:3"),
    ("AWS_ENDPOINT_URL", "http://env-global:4"),
];

fn sts(config: &ProviderConfig) -> Option<String> {
    resolve_endpoint(config, Service::STS).unwrap()
}

#[test]
fn service_variable_comes_first() {
    assert_eq!(
        sts(&world(ALL_VARS, EVERY_STEP)).as_deref(),
        Some("http://env-sts:3")
    );
}

#[test]
fn then_the_global_variable() {
    let config = world(&ALL_VARS[1..], EVERY_STEP);
    assert_eq!(sts(&config).as_deref(), Some("http://env-global:4"));
    // Another service's variable does not count.
    let config = world(&[("AWS_ENDPOINT_URL_SSO", "http://sso:5")], EVERY_STEP);
    assert_eq!(sts(&config).as_deref(), Some("http://services-sts:2"));
}

#[test]
fn then_the_services_section() {
    assert_eq!(
        sts(&world(&[], EVERY_STEP)).as_deref(),
        Some("http://services-sts:2")
    );
}

#[test]
fn then_the_profile_endpoint_url() {
    // The services section has no endpoint_url for sso.
    let config = world(&[], EVERY_STEP);
    assert_eq!(
        resolve_endpoint(&config, Service::SSO).unwrap().as_deref(),
        Some("http://profile-global:1")
    );
    // Nor any entry for cognito.
    assert_eq!(
        resolve_endpoint(&config, Service::COGNITO_IDENTITY)
            .unwrap()
            .as_deref(),
        Some("http://profile-global:1")
    );
}

#[test]
fn else_none() {
    assert_eq!(sts(&world(&[], "")), None);
    assert_eq!(sts(&world(&[], "[default]\nregion = x\n")), None);
    // A `services` naming a missing section is no endpoint.
    assert_eq!(sts(&world(&[], "[default]\nservices = gone\n")), None);
    // Blank values count as unset.
    let config = world(
        &[("AWS_ENDPOINT_URL_STS", " "), ("AWS_ENDPOINT_URL", "")],
        "[default]\nendpoint_url =\n",
    );
    assert_eq!(sts(&config), None);
}

#[test]
fn ignore_setting_comes_before_everything() {
    let env_true = [ALL_VARS, &[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE")]].concat();
    assert_eq!(sts(&world(&env_true, EVERY_STEP)), None);
    let profile_true = format!("{EVERY_STEP}[profile x]\n");
    let profile_true = profile_true.replace(
        "[default]\n",
        "[default]\nignore_configured_endpoint_urls = true\n",
    );
    assert_eq!(sts(&world(ALL_VARS, &profile_true)), None);
    // The variable wins over the profile, both ways.
    let env_false = [
        ALL_VARS,
        &[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")],
    ]
    .concat();
    assert_eq!(
        sts(&world(&env_false, &profile_true)).as_deref(),
        Some("http://env-sts:3")
    );
}

#[test]
fn invalid_settings_are_errors_with_their_place() {
    let err = resolve_endpoint(
        &world(&[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "yes")], ""),
        Service::STS,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.message()
            .contains("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"),
        "{err}"
    );

    let err = resolve_endpoint(
        &world(&[], "[default]\nignore_configured_endpoint_urls = 1\n"),
        Service::STS,
    )
    .unwrap_err();
    assert_eq!(err.location().unwrap().line(), 2);

    let err = resolve_endpoint(
        &world(&[("AWS_ENDPOINT_URL_STS", "ftp://x")], ""),
        Service::STS,
    )
    .unwrap_err();
    assert!(err.message().starts_with("AWS_ENDPOINT_URL_STS "), "{err}");

    let err = resolve_endpoint(
        &world(
            &[],
            "[default]\nservices = s\n[services s]\nsts =\n  endpoint_url = not a url\n",
        ),
        Service::STS,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert_eq!(err.location().unwrap().line(), 4);
    assert!(!err.to_string().contains("not a url"), "{err}");

    let err = resolve_endpoint(
        &world(&[], "[default]\nendpoint_url = localhost:4566\n"),
        Service::STS,
    )
    .unwrap_err();
    assert_eq!(err.location().unwrap().line(), 2);
}

#[test]
fn the_selected_or_a_named_profile() {
    let file =
        "[default]\nendpoint_url = http://default:1\n[profile dev]\nendpoint_url = http://dev:2\n";
    let config = world(&[("AWS_PROFILE", "dev")], file);
    assert_eq!(sts(&config).as_deref(), Some("http://dev:2"));
    assert_eq!(
        resolve_endpoint_for_profile(&config, "default", Service::STS)
            .unwrap()
            .as_deref(),
        Some("http://default:1")
    );
    assert_eq!(
        resolve_endpoint_for_profile(&config, "missing", Service::STS).unwrap(),
        None
    );
}

#[test]
fn service_constants() {
    assert_eq!(Service::SSO_OIDC.env_suffix, "SSO_OIDC");
    assert_eq!(Service::SSO_OIDC.config_key, "sso_oidc");
    assert_eq!(Service::COGNITO_IDENTITY.env_suffix, "COGNITO_IDENTITY");
    assert_eq!(Service::SIGNIN.config_key, "signin");
    let config = world(&[("AWS_ENDPOINT_URL_SSO_OIDC", "http://oidc:1")], "");
    assert_eq!(
        resolve_endpoint(&config, Service::SSO_OIDC)
            .unwrap()
            .as_deref(),
        Some("http://oidc:1")
    );
}

// Region: explicit, profile, caller, AWS_REGION, AWS_DEFAULT_REGION, us-east-1.

const REGION_FILE: &str = "[default]\nregion = profile-1\n[profile other]\nregion = other-1\n";
const REGION_VARS: &[(&str, &str)] = &[
    ("AWS_REGION", "env-1"),
    ("AWS_DEFAULT_REGION", "default-env-1"),
];

#[test]
fn region_explicit_first() {
    let config = world(REGION_VARS, REGION_FILE);
    assert_eq!(
        resolve_region(&config, Some("explicit-1"), Some("caller-1")),
        "explicit-1"
    );
}

#[test]
fn region_then_profile() {
    let config = world(REGION_VARS, REGION_FILE);
    assert_eq!(resolve_region(&config, None, Some("caller-1")), "profile-1");
    assert_eq!(
        resolve_region(&config, Some("  "), Some("caller-1")),
        "profile-1"
    );
    assert_eq!(
        resolve_region_for_profile(&config, "other", None, Some("caller-1")),
        "other-1"
    );
}

#[test]
fn region_then_caller() {
    let config = world(REGION_VARS, "");
    assert_eq!(resolve_region(&config, None, Some("caller-1")), "caller-1");
}

#[test]
fn region_then_aws_region() {
    let config = world(REGION_VARS, "[default]\nregion =\n");
    assert_eq!(resolve_region(&config, None, None), "env-1");
}

#[test]
fn region_then_aws_default_region() {
    let config = world(&REGION_VARS[1..], "");
    assert_eq!(resolve_region(&config, None, Some("")), "default-env-1");
}

#[test]
fn region_else_us_east_1() {
    assert_eq!(resolve_region(&world(&[], ""), None, None), "us-east-1");
    // Unreadable files are skipped here.
    let broken = world(&[], "[default\nregion = x\n");
    assert_eq!(resolve_region(&broken, None, None), "us-east-1");
}

#[test]
fn regional_defaults_by_partition() {
    assert_eq!(
        regional_default("sts", "eu-west-1").unwrap(),
        "https://sts.eu-west-1.amazonaws.com"
    );
    assert_eq!(
        regional_default("sts", "cn-north-1").unwrap(),
        "https://sts.cn-north-1.amazonaws.com.cn"
    );
    assert_eq!(
        regional_default("portal.sso", "us-gov-west-1").unwrap(),
        "https://portal.sso.us-gov-west-1.amazonaws.com"
    );
    assert_eq!(
        regional_default("sts", "us-iso-east-1").unwrap(),
        "https://sts.us-iso-east-1.c2s.ic.gov"
    );
    assert_eq!(
        regional_default("sts", "us-isob-east-1").unwrap(),
        "https://sts.us-isob-east-1.sc2s.sgov.gov"
    );
    for bad in ["", "evil.com/", "us-east-1.attacker.example", "-x", "a b"] {
        let err = regional_default("sts", bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{bad}");
    }
}
