//! Which crate handles which kind of profile, to name the crate and feature to enable
//! when a profile needs one that is not linked.

use creds_core::profile::Profile;

/// A kind of profile that a provider crate handles.
pub(crate) struct Kind {
    /// What the profile is, for the message.
    pub(crate) what: &'static str,
    /// The property that marks it.
    pub(crate) key: &'static str,
    /// The crate that handles it.
    pub(crate) krate: &'static str,
    /// The `creds` feature that links that crate.
    pub(crate) feature: &'static str,
}

// `login_session` before `sso_session`: an `aws login` profile may name an SSO session.
const KINDS: &[Kind] = &[
    Kind {
        what: "a credential_process profile",
        key: "credential_process",
        krate: "creds-process",
        feature: "process",
    },
    Kind {
        what: "an `aws login` profile",
        key: "login_session",
        krate: "creds-login",
        feature: "login",
    },
    Kind {
        what: "an SSO profile",
        key: "sso_session",
        krate: "creds-sso",
        feature: "sso",
    },
    Kind {
        what: "an SSO profile",
        key: "sso_start_url",
        krate: "creds-sso",
        feature: "sso",
    },
    Kind {
        what: "an SSO profile",
        key: "sso_account_id",
        krate: "creds-sso",
        feature: "sso",
    },
    Kind {
        what: "an SSO profile",
        key: "sso_role_name",
        krate: "creds-sso",
        feature: "sso",
    },
    Kind {
        what: "a web identity profile",
        key: "web_identity_token_file",
        krate: "creds-sts",
        feature: "sts",
    },
];

/// The first known kind whose marking property `profile` has.
pub(crate) fn known_kind(profile: &Profile) -> Option<&'static Kind> {
    KINDS
        .iter()
        .find(|kind| profile.property(kind.key).is_some())
}

/// The crate and feature behind a named `credential_source`.
pub(crate) fn credential_source_crate(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "Environment" => Some(("creds-env", "env")),
        "EcsContainer" => Some(("creds-container", "container")),
        "Ec2InstanceMetadata" => Some(("creds-imds", "imds")),
        _ => None,
    }
}

/// The names `credential_source` accepts, for messages.
pub(crate) const CREDENTIAL_SOURCES: &str = "Environment, EcsContainer or Ec2InstanceMetadata";
