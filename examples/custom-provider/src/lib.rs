//! An example third-party provider for `creds`: credentials from a JSON file that
//! another program keeps fresh (a sidecar, a vault agent, a cron job running
//! `creds export > file`), read again whenever the file changes.
//!
//! It is written as a crate outside the `creds` workspace would be: it depends on
//! `creds-core` only (and on `creds-cli` for its binary), and joins `creds` through the
//! registry, with no change to any `creds` crate. Read it beside the guide for provider
//! authors in the `creds` crate (`creds::guide::authors`).
//!
//! - [`JsonFileProvider`]: the provider. It reads through the
//!   [`ProviderConfig`](creds_core::ProviderConfig)'s
//!   [`Fs`](creds_core::Fs), [`Env`](creds_core::Env) and clock, so its tests run in an
//!   in-memory world, and it sits behind the `creds` cache for expiry.
//! - In the **default chain** at [`ORDER`] (`order::ENVIRONMENT + 50`: after the
//!   environment keys, before the shared files; the docs of [`ORDER`] say why), when
//!   [`ENV_VAR`] (`JSON_CREDENTIALS_FILE`) names the file.
//! - In **profiles**: `json_credentials_file = PATH` ([`PROFILE_KEY`]), claimed by a
//!   profile handler of [`PRIORITY`] (`priority::PROCESS + 100`: after every handler of
//!   `creds`), so such a profile can also be a role chain's `source_profile`.
//! - As a **`credential_source`** of role profiles: `credential_source =
//!   JsonCredentialsFile` ([`CREDENTIAL_SOURCE`]), the file [`ENV_VAR`] names.
//! - **`creds-json`** (feature `cli`, on by default): the `creds` command line tool
//!   with this crate linked, three lines that call `creds_cli::main`. `creds-json
//!   explain` lists `json-file` in the chain; `creds-json export` prints its keys.
//!
//! ```text
//! $ creds export > /run/app/creds.json        # or any program that writes the file
//! $ JSON_CREDENTIALS_FILE=/run/app/creds.json creds-json explain
//! sources, in chain order:
//!   1. environment  not configured ...
//!   2. json-file    found          ...  access key id ASIA..., from /run/app/creds.json (JSON_CREDENTIALS_FILE)
//!   3. profile      not tried      ...
//! ```
//!
//! # Example
//!
//! The default chain of a program that links this crate, in a world of its own:
//!
//! ```
//! use creds_core::{CredentialsChain, Env, Fs, ProviderConfig};
//!
//! creds_example_json_file::link();
//! let config = ProviderConfig::empty()
//!     .with_env(Env::from_pairs([("JSON_CREDENTIALS_FILE", "/run/creds.json")]))
//!     .with_fs(Fs::from_files([(
//!         "/run/creds.json",
//!         r#"{"AccessKeyId": "ASIAJSON", "SecretAccessKey": "json-secret",
//!             "SessionToken": "json-token", "Expiration": "2999-01-01T00:00:00Z"}"#,
//!     )]));
//! let chain = CredentialsChain::from_registry(&config);
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let (creds, trace) = chain.provide_traced().await;
//! let creds = creds.unwrap();
//! assert_eq!(creds.access_key_id(), "ASIAJSON");
//! assert_eq!(trace.entries().last().unwrap().provider, "json-file");
//! assert!(!format!("{creds:?} {trace:?}").contains("json-secret"));
//! # });
//! ```
//!
//! # Features
//!
//! - `cli` (default): the `creds-json` binary, and the dependency on `creds-cli` it
//!   needs. A program that only wants the provider turns it off.
//!
//! # Publishing a provider crate of your own
//!
//! Copy this crate and change what it reads; keep how it joins `creds`. The README
//! has the manifests whole.
//!
//! - **Depend on `creds-core`** (`creds-core = "0.1"`, with `features = ["json"]` for
//!   [`creds_core::document`]), never on the `creds` facade, and register with its
//!   re-exported [`inventory`](creds_core::inventory). The registry is a static of
//!   `creds-core`: your crate must resolve to the same `creds-core` as the program's
//!   `creds` (the same `0.x` minor version), or it registers into a second registry
//!   that nothing reads and its provider is silently missing.
//! - **Names unique, places explicit**: a provider, handler and `credential_source`
//!   name that no other crate uses (a second registration of a name fails the
//!   default chain and every profile, naming both crates), and an order or priority
//!   relative to [`order`](creds_core::registry::order) and
//!   [`priority`](creds_core::registry::priority), checked by a `const` assertion, as
//!   [`ORDER`] and [`PRIORITY`] are.
//! - **A [`link`] function**, and docs that tell programs to call it: a dependency
//!   that a program never names in its code is not linked, and its registrations are
//!   missing without a word.
//! - **Tests against fakes**: the in-memory [`Env`](creds_core::Env),
//!   [`Fs`](creds_core::Fs) and [`ManualClock`](creds_core::ManualClock) of
//!   `creds-core`, `creds` as a dev-dependency for the default chain and profiles,
//!   and, for loopback servers, `creds-testkit`, which is not on crates.io: a git
//!   dev-dependency without a version (`cargo publish` leaves it out), with
//!   `creds-core` and `creds` patched to the same revision.
//! - **A `creds` of your own**, if you like: an optional `creds-cli` behind a feature
//!   and a binary that calls [`link`] and `creds_cli::main()`. Name it `creds` in
//!   your package; this one is `creds-json` only because it shares a target directory
//!   with the workspace's `creds`.
//! - Then drop `publish = false`, give the package its own version, license and
//!   repository instead of the workspace's, replace the `path` dependencies by
//!   versions and run `cargo publish --dry-run`.

mod provider;
mod registration;

pub use provider::{ENV_VAR, JsonFileProvider, MAX_FILE_BYTES, NAME, RECHECK_AFTER};
pub use registration::{CREDENTIAL_SOURCE, ORDER, PRIORITY, PROFILE_KEY, link};
