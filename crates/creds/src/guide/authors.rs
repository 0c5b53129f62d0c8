//! A guide for provider authors: how a crate of your own joins `creds`.
//!
//! A provider crate adds a source of credentials without a change to any `creds`
//! crate. It depends on `creds-core` (here re-exported as [`creds::core`](crate::core))
//! and registers plain values in the [registry](crate::core::registry):
//!
//! | registration | what it adds | placed by |
//! | --- | --- | --- |
//! | [`ProviderFactory`] | an entry of the default chain | its [`order`] |
//! | [`ProfileHandler`] | a kind of profile of the shared files, also as a role chain's `source_profile` | its [`priority`] |
//! | [`CredentialSource`] | a `credential_source = Name` for role profiles | its name |
//!
//! (A [`RoleAssumer`] is `creds-sts`'s alone: any two of them conflict.)
//!
//! `examples/custom-provider` in the workspace
//! (<https://github.com/creds-rs/creds/tree/main/examples/custom-provider>) is a whole
//! provider crate, made to be copied: a JSON-file provider with all three
//! registrations, a `creds` binary of its own, tests of each, and a README that says
//! how to publish such a crate.
//!
//! # A provider crate in one page
//!
//! ```rust,standalone_crate
//! # #[cfg(all(feature = "env", feature = "profile"))] {
//! use std::sync::Arc;
//!
//! use creds::core::inventory;
//! use creds::core::registry::{ProviderFactory, order};
//! use creds::{
//!     Credentials, CredentialsError, Env, Outcome, ProvideCredentials, ProvideFuture,
//!     ProviderConfig, SharedProvider,
//! };
//!
//! /// In the chain, in `creds explain`, in errors, on the credentials it gives.
//! pub const NAME: &str = "acme-vault";
//!
//! /// After the environment keys, before the shared files.
//! pub const ORDER: u32 = order::ENVIRONMENT + 50;
//! const _: () = assert!(order::ENVIRONMENT < ORDER && ORDER < order::PROFILE);
//! # assert_eq!(
//! #     [order::ENVIRONMENT, order::PROFILE, order::WEB_IDENTITY, order::CONTAINER, order::INSTANCE_METADATA],
//! #     [100, 200, 300, 400, 500],
//! #     "the table of the guide"
//! # );
//!
//! /// Credentials from the Acme vault (here, for the example, from two variables).
//! #[derive(Debug)]
//! pub struct AcmeVaultProvider {
//!     config: ProviderConfig,
//! }
//!
//! impl AcmeVaultProvider {
//!     fn fetch(&self) -> Result<Credentials, CredentialsError> {
//!         let env = self.config.env();
//!         let id = env.get_non_blank("ACME_KEY_ID");
//!         let (Some(id), Some(secret)) = (id, env.get_non_blank("ACME_SECRET")) else {
//!             // Absent: the chain goes on, and `creds explain` shows this reason.
//!             return Err(CredentialsError::not_configured(NAME, "ACME_KEY_ID is not set"));
//!         };
//!         Ok(Credentials::builder()
//!             .access_key_id(id)
//!             .secret_access_key(secret)
//!             .provider_name(NAME)
//!             .origin("ACME_KEY_ID")
//!             .build())
//!     }
//! }
//!
//! impl ProvideCredentials for AcmeVaultProvider {
//!     fn provide_credentials(&self) -> ProvideFuture<'_> {
//!         Box::pin(std::future::ready(self.fetch()))
//!     }
//!
//!     fn name(&self) -> &'static str {
//!         NAME
//!     }
//! }
//!
//! fn default_chain_entry(config: &ProviderConfig) -> Option<SharedProvider> {
//!     Some(Arc::new(AcmeVaultProvider { config: config.clone() }))
//! }
//!
//! inventory::submit! { ProviderFactory::new(NAME, ORDER, default_chain_entry) }
//!
//! /// Links this crate into the program that calls it, and with it its registrations.
//! pub fn link() {
//!     std::hint::black_box(default_chain_entry as fn(&ProviderConfig) -> Option<SharedProvider>);
//! }
//!
//! // The program (or its test): link the crate, and its provider is in the default chain.
//! link();
//! let linked = creds::linked_providers();
//! assert_eq!(&linked[..3], ["environment", NAME, "profile"]);
//!
//! let config = ProviderConfig::empty().with_env(Env::from_pairs([
//!     ("ACME_KEY_ID", "AKIDACME"),
//!     ("ACME_SECRET", "acme-secret"),
//!     ("AWS_EC2_METADATA_DISABLED", "true"),
//! ]));
//! let chain = creds::DefaultChain::builder().config(config).build_chain();
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let (result, trace) = chain.provide_traced().await;
//! assert_eq!(result.unwrap().provider_name(), NAME);
//! assert!(matches!(trace.entries()[0].outcome, Outcome::NotConfigured(_)));
//! assert!(matches!(trace.entries()[1].outcome, Outcome::Found(_)));
//! # });
//! # }
//! ```
//!
//! (`standalone_crate`: a registration holds for the whole test binary, so examples
//! that register are kept out of the doctests merged into one.)
//!
//! # Where in the chain: `order`
//!
//! The default chain is every linked [`ProviderFactory`] sorted by its order, then by
//! name; lower goes first. The constants of [`order`] are the SDKs' chain, with gaps:
//!
//! | constant | value | source |
//! | --- | --- | --- |
//! | [`order::ENVIRONMENT`] | 100 | `AWS_ACCESS_KEY_ID` and friends |
//! | [`order::PROFILE`] | 200 | the shared config and credentials files |
//! | [`order::WEB_IDENTITY`] | 300 | `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN` |
//! | [`order::CONTAINER`] | 400 | ECS, EKS, any container credentials endpoint |
//! | [`order::INSTANCE_METADATA`] | 500 | EC2 instance metadata: always last |
//!
//! Choose the place from how specific your source is: the more a setting belongs to
//! one process, the earlier it goes, and every program of the machine should get the
//! identity the AWS CLI and the SDKs would give it when your source is not set up.
//!
//! - **Not before `ENVIRONMENT`.** Keys in the environment come first in every SDK; a
//!   source before them would give a program another identity than every other tool.
//! - **Between `ENVIRONMENT` and `PROFILE`** for a source that a variable of the
//!   process turns on (the example's `JSON_CREDENTIALS_FILE`): after the shared files,
//!   a `default` profile would always shadow it.
//! - **Between `PROFILE` and `INSTANCE_METADATA`** for what the machine offers any
//!   program (an agent, a local endpoint), as the container endpoint is.
//! - **Not after `INSTANCE_METADATA`**: off EC2 its answer can take a second to time
//!   out, and it is meant to be the last resort.
//!
//! Write the order as an offset from a constant (`order::ENVIRONMENT + 50`), leave
//! gaps on both sides for other crates, check it with a `const` assertion as above,
//! and never share an order with another entry (a tie is broken by name, which is
//! deterministic but nobody's choice).
//!
//! A factory's `build` runs when a chain is built; it should do no I/O. Returning
//! `None` leaves the provider out of that chain (the environment provider and the
//! example sit out when the program names a profile explicitly, which means "use that
//! profile"); a source that is merely absent should rather be in the chain and answer
//! `NotConfigured` at each fetch, so that `creds explain` says why it was passed over.
//!
//! # Which kind of profile: `priority`
//!
//! The profile provider (`creds-profile`) resolves the selected profile hop by hop. A
//! profile with `role_arn` is a hop, assumed by `creds-sts`; the profile at the end of
//! the chain (or the selected one, when it sets no role) is its base: the
//! `credential_source` of the last hop, or static keys if the profile has any (they
//! win before any handler is asked), or else the first [`ProfileHandler`], by
//! priority then name, whose `claims` says yes. So a profile your handler claims can
//! also be a role chain's `source_profile`.
//!
//! | constant | value | handler |
//! | --- | --- | --- |
//! | [`priority::WEB_IDENTITY`] | 200 | `web_identity_token_file` (creds-sts) |
//! | [`priority::SSO`] | 300 | `sso_session`, `sso_start_url` (creds-sso) |
//! | [`priority::LOGIN`] | 350 | `login_session` (creds-login) |
//! | [`priority::PROCESS`] | 400 | `credential_process` (creds-process) |
//!
//! Priority matters only for a profile that two handlers claim. For a key that the
//! AWS CLI and the SDKs do not know, go after every `creds` handler
//! (`priority::PROCESS + 100`, as the example does): a profile that also sets
//! `credential_process` or `sso_session` means that to every other tool, and must
//! mean it here too. Claim a profile when your key is present, even empty, and report
//! an empty or wrong value as [`InvalidConfig`](crate::ErrorKind::InvalidConfig) at the
//! property's line:
//!
//! ```rust,standalone_crate
//! # #[cfg(feature = "profile")] {
//! use std::sync::Arc;
//!
//! use creds::core::inventory;
//! use creds::core::profile::{Profile, ProfileSet};
//! use creds::core::registry::{ProfileHandler, priority};
//! use creds::{
//!     Credentials, CredentialsError, Env, ErrorKind, Fs, ProvideCredentials, ProviderConfig,
//!     SharedProvider,
//! };
//!
//! const NAME: &str = "acme-vault";
//! const KEY: &str = "acme_vault_path";
//! const PRIORITY: u32 = priority::PROCESS + 100;
//! const _: () = assert!(priority::PROCESS < PRIORITY);
//! # assert_eq!(
//! #     [priority::WEB_IDENTITY, priority::SSO, priority::LOGIN, priority::PROCESS],
//! #     [200, 300, 350, 400],
//! #     "the table of the guide"
//! # );
//!
//! fn claims(profile: &Profile) -> bool {
//!     profile.property(KEY).is_some()
//! }
//!
//! fn build(
//!     _config: &ProviderConfig,
//!     _profiles: &ProfileSet,
//!     profile: &Profile,
//! ) -> Result<SharedProvider, CredentialsError> {
//!     let Some(path) = profile.property(KEY) else {
//!         let message = format!("profile '{}' has no {KEY}", profile.name());
//!         return Err(CredentialsError::not_configured(NAME, message));
//!     };
//!     if path.value().trim().is_empty() {
//!         let message = format!(
//!             "{KEY} of profile '{}' is empty; set the path of the secret, or remove the line",
//!             profile.name()
//!         );
//!         return Err(CredentialsError::invalid_config(NAME, message)
//!             .with_location(path.location().clone()));
//!     }
//!     // A real handler returns its provider, which reads the vault at each fetch.
//!     Ok(Arc::new(Credentials::from_keys("AKIDACME", "acme-secret", NAME)))
//! }
//!
//! inventory::submit! { ProfileHandler::new(NAME, PRIORITY, claims, build) }
//!
//! let config = ProviderConfig::empty()
//!     .with_env(Env::from_pairs([("HOME", "/home/me")]))
//!     .with_fs(Fs::from_files([(
//!         "/home/me/.aws/config",
//!         "[profile app]\nacme_vault_path = aws/app\n[profile blank]\nacme_vault_path =\n",
//!     )]));
//! let profile = |name: &str| {
//!     creds::ProfileProvider::builder().config(config.clone()).profile_name(name).build()
//! };
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let creds = profile("app").provide_credentials().await.unwrap();
//! assert_eq!(creds.provider_name(), NAME);
//! let err = profile("blank").provide_credentials().await.unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::InvalidConfig);
//! assert_eq!(err.location().unwrap().to_string(), "/home/me/.aws/config:4");
//! # });
//! # }
//! ```
//!
//! [`plan_profile`](crate::plan_profile) says which handler claims a profile without
//! building anything: a test of the priority you chose.
//!
//! A [`CredentialSource`] answers `credential_source = Name` (matched exactly, as the
//! SDKs match it) with the provider its `build` returns, usually the same as its
//! default chain entry. The registry wraps it: there, `NotConfigured` becomes
//! `InvalidConfig` ("credential_source = Name, but ...; set that source up or choose
//! another credential_source"), since a profile that names a source must not resolve
//! to nothing.
//!
//! # Names and conflicts
//!
//! Each registration has a name, `&'static str`, matched exactly:
//!
//! - A **provider** name is shown by `creds explain`, heads every error
//!   (`acme-vault: ...`) and is the [`provider_name`](crate::Credentials::provider_name) of
//!   the credentials. Lowercase words with hyphens, as ours are (`environment`,
//!   `profile`, `web-identity`, `container`, `imds`).
//! - A **profile handler** name is shown by `creds explain` ("claimed by handler
//!   ...") and by [`plan_profile`](crate::plan_profile). The same words; it may be the
//!   provider's name, as in the example (two kinds of registration never conflict).
//! - A **`credential_source`** name is what users write in their config, in the
//!   SDKs' style: `Environment`, `Ec2InstanceMetadata`, `EcsContainer`, and the
//!   example's `JsonCredentialsFile`.
//!
//! Within each kind, names are unique among every crate a program links, so make
//! them say whose they are (`acme-vault`, not `vault`). Two registrations of one name
//! are an error, not a silent pick: [`check`](crate::core::registry::check) returns
//! an [`InvalidConfig`](crate::ErrorKind::InvalidConfig) error of provider `registry` that
//! names both, by crate, file and line,
//!
//! ```text
//! two crates register the provider 'acme-vault': acme-vault-0.2.1 (/home/me/.cargo/registry/src/index.crates.io-1/acme-vault-0.2.1/src/lib.rs:40) and other-vault-1.0.0 (/home/me/.cargo/registry/src/index.crates.io-1/other-vault-1.0.0/src/provider.rs:88); link only one of them (check the features of `creds` and of your dependencies)
//! ```
//!
//! ("profile handler" or "credential_source" in place of "provider" for the other
//! kinds; "two role assumers are registered: ..." for those). It is computed once per
//! process. Until one of the two crates is unlinked, the default chain is one
//! provider named `registry` that fails with that error, and the profile provider
//! fails with it at its first use, whatever the profile:
//!
//! ```rust,standalone_crate
//! # #[cfg(feature = "env")] {
//! use creds::core::inventory;
//! use creds::core::registry::{self, ProviderFactory, order};
//! use creds::{ErrorKind, ProvideCredentials, ProviderConfig, SharedProvider};
//!
//! fn none(_: &ProviderConfig) -> Option<SharedProvider> {
//!     None
//! }
//!
//! // `environment` is creds-env's.
//! inventory::submit! { ProviderFactory::new("environment", order::ENVIRONMENT + 1, none) }
//!
//! let err = registry::check().unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::InvalidConfig);
//! assert!(err.message().starts_with("two crates register the provider 'environment': "));
//! assert!(err.message().contains("creds-env (crates/creds-env/src/"));
//!
//! let chain = creds::DefaultChain::builder().config(ProviderConfig::empty()).build_chain();
//! assert_eq!(chain.providers().len(), 1);
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let failure = chain.provide_credentials().await.unwrap_err();
//! assert_eq!((failure.provider(), failure.message()), ("registry", err.message()));
//! # });
//! # }
//! ```
//!
//! # What each `ErrorKind` means to the chain
//!
//! [`CredentialsChain`] tries its providers in order and acts on each answer:
//!
//! - **Credentials**: the chain stops and returns them (trace: [`Outcome::Found`]).
//! - **[`NotConfigured`](crate::ErrorKind::NotConfigured)**: the chain goes on to the next
//!   provider (trace: [`Outcome::NotConfigured`], with the error as the reason). This
//!   is the only kind that lets it go on.
//! - **Any other kind**, [`InvalidConfig`](crate::ErrorKind::InvalidConfig),
//!   [`Unavailable`](crate::ErrorKind::Unavailable), [`Rejected`](crate::ErrorKind::Rejected), and
//!   any kind added later ([`ErrorKind`] is `#[non_exhaustive]`): the chain stops and
//!   returns that error as it is (trace: [`Outcome::Failed`]). The providers after
//!   it are not tried.
//! - **No provider left**: a `NotConfigured` error of provider `chain`, "no
//!   credentials found; tried environment (...); acme-vault (ACME_KEY_ID is not set);
//!   ...", which quotes every provider's reason; with no provider at all, "the chain
//!   has no providers; enable a provider feature".
//!
//! So the kind says whether falling through to another identity is right:
//!
//! | kind | means | use it for | `creds` exits with |
//! | --- | --- | --- | --- |
//! | `NotConfigured` | this source is absent: try the next | no variable, no key, nothing set up; the message says what would set it up | 1 |
//! | `InvalidConfig` | the user set this source up wrongly: stop, say where | a file the user named that is missing, unreadable or malformed; an empty or wrong value, [`with_location`](crate::CredentialsError::with_location) of its line | 3 |
//! | `Unavailable` | a transient failure: stop; a later try may work | a timeout, a 5xx, a refused connection, a program that failed, stale credentials | 4 |
//! | `Rejected` | the service said no | access denied, an expired or invalid token; [`with_service_error`](crate::CredentialsError::with_service_error) keeps its code | 5 |
//!
//! Never make an I/O failure `NotConfigured`: a user whose file cannot be read must
//! hear so, not get another identity or "no credentials". (A file missing from a
//! default place, as `~/.aws/config` may be, is absence; a file the user named, or
//! one that is there and cannot be read, is not.) The kind may change on the
//! way: a `credential_source` makes `NotConfigured` `InvalidConfig` (above); the
//! [`CredentialsCache`] keeps serving credentials that have not expired when a
//! refresh fails with any kind, and makes a fetch past its deadline `Unavailable`
//! with [`is_timeout`](crate::CredentialsError::is_timeout).
//!
//! ```
//! use creds::{
//!     Credentials, CredentialsChain, CredentialsError, ErrorKind, Outcome,
//!     ProvideCredentials, ProvideFuture,
//! };
//!
//! /// Fails with its kind.
//! #[derive(Debug)]
//! struct Fails(ErrorKind);
//!
//! impl ProvideCredentials for Fails {
//!     fn provide_credentials(&self) -> ProvideFuture<'_> {
//!         let err = CredentialsError::new(self.0, "fails", "because");
//!         Box::pin(std::future::ready(Err(err)))
//!     }
//!
//!     fn name(&self) -> &'static str {
//!         "fails"
//!     }
//! }
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! let behind = |kind| {
//!     let chain = CredentialsChain::new()
//!         .push(Fails(kind))
//!         .push(Credentials::from_keys("AKIDNEXT", "next-secret", "next"));
//!     runtime.block_on(chain.provide_traced())
//! };
//!
//! let (result, trace) = behind(ErrorKind::NotConfigured);
//! assert_eq!(result.unwrap().access_key_id(), "AKIDNEXT");
//! assert!(matches!(trace.entries()[0].outcome, Outcome::NotConfigured(_)));
//!
//! for kind in [ErrorKind::InvalidConfig, ErrorKind::Unavailable, ErrorKind::Rejected] {
//!     let (result, trace) = behind(kind);
//!     assert_eq!(result.unwrap_err().kind(), kind);
//!     assert_eq!(trace.entries().len(), 1);
//!     assert!(matches!(trace.entries()[0].outcome, Outcome::Failed(_)));
//! }
//! ```
//!
//! Whatever the kind, a message says what to do ("... does not exist: create it, or
//! point JSON_CREDENTIALS_FILE at the file, or unset it"), does not repeat the
//! provider's name (the error's `Display` puts it first), and never holds a secret:
//! never quote a file, a reply or a value that might be one. Credentials' `Debug`
//! is redacted already.
//!
//! # The extension slot
//!
//! What the environment and the files cannot hold (a callback, a client, settings made
//! in code) a program hands your provider through the [`ProviderConfig`] it builds
//! the chain from, keyed by a type that your crate defines, so that two crates never
//! claim one key:
//!
//! - the program sets a value with [`ProviderConfig::with_extension`];
//! - your provider reads it with [`ProviderConfig::extension`], `None` when not set;
//! - state your providers make on first use and share with every provider built from
//!   the config and its clones (one connection pool for every hop of a role chain)
//!   comes from [`extensions().get_or_insert_with`](crate::core::Extensions::get_or_insert_with).
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU32, Ordering};
//!
//! use creds::ProviderConfig;
//!
//! /// Where the Acme vault listens: set by the program.
//! #[derive(Debug)]
//! pub struct AcmeVaultAddress(pub String);
//!
//! /// The client every Acme provider built from one config shares: made at first use.
//! #[derive(Debug, Default)]
//! pub struct AcmeVaultClient {
//!     requests: AtomicU32,
//! }
//!
//! // The program:
//! let config = ProviderConfig::empty()
//!     .with_extension(AcmeVaultAddress("http://127.0.0.1:8200".to_owned()));
//!
//! // The provider crate, as it builds its providers from `config` and a clone of it:
//! let address = config.extension::<AcmeVaultAddress>();
//! assert_eq!(address.unwrap().0, "http://127.0.0.1:8200");
//! let first = config.extensions().get_or_insert_with(AcmeVaultClient::default);
//! let second = config.clone().extensions().get_or_insert_with(AcmeVaultClient::default);
//! first.requests.fetch_add(1, Ordering::Relaxed);
//! assert!(Arc::ptr_eq(&first, &second));
//! assert_eq!(second.requests.load(Ordering::Relaxed), 1);
//! ```
//!
//! `with_extension` makes a new map for the config it returns (the configs it was
//! made from do not see it), so a program sets its extensions before it builds
//! anything. An extension's `Debug` is its type's name only, never its value.
//!
//! # Linked or missing: referencing the crate
//!
//! The registry is built by [`inventory`](crate::core::inventory) from the crates
//! linked into the program, and a dependency that the program's code never names is
//! not linked: a line in `Cargo.toml` is not enough, and its registrations are then
//! missing without a word (inventory#7, typetag#35). So a provider crate exports a
//! function that names one of its items,
//!
//! ```
//! # use creds::{ProviderConfig, SharedProvider};
//! # fn default_chain_entry(_: &ProviderConfig) -> Option<SharedProvider> { None }
//! /// Links this crate into the program that calls it, and with it its registrations.
//! pub fn link() {
//!     std::hint::black_box(default_chain_entry as fn(&ProviderConfig) -> Option<SharedProvider>);
//! }
//! # link();
//! ```
//!
//! and a program calls it once, first thing (`acme_vault::link();`). It costs nothing at run time. The
//! `creds` facade does the same for the crate of each feature it enables. A test of
//! the program checks the result: [`linked_providers`](crate::linked_providers),
//! [`profile_handlers`](crate::core::registry::profile_handlers) and
//! [`credential_source`](crate::core::registry::credential_source) list what is
//! there.
//!
//! The registry is a static of `creds-core`, so a provider crate must resolve to the
//! program's `creds-core`: depend on the same `0.x` minor version as the `creds` it
//! serves (cargo makes semver-compatible versions one). Built against an
//! incompatible one, it registers into a second registry that nothing reads.
//!
//! # Testing with creds-testkit
//!
//! Everything a provider reads from outside comes from its [`ProviderConfig`], so a
//! test builds a world in memory and never reads the real environment or `~/.aws`:
//! [`Env::from_pairs`], [`Fs::from_files`] (which also records writes, and fails them
//! on demand with [`FsFault`](crate::core::FsFault)), and a [`ManualClock`] moved by
//! hand. `creds-testkit` adds what every provider's tests need:
//!
//! - `expect_credentials` and `expect_error`, which fail when a secret shows in the
//!   credentials' `Debug`, the error's `Display` or `Debug`, or the log lines caught
//!   by `capture_logs`;
//! - `clock_at`, a clock stopped at a time;
//! - `TestServer`, an HTTP server on `127.0.0.1:0` with scripted `Reply`s and
//!   faults, for any source that speaks HTTP, and for STS when a role chain uses your
//!   profiles (point the profile's `endpoint_url` at it);
//! - `TempHome`, a temporary home with `.aws/config` and `.aws/credentials`, for
//!   running a binary;
//! - `refused_url()`, an address where nothing listens, for every endpoint a test
//!   must not reach.
//!
//! ```
//! use std::path::Path;
//!
//! use creds::{Clock, Env, ErrorKind, Fs, ProvideCredentials, ProviderConfig};
//! use creds::{Credentials, CredentialsError, ProvideFuture};
//! use creds_testkit::{capture_logs, clock_at, expect_credentials, expect_error};
//!
//! const SECRETS: &[&str] = &["acme-secret"];
//!
//! /// The provider under test: `KEY_ID:SECRET` from the file `ACME_FILE` names.
//! #[derive(Debug)]
//! struct AcmeFileProvider(ProviderConfig);
//!
//! impl AcmeFileProvider {
//!     fn fetch(&self) -> Result<Credentials, CredentialsError> {
//!         let Some(path) = self.0.env().get_non_blank("ACME_FILE") else {
//!             return Err(CredentialsError::not_configured("acme-file", "ACME_FILE is not set"));
//!         };
//!         let text = self.0.fs().read_to_string(Path::new(&path)).map_err(|e| {
//!             let message = format!("cannot read {path} (ACME_FILE): {e}; fix ACME_FILE, or unset it");
//!             CredentialsError::invalid_config("acme-file", message).with_source(e)
//!         })?;
//!         match text.trim().split_once(':') {
//!             Some((id, secret)) => Ok(Credentials::from_keys(id, secret, "acme-file")),
//!             // Never quote the file: it holds the secret.
//!             None => Err(CredentialsError::invalid_config(
//!                 "acme-file",
//!                 format!("{path} (ACME_FILE) is not KEY_ID:SECRET; write the keys so"),
//!             )),
//!         }
//!     }
//! }
//!
//! impl ProvideCredentials for AcmeFileProvider {
//!     fn provide_credentials(&self) -> ProvideFuture<'_> {
//!         Box::pin(std::future::ready(self.fetch()))
//!     }
//!
//!     fn name(&self) -> &'static str {
//!         "acme-file"
//!     }
//! }
//!
//! let world = |file: &str| {
//!     ProviderConfig::empty()
//!         .with_env(Env::from_pairs([("ACME_FILE", "/run/acme"), ("AWS_EC2_METADATA_DISABLED", "true")]))
//!         .with_fs(Fs::from_files([("/run/acme", file)]))
//!         .with_clock(Clock::from(clock_at("2026-06-01T00:00:00Z")))
//! };
//! capture_logs();
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let creds = AcmeFileProvider(world("AKIDACME:acme-secret")).provide_credentials().await;
//! assert_eq!(expect_credentials(creds, SECRETS).access_key_id(), "AKIDACME");
//!
//! let result = AcmeFileProvider(world("acme-secret")).provide_credentials().await;
//! let err = expect_error(result, SECRETS);
//! assert_eq!(err.kind(), ErrorKind::InvalidConfig);
//! # });
//! ```
//!
//! Beside those, as the example's tests do:
//!
//! - Test the default chain and the profiles as a program sees them, with `creds` as
//!   a dev-dependency ([`DefaultChain::builder`](crate::DefaultChain::builder)`()
//!   .config(world)`, [`ProfileProvider`](crate::ProfileProvider)): the place of your
//!   provider, what comes before and after it, which handler claims a profile.
//! - Set `AWS_EC2_METADATA_DISABLED=true` in every world in which the chain could
//!   reach instance metadata: cargo unifies the features of `creds` across your
//!   dependencies, so `imds` may be in the chain of your tests, and nothing may reach
//!   169.254.169.254. A test binary gets the same with `env_clear()`, a `TempHome`,
//!   `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` at its files and
//!   `AWS_ENDPOINT_URL` at `refused_url()`.
//! - Put a conflict test (a second registration of your name) in a test binary of
//!   its own: a conflict fails the registry of the whole process.
//!
//! `creds-testkit` is not on crates.io. A published crate takes it from git as a
//! dev-dependency without a version, which `cargo publish` leaves out, and patches
//! `creds-core` and `creds` to the same revision, so that its tests link one
//! `creds-core`; the example's README shows the manifest.
//!
//! # A `creds` binary with your provider
//!
//! The `creds` command line tool is the library function `creds_cli::main`, and its
//! default chain and profiles come from the registry of the program that calls it.
//! A binary that depends on `creds-cli` and your crate, links the crate and calls it
//! is `creds` with your source: `creds explain` (text and `--json`) lists it in its
//! place and `creds export`, `exec` and `serve` use it.
//!
//! ```toml
//! [features]
//! cli = ["dep:creds-cli"]
//!
//! [dependencies]
//! creds-cli = { version = "0.1", optional = true }
//!
//! [[bin]]
//! name = "creds"
//! path = "src/bin/creds.rs"
//! required-features = ["cli"]
//! ```
//!
//! ```rust,ignore
//! // src/bin/creds.rs
//! fn main() -> std::process::ExitCode {
//!     acme_vault::link();
//!     creds_cli::main()
//! }
//! ```
//!
//! (`ignore`: `creds-cli` is built on this crate and is not among its dependencies,
//! so no doctest here can call it; `examples/custom-provider/src/bin/creds-json.rs`
//! is this program, and the example's tests run it.) Call `creds_cli::main` first thing in `main` and not inside an
//! async runtime: it starts its own. The binary's other sources are those of the
//! `creds` features `creds-cli` enables.
//!
//! # The example
//!
//! `examples/custom-provider` is the model to copy. It shows each part of this guide:
//! the provider (`src/provider.rs`), its three registrations with their order,
//! priority and the reasons for them (`src/registration.rs`), the `creds-json`
//! binary, and tests of the default chain, profiles and role chains against a
//! loopback STS, bad files, the binary, and a conflict. Its README says how to
//! publish a crate like it.
//!
//! [`ProviderFactory`]: crate::core::registry::ProviderFactory
//! [`ProfileHandler`]: crate::core::registry::ProfileHandler
//! [`CredentialSource`]: crate::core::registry::CredentialSource
//! [`RoleAssumer`]: crate::core::registry::RoleAssumer
//! [`order`]: crate::core::registry::order
//! [`order::ENVIRONMENT`]: crate::core::registry::order::ENVIRONMENT
//! [`order::PROFILE`]: crate::core::registry::order::PROFILE
//! [`order::WEB_IDENTITY`]: crate::core::registry::order::WEB_IDENTITY
//! [`order::CONTAINER`]: crate::core::registry::order::CONTAINER
//! [`order::INSTANCE_METADATA`]: crate::core::registry::order::INSTANCE_METADATA
//! [`priority`]: crate::core::registry::priority
//! [`priority::WEB_IDENTITY`]: crate::core::registry::priority::WEB_IDENTITY
//! [`priority::SSO`]: crate::core::registry::priority::SSO
//! [`priority::LOGIN`]: crate::core::registry::priority::LOGIN
//! [`priority::PROCESS`]: crate::core::registry::priority::PROCESS
//! [`ErrorKind`]: crate::ErrorKind
//! [`CredentialsChain`]: crate::CredentialsChain
//! [`CredentialsCache`]: crate::CredentialsCache
//! [`Outcome::Found`]: crate::Outcome::Found
//! [`Outcome::NotConfigured`]: crate::Outcome::NotConfigured
//! [`Outcome::Failed`]: crate::Outcome::Failed
//! [`ProviderConfig`]: crate::ProviderConfig
//! [`ProviderConfig::with_extension`]: crate::ProviderConfig::with_extension
//! [`ProviderConfig::extension`]: crate::ProviderConfig::extension
//! [`Env::from_pairs`]: crate::Env::from_pairs
//! [`Fs::from_files`]: crate::Fs::from_files
//! [`ManualClock`]: crate::ManualClock
