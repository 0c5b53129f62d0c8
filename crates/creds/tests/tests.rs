//! The facade: the registry holds every enabled feature's provider, and the default
//! chain resolves from injected worlds.

use creds::{Env, ErrorKind, Fs, ProvideCredentials, ProviderConfig};

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
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
    assert_eq!(creds::linked_providers(), expected);
    #[cfg(feature = "env")]
    assert!(creds::core::registry::credential_source("Environment").is_some());

    let handlers: Vec<_> = creds::core::registry::profile_handlers()
        .iter()
        .map(|h| h.name())
        .collect();
    let mut expected_handlers = Vec::new();
    if cfg!(feature = "process") {
        expected_handlers.push("process");
    }
    assert_eq!(handlers, expected_handlers);
}

#[cfg(all(feature = "env", feature = "profile"))]
mod chain {
    use super::*;

    fn world(env: &[(&str, &str)]) -> ProviderConfig {
        let mut vars = vec![("HOME", "/home/me")];
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
        let chain = creds::DefaultChain::builder()
            .config(ProviderConfig::empty())
            .build();
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
                .with_env(Env::from_pairs(env.iter().copied()))
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
            "[profile bad]\nregion = eu-west-1\ncredential_process = sh -c 'echo no vault >&2; exit 1'\n".to_owned()
        });
        let chain = creds::DefaultChain::builder()
            .config(world.config(&[("AWS_PROFILE", "bad"), ("AWS_ACCESS_KEY_ID", "ignored")]))
            .build();
        let err = block_on(chain.provide_credentials()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        let text = err.to_string();
        assert!(
            text.contains("no vault") && text.contains("config:3"),
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
