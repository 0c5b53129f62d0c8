//! The facade: the registry holds every enabled feature's provider, and the default
//! chain resolves from injected worlds.
//!
//! With the `imds` feature the default chain ends with instance metadata, whose
//! default endpoint is the real 169.254.169.254: every world here sets
//! `AWS_EC2_METADATA_DISABLED=true` (an empty injected environment would not), or
//! points the endpoint at a loopback server.

use creds::{Env, ErrorKind, Fs, ProvideCredentials, ProviderConfig};

/// Instance metadata off: no default-chain test may reach the real endpoint.
const NO_IMDS: (&str, &str) = ("AWS_EC2_METADATA_DISABLED", "true");

/// An injected world with no variable but [`NO_IMDS`] and no file.
#[allow(dead_code)] // Unused when no module below is compiled.
fn nothing() -> ProviderConfig {
    ProviderConfig::empty().with_env(Env::from_pairs([NO_IMDS]))
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

/// A runtime with its I/O and time drivers, for the sources that reach a loopback
/// server.
#[cfg(any(feature = "container", feature = "imds", feature = "cognito"))]
fn block_on_io<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn every_enabled_feature_is_registered_in_order() {
    let mut expected = Vec::new();
    if cfg!(feature = "env") {
        expected.push("environment");
    }
    if cfg!(feature = "profile") {
        expected.push("profile");
    }
    if cfg!(feature = "sts") {
        expected.push("web-identity");
    }
    if cfg!(feature = "container") {
        expected.push("container");
    }
    if cfg!(feature = "imds") {
        expected.push("imds");
    }
    assert_eq!(creds::linked_providers(), expected);
    // Every crate registers its own names: no two of them conflict.
    creds::core::registry::check().unwrap();
    #[cfg(feature = "env")]
    assert!(creds::core::registry::credential_source("Environment").is_some());
    assert_eq!(
        creds::core::registry::credential_source("EcsContainer").is_some(),
        cfg!(feature = "container")
    );
    assert_eq!(
        creds::core::registry::credential_source("Ec2InstanceMetadata").is_some(),
        cfg!(feature = "imds")
    );

    let handlers: Vec<_> = creds::core::registry::profile_handlers()
        .iter()
        .map(|h| h.name())
        .collect();
    let mut expected_handlers = Vec::new();
    if cfg!(feature = "sts") {
        expected_handlers.push("web-identity");
    }
    if cfg!(feature = "sso") {
        expected_handlers.push("sso");
    }
    if cfg!(feature = "login") {
        expected_handlers.push("login");
    }
    if cfg!(feature = "process") {
        expected_handlers.push("process");
    }
    assert_eq!(handlers, expected_handlers);
    assert_eq!(
        creds::core::registry::role_assumer().map(|r| r.name()),
        cfg!(feature = "sts").then_some("creds-sts")
    );
}

#[cfg(all(feature = "env", feature = "profile"))]
mod chain {
    use super::*;

    fn world(env: &[(&str, &str)]) -> ProviderConfig {
        let mut vars = vec![("HOME", "/home/me"), NO_IMDS];
        vars.extend_from_slice(env);
        ProviderConfig::empty()
            .with_env(Env::from_pairs(vars))
            .with_fs(Fs::from_files([(
                "/home/me/.aws/credentials",
                "[default]\naws_access_key_id = FILEDEFAULT\naws_secret_access_key = s\n\
             [demo]\naws_access_key_id = FILEDEMO\naws_secret_access_key = s\n",
            )]))
    }

    const ENV_KEYS: [(&str, &str); 2] = [
        ("AWS_ACCESS_KEY_ID", "ENVKEY"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
    ];

    #[test]
    fn environment_first() {
        let chain = creds::DefaultChain::builder()
            .config(world(&ENV_KEYS))
            .build();
        assert_eq!(
            block_on(chain.provide_credentials())
                .unwrap()
                .access_key_id(),
            "ENVKEY"
        );
    }

    #[test]
    fn aws_profile_does_not_skip_the_environment() {
        let mut env = ENV_KEYS.to_vec();
        env.push(("AWS_PROFILE", "demo"));
        let chain = creds::DefaultChain::builder().config(world(&env)).build();
        assert_eq!(
            block_on(chain.provide_credentials())
                .unwrap()
                .access_key_id(),
            "ENVKEY"
        );
    }

    #[test]
    fn explicit_profile_skips_the_environment() {
        let chain = creds::DefaultChain::builder()
            .config(world(&ENV_KEYS))
            .profile_name("demo")
            .build();
        assert_eq!(
            block_on(chain.provide_credentials())
                .unwrap()
                .access_key_id(),
            "FILEDEMO"
        );
    }

    #[test]
    fn half_pair_falls_through_to_the_files_and_the_trace_says_why() {
        let chain = creds::DefaultChain::builder()
            .config(world(&[("AWS_ACCESS_KEY_ID", "ENVKEY")]))
            .build_chain();
        let (creds, trace) = block_on(chain.provide_traced());
        assert_eq!(creds.unwrap().access_key_id(), "FILEDEFAULT");
        let creds::Outcome::NotConfigured(why) = &trace.entries()[0].outcome else {
            panic!("environment should be skipped: {trace:?}");
        };
        assert!(
            why.message().contains("AWS_SECRET_ACCESS_KEY is not"),
            "{why}"
        );
    }

    #[test]
    fn nothing_configured_says_what_was_tried() {
        let chain = creds::DefaultChain::builder().config(nothing()).build();
        let err = block_on(chain.provide_credentials()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotConfigured);
        let text = err.to_string();
        assert!(
            text.contains("environment (") && text.contains("profile ("),
            "{text}"
        );
    }

    #[test]
    fn js_style_entry_points() {
        let ini = creds::from_ini()
            .config(world(&[]))
            .profile_name("demo")
            .build();
        let chain =
            creds::create_credential_chain([std::sync::Arc::new(ini) as creds::SharedProvider]);
        assert_eq!(
            block_on(chain.provide_credentials())
                .unwrap()
                .access_key_id(),
            "FILEDEMO"
        );
    }
}

#[cfg(all(unix, feature = "profile", feature = "process"))]
mod process {
    //! `credential_process` profiles through the whole default chain, with real files
    //! and real scripts in a temp dir.

    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI-FACADE-PROCESS-SECRET";

    struct World {
        dir: tempfile::TempDir,
    }

    impl World {
        fn new(config: impl FnOnce(&str) -> String) -> Self {
            let dir = tempfile::Builder::new()
                .prefix("creds-facade-")
                .tempdir()
                .unwrap();
            let world = World { dir };
            let script = world.dir.path().join("helper.sh");
            let runs = world.dir.path().join("runs");
            std::fs::write(
                &script,
                format!(
                    "echo run >> '{}'\nprintf '%s' '{{\"Version\": 1, \"AccessKeyId\": \"ASIAHELPER\", \
                     \"SecretAccessKey\": \"{SECRET}\", \"SessionToken\": \"t\", \"Expiration\": \"2999-01-01T00:00:00Z\"}}'\n",
                    runs.display()
                ),
            )
            .unwrap();
            let command = format!("sh {}", script.display());
            std::fs::write(world.dir.path().join("config"), config(&command)).unwrap();
            world
        }

        fn config(&self, env: &[(&str, &str)]) -> ProviderConfig {
            ProviderConfig::empty()
                .with_env(Env::from_pairs(
                    env.iter().copied().chain(std::iter::once(NO_IMDS)),
                ))
                .with_fs(Fs::real())
                .with_config_file(self.dir.path().join("config"))
                .with_credentials_file(self.dir.path().join("credentials"))
        }

        fn runs(&self) -> usize {
            std::fs::read_to_string(self.dir.path().join("runs"))
                .map(|t| t.lines().count())
                .unwrap_or(0)
        }
    }

    #[test]
    fn a_credential_process_profile_through_the_default_chain() {
        let world = World::new(|command| {
            format!(
                "[profile tool]\naws_account_id = 123456789012\ncredential_process = {command}\n"
            )
        });
        let chain = creds::DefaultChain::builder()
            .config(world.config(&[("AWS_PROFILE", "tool")]))
            .build();
        let creds = block_on(chain.provide_credentials()).unwrap();
        assert_eq!(creds.access_key_id(), "ASIAHELPER");
        assert_eq!(creds.secret_access_key(), SECRET);
        assert_eq!(creds.account_id(), Some("123456789012"));
        assert_eq!(creds.provider_name(), "process");
        // Cached: it expires in 2999, so the program does not run again.
        block_on(chain.provide_credentials()).unwrap();
        assert_eq!(world.runs(), 1);

        // The trace names the profile provider as the winner.
        let chain = creds::DefaultChain::builder()
            .config(world.config(&[]))
            .profile_name("tool")
            .build_chain();
        let (creds, trace) = block_on(chain.provide_traced());
        assert_eq!(creds.unwrap().access_key_id(), "ASIAHELPER");
        assert!(format!("{trace:?}").contains("profile"), "{trace:?}");
        assert!(!format!("{trace:?}").contains(SECRET));
    }

    #[test]
    fn static_keys_beside_credential_process_win() {
        let world = World::new(|command| {
            format!(
                "[profile both]\naws_access_key_id = AKIDSTATIC\naws_secret_access_key = static\n\
                 credential_process = {command}\n"
            )
        });
        let chain = creds::DefaultChain::builder()
            .config(world.config(&[]))
            .profile_name("both")
            .build();
        let creds = block_on(chain.provide_credentials()).unwrap();
        assert_eq!(creds.access_key_id(), "AKIDSTATIC");
        assert_eq!(creds.provider_name(), "profile");
        assert_eq!(world.runs(), 0, "the program never ran");
    }

    #[test]
    fn a_failing_program_stops_the_chain_at_its_line() {
        let world = World::new(|_| {
            // The message is computed, not written in the command line: words of the
            // command line are redacted from the stderr shown (they may be secrets).
            "[profile bad]\nregion = eu-west-1\ncredential_process = sh -c 'echo vault $((6*7))000 >&2; exit 1'\n".to_owned()
        });
        let chain = creds::DefaultChain::builder()
            .config(world.config(&[("AWS_PROFILE", "bad"), ("AWS_ACCESS_KEY_ID", "ignored")]))
            .build();
        let err = block_on(chain.provide_credentials()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        let text = err.to_string();
        assert!(
            text.contains("42000") && text.contains("config:3"),
            "{text}"
        );
    }

    #[test]
    fn js_style_from_process() {
        let world =
            World::new(|command| format!("[profile tool]\ncredential_process = {command}\n"));
        let provider = creds::from_process()
            .config(world.config(&[]))
            .profile_name("tool")
            .build();
        assert_eq!(
            block_on(provider.provide_credentials())
                .unwrap()
                .access_key_id(),
            "ASIAHELPER"
        );
        let standalone = creds::from_process()
            .command_line(format!(
                "sh {}",
                world.dir.path().join("helper.sh").display()
            ))
            .build();
        assert_eq!(
            block_on(standalone.provide_credentials())
                .unwrap()
                .access_key_id(),
            "ASIAHELPER"
        );
    }
}

#[cfg(feature = "container")]
mod container {
    //! Container endpoints through the whole default chain, against a loopback server.

    use super::*;
    use creds_testkit::{Method, Reply, TestServer};

    const SECRET: &str = "wJalrXUtnFEMI-FACADE-CONTAINER-SECRET";
    const DOCUMENT: &str = r#"{"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "wJalrXUtnFEMI-FACADE-CONTAINER-SECRET",
        "Token": "token", "Expiration": "2999-01-01T00:00:00Z"}"#;

    #[test]
    fn the_default_chain_reaches_a_full_uri() {
        let server = TestServer::start_blocking();
        server.route(Method::GET, "/creds", Reply::ok(DOCUMENT));
        let uri = server.uri("/creds");
        let config = ProviderConfig::empty().with_env(Env::from_pairs([
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer facade"),
            NO_IMDS,
        ]));
        let chain = creds::DefaultChain::builder().config(config).build();
        let creds = block_on_io(chain.provide_credentials()).unwrap();
        assert_eq!(creds.access_key_id(), "ASIACONTAINER");
        assert_eq!(creds.provider_name(), "container");
        assert!(!format!("{creds:?}").contains(SECRET));
        // Cached until 2999: one request.
        block_on_io(chain.provide_credentials()).unwrap();
        assert_eq!(server.request_count(), 1);
        assert_eq!(
            server.requests()[0].header("authorization"),
            Some("Bearer facade")
        );
    }

    #[test]
    fn without_the_variables_the_chain_passes_it_by() {
        let chain = creds::DefaultChain::builder().config(nothing()).build();
        let err = block_on_io(chain.provide_credentials()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotConfigured);
        assert!(err.to_string().contains("container ("), "{err}");
    }

    #[test]
    fn js_style_from_http_and_from_container_metadata() {
        let server = TestServer::start_blocking();
        server.route(Method::GET, "/v1/credentials", Reply::ok(DOCUMENT));
        let provider = creds::from_http()
            .config(ProviderConfig::empty())
            .full_uri(server.uri("/v1/credentials"))
            .authorization_token("Bearer js")
            .build();
        let creds = block_on_io(provider.provide_credentials()).unwrap();
        assert_eq!(creds.access_key_id(), "ASIACONTAINER");

        let provider = creds::from_container_metadata()
            .config(ProviderConfig::empty().with_env(Env::from_pairs([(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "/v1/credentials",
            )])))
            .relative_uri_base(server.url())
            .build();
        block_on_io(provider.provide_credentials()).unwrap();
        assert_eq!(server.request_count(), 2);
    }
}

#[cfg(feature = "imds")]
mod imds {
    //! Instance metadata through the whole default chain, against loopback servers.

    use super::*;
    use creds_testkit::{Method, Reply, TestServer, refused_url};

    const SECRET: &str = "wJalrXUtnFEMI-FACADE-IMDS-SECRET";
    const EXT: &str = "/latest/meta-data/iam/security-credentials-extended/";

    fn imds() -> TestServer {
        let server = TestServer::start_blocking();
        server.route(Method::PUT, "/latest/api/token", Reply::ok("facade-token"));
        server.route(Method::GET, EXT, Reply::ok("facade-role"));
        server.route(
            Method::GET,
            &format!("{EXT}facade-role"),
            Reply::ok(format!(
                r#"{{"Code": "Success", "AccessKeyId": "ASIAFACADEIMDS", "SecretAccessKey": "{SECRET}",
                    "Token": "t", "Expiration": "2999-01-01T00:00:00Z", "AccountId": "123456789012"}}"#
            )),
        );
        server
    }

    #[test]
    fn the_default_chain_ends_with_instance_metadata() {
        let server = imds();
        let url = server.url();
        let config = ProviderConfig::empty().with_env(Env::from_pairs([(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            url.as_str(),
        )]));
        let chain = creds::DefaultChain::builder().config(config).build();
        let creds = block_on_io(chain.provide_credentials()).unwrap();
        assert_eq!(creds.access_key_id(), "ASIAFACADEIMDS");
        assert_eq!(creds.provider_name(), "imds");
        assert_eq!(creds.account_id(), Some("123456789012"));
        assert!(!format!("{creds:?}").contains(SECRET));
        // Cached until 2999.
        block_on_io(chain.provide_credentials()).unwrap();
        assert_eq!(server.request_count(), 3);
    }

    #[test]
    fn the_off_switch_in_the_default_chain_sends_nothing() {
        let server = imds();
        let url = server.url();
        let config = ProviderConfig::empty().with_env(Env::from_pairs([
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str()),
            ("AWS_EC2_METADATA_DISABLED", "TRUE"),
        ]));
        let chain = creds::DefaultChain::builder().config(config).build_chain();
        let (creds, trace) = block_on_io(chain.provide_traced());
        let err = creds.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotConfigured);
        assert!(
            err.to_string()
                .contains("imds (AWS_EC2_METADATA_DISABLED is true)"),
            "{err}"
        );
        assert_eq!(trace.entries().last().unwrap().provider, "imds");
        assert_eq!(server.connection_count(), 0);
    }

    #[test]
    fn off_ec2_the_chain_gives_up_at_once() {
        let refused = refused_url();
        let config = ProviderConfig::empty().with_env(Env::from_pairs([(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            refused.as_str(),
        )]));
        let chain = creds::DefaultChain::builder().config(config).build();
        let started = std::time::Instant::now();
        let err = block_on_io(chain.provide_credentials()).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        // Nothing listens: not configured, and the chain says what it tried.
        assert_eq!(err.kind(), ErrorKind::NotConfigured);
        let text = err.to_string();
        assert!(
            text.contains("imds (no instance metadata service at"),
            "{text}"
        );
    }

    /// An SSO or `aws login` profile that fails (here: nobody signed in) is an error
    /// of its own, not "not configured": the chain must stop there, and never hand a
    /// laptop's user the instance role of whatever machine answers as metadata.
    #[cfg(all(feature = "sso", feature = "login"))]
    #[test]
    fn a_failing_sso_or_login_profile_never_falls_through_to_instance_metadata() {
        let server = imds();
        let url = server.url();
        let config_file = "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\n\
             sso_role_name = ReadOnly\n[sso-session corp]\n\
             sso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
             [profile login]\nlogin_session = arn:aws:iam::123456789012:user/me\nregion = eu-west-1\n";
        for (profile, says) in [("sso", "creds sso login"), ("login", "aws login")] {
            let config = ProviderConfig::empty()
                .with_env(Env::from_pairs([
                    ("HOME", "/home/me"),
                    ("AWS_PROFILE", profile),
                    ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str()),
                ]))
                .with_fs(Fs::from_files([("/home/me/.aws/config", config_file)]));
            let chain = creds::DefaultChain::builder().config(config).build();
            let err = block_on_io(chain.provide_credentials()).unwrap_err();
            assert_ne!(err.kind(), ErrorKind::NotConfigured, "{profile}: {err}");
            assert!(err.to_string().contains(says), "{profile}: {err}");
        }
        assert_eq!(server.connection_count(), 0, "instance metadata was asked");
    }

    #[test]
    fn js_style_from_instance_metadata() {
        let server = imds();
        let provider = creds::from_instance_metadata()
            .config(ProviderConfig::empty())
            .endpoint(server.url())
            .timeout(std::time::Duration::from_secs(2))
            .max_attempts(2)
            .build();
        let creds = block_on_io(provider.provide_credentials()).unwrap();
        assert_eq!(creds.access_key_id(), "ASIAFACADEIMDS");
        let _: &creds::imds::EndpointMode = &creds::imds::EndpointMode::IpV4;
    }
}

#[cfg(feature = "cognito")]
mod cognito {
    //! The facade's Cognito entry points against a loopback Cognito Identity, and the
    //! rule that Cognito never joins the default chain.

    use super::*;
    use creds_testkit::{Method, Reply, TestServer};

    const POOL: &str = "eu-west-2:4a5b6c7d-0000-4000-8000-123456789abc";
    const IDENTITY: &str = "eu-west-2:9f8e7d6c-1111-4111-8111-abcdefabcdef";
    const SECRET: &str = "wJalrXUtnFEMI-FACADE-COGNITO-SECRET";

    fn cognito() -> TestServer {
        let server = TestServer::start_blocking();
        server.route_with_header(
            Method::POST,
            "/",
            "x-amz-target",
            "AWSCognitoIdentityService.GetId",
            Reply::ok(format!(r#"{{"IdentityId": "{IDENTITY}"}}"#)),
        );
        server.route_with_header(
            Method::POST,
            "/",
            "x-amz-target",
            "AWSCognitoIdentityService.GetCredentialsForIdentity",
            Reply::ok(format!(
                r#"{{"IdentityId": "{IDENTITY}", "Credentials": {{"AccessKeyId": "ASIAFACADECOGNITO",
                    "SecretKey": "{SECRET}", "SessionToken": "t", "Expiration": 1780272000.5}}}}"#
            )),
        );
        server
    }

    fn config(server: &TestServer) -> ProviderConfig {
        let url = server.url();
        ProviderConfig::empty().with_env(Env::from_pairs([
            NO_IMDS,
            ("AWS_ENDPOINT_URL_COGNITO_IDENTITY", url.as_str()),
        ]))
    }

    #[test]
    fn js_style_from_cognito_identity_pool_and_from_cognito_identity() {
        let server = cognito();
        let pool = creds::from_cognito_identity_pool(POOL)
            .config(config(&server))
            .build();
        let creds = block_on_io(pool.provide_credentials()).unwrap();
        assert_eq!(creds.access_key_id(), "ASIAFACADECOGNITO");
        assert_eq!(
            creds.expiration().map(|t| t.as_millisecond()),
            Some(1_780_272_000_500)
        );
        assert!(!format!("{creds:?}").contains(SECRET));

        let known = creds::from_cognito_identity(IDENTITY)
            .config(config(&server))
            .build();
        let creds = block_on_io(known.provide_credentials()).unwrap();
        assert_eq!(creds.access_key_id(), "ASIAFACADECOGNITO");
        // One GetId (the pool's), two GetCredentialsForIdentity.
        assert_eq!(server.request_count(), 3);
    }

    #[test]
    fn cognito_is_not_in_the_default_chain() {
        let server = cognito();
        assert!(!creds::linked_providers().contains(&"cognito"));
        let chain = creds::DefaultChain::builder()
            .config(config(&server))
            .build();
        let err = block_on_io(chain.provide_credentials()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotConfigured, "{err}");
        assert_eq!(server.connection_count(), 0);
    }
}
