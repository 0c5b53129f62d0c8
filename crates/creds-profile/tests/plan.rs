//! The planned role chain: hops, bases and locations, and errors identical to
//! `resolve_profile`'s.

use creds_core::{CredentialsError, Env, ErrorKind, Fs, ProvideCredentials, ProviderConfig};
use creds_profile::{ChainBase, HopSource, RoleChain, plan_profile, resolve_profile};

const SECRET: &str = "wJalrXUtnFEMI-PLAN-SECRET";
const TOKEN: &str = "IQoJb3JpZ2luX2VjE-PLAN-TOKEN";

fn config(config_file: &str, credentials_file: &str) -> ProviderConfig {
    ProviderConfig::empty()
        .with_env(Env::from_pairs([("HOME", "/home/me")]))
        .with_fs(Fs::from_files([
            ("/home/me/.aws/config", config_file),
            ("/home/me/.aws/credentials", credentials_file),
        ]))
}

fn plan(config: &ProviderConfig, name: &str) -> Result<RoleChain, CredentialsError> {
    plan_profile(config, &config.profile_set().unwrap(), name)
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

fn at(file: &str, line: u32) -> String {
    format!("/home/me/.aws/{file}:{line}")
}

#[test]
fn a_three_hop_chain_across_both_files_with_locations() {
    let cfg = config(
        "[profile dev]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = ops\n\
         [profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = audit\n\
         [profile audit]\nrole_arn = arn:aws:iam::123456789012:role/audit\nsource_profile = base\n",
        &format!(
            "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"
        ),
    );
    let chain = plan(&cfg, "dev").unwrap();
    assert_eq!(chain.profile_names(), ["dev", "ops", "audit", "base"]);
    let hops: Vec<_> = chain
        .hops
        .iter()
        .map(|hop| {
            let HopSource::SourceProfile { name, location, .. } = &hop.via else {
                panic!("{hop:?}");
            };
            (
                hop.profile.as_str(),
                hop.role_arn.as_str(),
                hop.location.to_string(),
                name.as_str(),
                location.to_string(),
            )
        })
        .collect();
    assert_eq!(
        hops,
        [
            (
                "dev",
                "arn:aws:iam::123456789012:role/dev",
                at("config", 3),
                "ops",
                at("config", 4)
            ),
            (
                "ops",
                "arn:aws:iam::123456789012:role/ops",
                at("config", 6),
                "audit",
                at("config", 7)
            ),
            (
                "audit",
                "arn:aws:iam::123456789012:role/audit",
                at("config", 9),
                "base",
                at("config", 10)
            ),
        ]
    );
    let ChainBase::StaticKeys {
        profile,
        access_key_id,
        location,
        ..
    } = &chain.base
    else {
        panic!("{:?}", chain.base);
    };
    assert_eq!(profile, "base");
    assert_eq!(access_key_id.as_deref(), Some("AKIDBASE"));
    assert_eq!(location.to_string(), at("credentials", 2));
    assert_eq!(chain.base.location().to_string(), at("credentials", 2));

    // No secret, whatever way it is printed.
    let debug = format!("{chain:?} {chain:#?}");
    assert!(!debug.contains(SECRET) && !debug.contains(TOKEN), "{debug}");

    // The resolved chain is the planned one, hop for hop.
    let profiles = cfg.profile_set().unwrap();
    let provider = resolve_profile(&cfg, &profiles, "dev").unwrap();
    let creds = block_on(provider.provide_credentials()).unwrap();
    assert_eq!(
        creds.access_key_id(),
        "arn:aws:iam::123456789012:role/dev<-arn:aws:iam::123456789012:role/ops<-\
         arn:aws:iam::123456789012:role/audit<-AKIDBASE"
    );
}

#[test]
fn a_profile_with_its_own_keys_has_no_hops() {
    let cfg = config(
        "",
        &format!("[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = {SECRET}\n"),
    );
    let chain = plan(&cfg, "work").unwrap();
    assert!(chain.hops.is_empty());
    assert_eq!(chain.profile_names(), ["work"]);
    assert!(
        matches!(&chain.base, ChainBase::StaticKeys { access_key_id: Some(id), .. } if id == "AKIDWORK")
    );
}

#[test]
fn static_keys_end_the_chain_after_the_first_hop_and_on_self_reference() {
    let cfg = config(
        "[profile top]\nrole_arn = arn:top\nsource_profile = middle\naws_access_key_id = TOPKEYS\naws_secret_access_key = s\n\
         [profile middle]\nrole_arn = arn:middle\nsource_profile = base\naws_access_key_id = MIDDLE\naws_secret_access_key = s\n\
         [profile base]\naws_access_key_id = BASE\naws_secret_access_key = s\n\
         [profile me]\nrole_arn = arn:me\nsource_profile = me\naws_access_key_id = MINE\naws_secret_access_key = s\n",
        "",
    );
    let chain = plan(&cfg, "top").unwrap();
    assert_eq!(chain.profile_names(), ["top", "middle"]);
    assert!(
        matches!(&chain.base, ChainBase::StaticKeys { access_key_id: Some(id), .. } if id == "MIDDLE")
    );
    let chain = plan(&cfg, "me").unwrap();
    assert_eq!(chain.profile_names(), ["me", "me"]);
    assert_eq!(chain.base.location().line(), 17);
}

#[test]
fn a_credential_source_base() {
    let cfg = config(
        "[profile dev]\nrole_arn = arn:dev\nsource_profile = r\n\
         [profile r]\nrole_arn = arn:r\ncredential_source = Ec2InstanceMetadata\n",
        "",
    );
    let chain = plan(&cfg, "dev").unwrap();
    assert_eq!(chain.profile_names(), ["dev", "r"]);
    assert!(
        matches!(&chain.hops[1].via, HopSource::CredentialSource { name, location, .. } if name == "Ec2InstanceMetadata" && location.line() == 6)
    );
    let ChainBase::CredentialSource { name, location, .. } = &chain.base else {
        panic!("{:?}", chain.base);
    };
    assert_eq!(name, "Ec2InstanceMetadata");
    assert_eq!(location.to_string(), at("config", 6));
    assert_eq!(chain.base.profile(), None);
    // Planned even though no crate serves it here; building names the crate.
    let err = resolve_profile(&cfg, &cfg.profile_set().unwrap(), "dev").unwrap_err();
    assert!(err.to_string().contains("creds-imds"), "{err}");
}

#[test]
fn a_base_claimed_by_a_registered_handler() {
    // `fake-kind` is registered by this test binary (tests/fakes.rs).
    let cfg = config(
        "[profile fakerole]\nrole_arn = arn:f\nsource_profile = fake\n[profile fake]\nfake_kind = yes\n",
        "",
    );
    let chain = plan(&cfg, "fakerole").unwrap();
    assert_eq!(chain.profile_names(), ["fakerole", "fake"]);
    let ChainBase::Handler {
        profile,
        handler,
        location,
        ..
    } = &chain.base
    else {
        panic!("{:?}", chain.base);
    };
    assert_eq!((profile.as_str(), *handler), ("fake", "fake-kind"));
    assert_eq!(location.to_string(), at("config", 4));
}

#[test]
fn what_only_building_finds_is_planned() {
    let cfg = config(
        "[profile r]\nrole_arn = arn:r\nsource_profile = half\n\
         [profile typo]\nrole_arn = arn:t\ncredential_source = Environmnet\n",
        &format!("[half]\naws_secret_access_key = {SECRET}\n"),
    );
    let chain = plan(&cfg, "r").unwrap();
    let ChainBase::StaticKeys {
        access_key_id,
        location,
        ..
    } = &chain.base
    else {
        panic!("{:?}", chain.base);
    };
    assert_eq!(*access_key_id, None);
    assert_eq!(location.to_string(), at("credentials", 2));
    assert!(!format!("{chain:?}").contains(SECRET));
    assert!(
        matches!(&plan(&cfg, "typo").unwrap().base, ChainBase::CredentialSource { name, .. } if name == "Environmnet")
    );
    let profiles = cfg.profile_set().unwrap();
    for name in ["r", "typo"] {
        assert_eq!(
            resolve_profile(&cfg, &profiles, name).unwrap_err().kind(),
            ErrorKind::InvalidConfig
        );
    }
}

#[test]
fn errors_are_resolve_profiles() {
    let cfg = config(
        "[profile a]\nrole_arn = arn:a\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:b\nsource_profile = c\n\
         [profile c]\nrole_arn = arn:c\nsource_profile = a\n\
         [profile selfish]\nrole_arn = arn:s\nsource_profile = selfish\n\
         [profile both]\nrole_arn = arn:b\ncredential_source = Environment\nsource_profile = a\n\
         [profile lonely]\nrole_arn = arn:l\n\
         [profile ghostly]\nrole_arn = arn:g\nsource_profile = ghost\n\
         [profile hollow]\nrole_arn = arn:h\nsource_profile = empty\n\
         [profile empty]\nregion = x\n\
         [profile proc]\ncredential_process = /bin/echo\n\
         [profile sso]\nrole_arn = arn:s\nsource_profile = ssobase\n\
         [profile ssobase]\nsso_session = corp\n",
        "",
    );
    let profiles = cfg.profile_set().unwrap();
    for (name, needle) in [
        ("a", "the role chain loops: a -> b -> c -> a"),
        ("selfish", "selfish -> selfish"),
        ("both", "both source_profile and credential_source"),
        ("lonely", "no source_profile"),
        (
            "ghostly",
            "source_profile 'ghost' of profile 'ghostly' does not exist",
        ),
        ("hollow", "but a role chain uses it as source_profile"),
        ("empty", "holds no credentials"),
        ("proc", "creds-process"),
        ("sso", "creds-sso"),
        ("nope", "the profiles are: a, b, both"),
    ] {
        let planned = plan_profile(&cfg, &profiles, name).unwrap_err();
        let resolved = resolve_profile(&cfg, &profiles, name).unwrap_err();
        assert!(planned.to_string().contains(needle), "{name}: {planned}");
        assert_eq!(planned.to_string(), resolved.to_string(), "{name}");
        assert_eq!(planned.kind(), resolved.kind(), "{name}");
        assert_eq!(planned.location(), resolved.location(), "{name}");
    }
    // The default profile missing moves the chain on, planned or resolved.
    let err = plan_profile(&cfg, &profiles, "default").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotConfigured);
}
