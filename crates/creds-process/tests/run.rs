//! Running programs: success, failures, the timeout, the output cap, stdin, and what is
//! left running afterwards.

use std::time::{Duration, Instant};

use creds_core::{ErrorKind, ManualClock, ProvideCredentials, ProviderConfig};
use creds_process::{ProcessProvider, StdinPassthrough};

use crate::support::*;

#[test]
fn success_with_session_token_and_expiration() {
    let scripts = Scripts::new();
    let command = scripts.printing("full", &document(Some("2999-01-01T00:00:00Z")));
    let creds = block_on(ProcessProvider::new(command).provide_credentials()).unwrap();
    assert_eq!(creds.access_key_id(), "ASIAPROCESS");
    assert_eq!(creds.secret_access_key(), SECRET);
    assert_eq!(creds.session_token(), Some(TOKEN));
    assert_eq!(
        creds.expiration().unwrap().to_string(),
        "2999-01-01T00:00:00Z"
    );
    assert_eq!(creds.provider_name(), "process");
    assert!(!format!("{creds:?}").contains(SECRET));
    assert!(
        logs().contains("running the credential process"),
        "logs are captured"
    );
}

#[test]
fn success_without_token_or_expiration() {
    let scripts = Scripts::new();
    let command = scripts.printing(
        "keys",
        &format!(r#"{{"Version": 1, "AccessKeyId": "AKIDPLAIN", "SecretAccessKey": "{SECRET}", "AccountId": "111122223333"}}"#),
    );
    let creds = block_on(ProcessProvider::new(command).provide_credentials()).unwrap();
    assert_eq!(creds.access_key_id(), "AKIDPLAIN");
    assert_eq!(creds.session_token(), None);
    assert_eq!(creds.expiration(), None);
    assert_eq!(creds.account_id(), Some("111122223333"));
}

#[test]
fn program_with_args_env_and_directory_without_a_shell() {
    let scripts = Scripts::new();
    // The script prints what it received: argument, variable and working directory
    // come back as the key id, which proves no shell split or expanded anything.
    scripts.script(
        "echo-args",
        &format!(
            r#"printf '{{"Version": 1, "AccessKeyId": "%s|%s|%s", "SecretAccessKey": "{SECRET}"}}' "$1" "$GREETING" "$(basename "$(pwd)")""#
        ),
    );
    std::fs::create_dir(scripts.path("work")).unwrap();
    let provider = ProcessProvider::builder()
        .program("/bin/sh")
        .arg(scripts.path("echo-args"))
        .arg("two words; $HOME")
        .env("GREETING", "hello")
        .current_dir(scripts.path("work"))
        .build();
    let creds = block_on(provider.provide_credentials()).unwrap();
    assert_eq!(creds.access_key_id(), "two words; $HOME|hello|work");

    // env_clear: nothing inherited (HOME, which the test process has; not PATH, to
    // which sh gives a default).
    assert!(std::env::var_os("HOME").is_some());
    scripts.script(
        "path",
        &format!(r#"printf '{{"Version": 1, "AccessKeyId": "[%s]", "SecretAccessKey": "{SECRET}"}}' "${{HOME-unset}}""#),
    );
    let provider = ProcessProvider::builder()
        .program("/bin/sh")
        .arg(scripts.path("path"))
        .env_clear()
        .build();
    assert_eq!(
        block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "[unset]"
    );
}

#[test]
fn environment_is_inherited_by_a_command_line() {
    // The test process's HOME reaches the script; nothing here sets it.
    let home = std::env::var("HOME").expect("tests run with HOME set");
    let scripts = Scripts::new();
    let command = scripts.script(
        "home",
        &format!(r#"printf '{{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "{SECRET}"}}' "$HOME""#),
    );
    let creds = block_on(ProcessProvider::new(command).provide_credentials()).unwrap();
    assert_eq!(creds.access_key_id(), home);
}

#[test]
fn failing_program_shows_its_stderr_never_its_stdout() {
    let scripts = Scripts::new();
    let command = scripts.script(
        "fails",
        &format!(
            "printf '%s' '{}'\necho 'vault is sealed: run vault unseal' >&2\nexit 3\n",
            document(None)
        ),
    );
    let err = expect_err(block_on(
        ProcessProvider::new(command).provide_credentials(),
    ));
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    let message = err.to_string();
    assert!(
        message.contains("vault is sealed: run vault unseal"),
        "{message}"
    );
    assert!(message.contains("exit status: 3"), "{message}");
    assert!(message.contains("`sh`"), "{message}");
}

#[test]
fn long_stderr_is_cut_and_drained() {
    let scripts = Scripts::new();
    // 1 MB on stderr: more than any pipe buffer, so the program would block forever if
    // stderr were not drained.
    let command = scripts.script(
        "noisy",
        "echo 'first line of the complaint' >&2\nhead -c 1000000 /dev/zero | tr '\\0' 'x' >&2\nexit 1\n",
    );
    let provider = ProcessProvider::builder()
        .command_line(command)
        .timeout(Duration::from_secs(30))
        .build();
    let err = expect_err(block_on(provider.provide_credentials()));
    let message = err.to_string();
    assert!(
        message.starts_with("process: the credential process `sh` failed"),
        "{message}"
    );
    assert!(message.contains("first line of the complaint"), "{message}");
    assert!(message.contains("bytes in all]"), "{message}");
    assert!(
        message.len() < 5000,
        "cut to about 4 KiB: {}",
        message.len()
    );
}

#[test]
fn a_program_that_cannot_start_is_invalid_config() {
    let provider = ProcessProvider::builder()
        .program("/nonexistent/credential-helper")
        .arg(SECRET)
        .build();
    let err = expect_err(block_on(provider.provide_credentials()));
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.to_string()
            .contains("cannot start the credential process `/nonexistent/credential-helper`"),
        "{err}"
    );

    // Through the shell: exit 127, and the shell's own message.
    let err = expect_err(block_on(
        ProcessProvider::new(format!("/nonexistent/credential-helper --token {SECRET}"))
            .provide_credentials(),
    ));
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.to_string().contains("not found"), "{err}");
    assert!(format!("{:?}", ProcessProvider::new(format!("helper {SECRET}"))).contains("helper"));
    assert!(!format!("{:?}", ProcessProvider::new(format!("helper {SECRET}"))).contains(SECRET));
}

/// The script records its pid and a background child's, then sleeps forever.
fn never_exits(scripts: &Scripts) -> String {
    let dir = scripts.dir().display();
    scripts.script(
        "forever",
        &format!(
            "sleep 1000 &\necho $! > '{dir}/child.pid'\necho $$ > '{dir}/main.pid'\nsleep 1000\n"
        ),
    )
}

#[test]
fn timeout_kills_the_whole_process_group() {
    let scripts = Scripts::new();
    let provider = ProcessProvider::builder()
        .command_line(never_exits(&scripts))
        .timeout(Duration::from_secs(1))
        .build();
    let started = Instant::now();
    let fetch = std::thread::spawn(move || block_on(provider.provide_credentials()));
    let main = wait_for_pid(&scripts.path("main.pid"));
    let child = wait_for_pid(&scripts.path("child.pid"));
    let group = process_group(main).expect("the script runs");
    assert_eq!(
        process_group(child),
        Some(group),
        "the background child shares the group"
    );
    assert_ne!(
        Some(group),
        process_group(std::process::id()),
        "a group of its own"
    );

    let err = expect_err(fetch.join().unwrap());
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.to_string().contains("timed out after 1s"), "{err}");
    // Nothing of the group is left running (zombies reparented to init count as gone).
    assert_eq!(live_members(group), Vec::<u32>::new());
    for pid in [main, child] {
        assert!(
            matches!(process_state(pid), None | Some('Z' | 'X')),
            "{pid} still runs"
        );
    }
}

#[test]
fn closing_stdout_and_lingering_is_a_timeout_too() {
    let scripts = Scripts::new();
    let doc = document(None);
    let command = scripts.script(
        "linger",
        &format!(
            "printf '%s' '{doc}'\nexec >&- 2>&-\necho $$ > '{}'\nsleep 1000\n",
            scripts.path("main.pid").display()
        ),
    );
    let provider = ProcessProvider::builder()
        .command_line(command)
        .timeout(Duration::from_secs(1))
        .build();
    let started = Instant::now();
    let err = expect_err(block_on(provider.provide_credentials()));
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(err.to_string().contains("timed out"), "{err}");
    let main = wait_for_pid(&scripts.path("main.pid"));
    assert!(matches!(process_state(main), None | Some('Z' | 'X')));
}

#[test]
fn dropping_the_future_kills_the_program() {
    let scripts = Scripts::new();
    let provider = ProcessProvider::new(never_exits(&scripts));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let task = runtime.spawn(async move { provider.provide_credentials().await.map(drop) });
    let main = wait_for_pid(&scripts.path("main.pid"));
    let child = wait_for_pid(&scripts.path("child.pid"));
    let group = process_group(main).unwrap();
    task.abort();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !live_members(group).is_empty() {
        assert!(
            Instant::now() < deadline,
            "still running: {:?}",
            live_members(group)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(matches!(process_state(child), None | Some('Z' | 'X')));
}

#[test]
fn ten_megabytes_of_output_fail_at_the_cap() {
    let scripts = Scripts::new();
    let command = scripts.script(
        "flood",
        &format!(
            "printf '%s' '{}'\nhead -c 10000000 /dev/zero\n",
            document(None)
        ),
    );
    let provider = ProcessProvider::builder()
        .command_line(command)
        .timeout(Duration::from_secs(30))
        .build();
    let started = Instant::now();
    let err = expect_err(block_on(provider.provide_credentials()));
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.to_string().contains("more than 65536 bytes"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));

    // Endless output ends at the cap as well, not at the timeout.
    let provider = ProcessProvider::builder()
        .command_line("yes")
        .max_output(1000)
        .timeout(Duration::from_secs(600))
        .build();
    let started = Instant::now();
    let err = expect_err(block_on(provider.provide_credentials()));
    assert!(err.to_string().contains("more than 1000 bytes"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(60));

    // Exactly at the cap is fine.
    let doc = document(None);
    let command = scripts.printing("exact", &doc);
    let provider = ProcessProvider::builder()
        .command_line(command)
        .max_output(doc.len())
        .build();
    block_on(provider.provide_credentials()).unwrap();
}

#[test]
fn output_that_is_not_utf8() {
    let scripts = Scripts::new();
    let command = scripts.script("latin1", "printf '\\377\\376'\n");
    let err = expect_err(block_on(
        ProcessProvider::new(command).provide_credentials(),
    ));
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.to_string().contains("not UTF-8"), "{err}");
}

/// A script that reports its stdin as the key id: what /proc/self/fd/0 links to, and
/// whether a read gets end of file.
fn stdin_reporter(scripts: &Scripts) -> String {
    scripts.script(
        "stdin",
        &format!(
            r#"if read -r line; then got=line; else got=eof; fi
printf '{{"Version": 1, "AccessKeyId": "%s %s", "SecretAccessKey": "{SECRET}"}}' "$(readlink /proc/$$/fd/0)" "$got""#
        ),
    )
}

#[test]
fn stdin_is_null_by_default_and_shared_with_passthrough() {
    // The checks run in a copy of this test binary whose stdin is a pipe, so that
    // `/dev/null` can only come from the provider, whatever stdin `cargo test` has.
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "run::stdin_checks_with_a_pipe_as_stdin",
            "--ignored",
            "--test-threads=1",
        ])
        .stdin(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[test]
#[ignore = "run by stdin_is_null_by_default_and_shared_with_passthrough, with a pipe as stdin"]
fn stdin_checks_with_a_pipe_as_stdin() {
    let ours = std::fs::read_link("/proc/self/fd/0").unwrap();
    assert!(
        ours.to_string_lossy().starts_with("pipe:"),
        "stdin is {ours:?}, not a pipe"
    );
    let scripts = Scripts::new();
    let command = stdin_reporter(&scripts);
    let creds = block_on(ProcessProvider::new(command.clone()).provide_credentials()).unwrap();
    assert_eq!(creds.access_key_id(), "/dev/null eof");

    let shared = ProcessProvider::builder()
        .command_line(command.clone())
        .stdin_passthrough(true);
    let creds = block_on(shared.build().provide_credentials()).unwrap();
    // The parent closed its end of the pipe: the script reads end of file from it.
    assert_eq!(creds.access_key_id(), format!("{} eof", ours.display()));

    // The config's extension, which the CLI sets; a builder's choice wins over it.
    let config = ProviderConfig::empty().with_extension(StdinPassthrough(true));
    let by_default = ProcessProvider::builder()
        .config(config.clone())
        .command_line(command.clone())
        .build();
    let by_default = block_on(by_default.provide_credentials());
    let overridden = ProcessProvider::builder()
        .config(config)
        .command_line(command)
        .stdin_passthrough(false)
        .build();
    let overridden = block_on(overridden.provide_credentials());
    assert_eq!(
        by_default.unwrap().access_key_id(),
        format!("{} eof", ours.display())
    );
    assert_eq!(overridden.unwrap().access_key_id(), "/dev/null eof");
}

#[test]
fn stdin_passthrough_keeps_the_program_in_our_process_group() {
    // A program in another group that reads the terminal would be stopped (SIGTTIN).
    let scripts = Scripts::new();
    let our_group = process_group(std::process::id()).unwrap();
    let command = scripts.script(
        "group",
        &format!(
            r#"printf '{{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "{SECRET}"}}' "$(cut -d' ' -f5 /proc/$$/stat)""#
        ),
    );
    let shared = ProcessProvider::builder()
        .command_line(command.clone())
        .stdin_passthrough(true)
        .build();
    let creds = block_on(shared.provide_credentials()).unwrap();
    assert_eq!(creds.access_key_id(), our_group.to_string());
    let creds = block_on(ProcessProvider::new(command).provide_credentials()).unwrap();
    assert_ne!(
        creds.access_key_id(),
        our_group.to_string(),
        "a group of its own"
    );
}

#[test]
fn duration_gives_credentials_without_expiration_one() {
    let scripts = Scripts::new();
    let clock = ManualClock::new("2026-06-01T00:00:00Z".parse().unwrap());
    let config = ProviderConfig::empty().with_clock(clock);
    let command = scripts.printing("no-expiry", &document(None));
    let provider = ProcessProvider::builder()
        .config(config.clone())
        .command_line(command.clone())
        .duration(Duration::from_secs(15 * 60))
        .build();
    let creds = block_on(provider.provide_credentials()).unwrap();
    assert_eq!(
        creds.expiration().unwrap().to_string(),
        "2026-06-01T00:15:00Z"
    );
    assert_eq!(creds.secret_access_key(), SECRET);

    // Without it, none; and an Expiration the program gives wins over it.
    let provider = ProcessProvider::builder()
        .config(config.clone())
        .command_line(command)
        .build();
    assert_eq!(
        block_on(provider.provide_credentials())
            .unwrap()
            .expiration(),
        None
    );
    let command = scripts.printing("expiry", &document(Some("2026-06-01T00:05:00Z")));
    let provider = ProcessProvider::builder()
        .config(config)
        .command_line(command)
        .duration(Duration::from_secs(15 * 60))
        .build();
    assert_eq!(
        block_on(provider.provide_credentials())
            .unwrap()
            .expiration()
            .unwrap()
            .to_string(),
        "2026-06-01T00:05:00Z"
    );
}
