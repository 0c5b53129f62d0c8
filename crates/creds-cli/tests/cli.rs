//! `creds export` and `creds explain`, their errors and exit codes.

use std::path::{Path, PathBuf};

use crate::support::{Home, SECRET, SESSION_SECRET, TOKEN, assert_no_secret, text};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/aws")
}

#[test]
fn export_demo_profile_from_the_shipped_examples() {
    let home = Home::new();
    let config = examples().join("config");
    let credentials = examples().join("credentials");
    let out = home.run(
        &["export", "--profile", "demo"],
        &[
            ("AWS_CONFIG_FILE", config.to_str().unwrap()),
            ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["Version"], 1);
    assert_eq!(doc["AccessKeyId"], "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(doc["SecretAccessKey"], SECRET);
    assert!(doc.get("SessionToken").is_none());
}

#[test]
fn export_formats_from_environment_variables() {
    let home = Home::new();
    let env = [
        ("AWS_ACCESS_KEY_ID", "ASIAENV"),
        ("AWS_SECRET_ACCESS_KEY", SESSION_SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
        ("AWS_CREDENTIAL_EXPIRATION", "2999-01-01T00:00:00Z"),
    ];
    let out = home.run(&["export", "--format", "env"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("export AWS_ACCESS_KEY_ID=ASIAENV\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("export AWS_SESSION_TOKEN={TOKEN}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains("export AWS_CREDENTIAL_EXPIRATION=2999-01-01T00:00:00Z\n"),
        "{stdout}"
    );

    let out = home.run(&["export", "--format", "json"], &env);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["Provider"], "environment");

    let out = home.run(&["export", "--format", "powershell"], &env);
    assert!(text(&out.stdout).starts_with("$Env:AWS_ACCESS_KEY_ID='ASIAENV'\n"));
    let out = home.run(&["export", "--format", "env-no-export"], &env);
    assert!(text(&out.stdout).starts_with("AWS_ACCESS_KEY_ID=ASIAENV\n"));
}

#[test]
fn explain_shows_each_source_and_no_secret() {
    let home = Home::new().with_files(
        "[profile work]\nregion = eu-west-1\n",
        &format!("[work]\naws_access_key_id = ASIAWORK\naws_secret_access_key = {SESSION_SECRET}\naws_session_token = {TOKEN}\n"),
    );
    // A half-set key pair: the environment is skipped, with the reason shown.
    let out = home.run(
        &["explain"],
        &[("AWS_PROFILE", "work"), ("AWS_ACCESS_KEY_ID", "AKIAHALF")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("profile: work (chosen by AWS_PROFILE)"),
        "{stdout}"
    );
    assert!(stdout.contains("1. environment"), "{stdout}");
    assert!(stdout.contains("AWS_SECRET_ACCESS_KEY is not"), "{stdout}");
    assert!(
        stdout.contains("2. profile") && stdout.contains("found"),
        "{stdout}"
    );
    assert!(
        stdout.contains("access key id ASIAWORK, with a session token"),
        "{stdout}"
    );
    // Which file line decided it.
    let credentials_file = home.path().join(".aws/credentials");
    assert!(
        stdout.contains(&format!(
            "from static keys of profile 'work' at {}:2",
            credentials_file.display()
        )),
        "{stdout}"
    );
    // The warning also reaches stderr.
    assert!(
        text(&out.stderr).contains("AWS_SECRET_ACCESS_KEY"),
        "{}",
        text(&out.stderr)
    );
    assert_no_secret(&out, &[SESSION_SECRET, TOKEN]);

    let out = home.run(&["explain", "--json"], &[("AWS_PROFILE", "work")]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["sources"][0]["outcome"], "not configured");
    assert_eq!(doc["sources"][1]["outcome"], "found");
    assert_eq!(doc["result"]["provider"], "profile");
    assert!(
        doc["sources"][1]["origin"]
            .as_str()
            .is_some_and(|o| o.ends_with("credentials:2")),
        "{doc}"
    );
    assert_no_secret(&out, &[SESSION_SECRET, TOKEN]);

    // The environment names the variables that decided.
    let out = home.run(
        &["explain"],
        &[
            ("AWS_ACCESS_KEY_ID", "ASIAENV"),
            ("AWS_SECRET_ACCESS_KEY", SESSION_SECRET),
            ("AWS_SESSION_TOKEN", TOKEN),
        ],
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "access key id ASIAENV, with a session token, from AWS_ACCESS_KEY_ID, \
             AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN"
        ),
        "{stdout}"
    );
    assert_no_secret(&out, &[SESSION_SECRET, TOKEN]);
}

#[test]
fn failures_exit_with_their_code_and_one_clear_line() {
    let home = Home::new().with_files(
        &format!("[profile loop-a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = loop-b\n\
         [profile loop-b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = loop-a\n\
         [profile proc]\ncredential_process = /bin/false --token {SECRET}\nexternal_id = {SECRET}\n"),
        &format!("[empty-secret]\naws_access_key_id = AKIA\naws_secret_access_key =\naws_session_token = {SECRET}\n\
         [holder]\naws_access_key_id = AKIAHOLDER\naws_secret_access_key = {SECRET}\n"),
    );
    let cases: &[(&[&str], u8, &str)] = &[
        (
            &["export", "--profile", "nope"],
            3,
            "profile 'nope' does not exist",
        ),
        (&["export", "--profile", "empty-secret"], 3, "credentials:3"),
        (
            &["export", "--profile", "loop-a"],
            3,
            "loop-a -> loop-b -> loop-a",
        ),
        (
            &["export", "--profile", "proc"],
            4,
            "the credential process `/bin/false` failed",
        ),
        (&["explain", "--profile", "nope"], 3, "does not exist"),
    ];
    for (args, code, needle) in cases {
        // -vv: every log line, down to trace, is checked for secrets too.
        let out = home.run(&[args, &["-vv"][..]].concat(), &[]);
        let stderr = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(i32::from(*code)),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        let error_lines = stderr
            .lines()
            .filter(|l| l.starts_with("creds: error: "))
            .count();
        assert_eq!(error_lines, 1, "one error line: {stderr}");
        assert!(out.stdout.is_empty() || args[0] == "explain");
        assert_no_secret(&out, &[SECRET]);
    }
    // A malformed file is reported where it is malformed, without echoing the line.
    let home = Home::new().with_files(
        "",
        &format!("[ok]\n\n[bad]\naws_access_key_id = AKIA\naws_secret_access_key {SECRET}\n"),
    );
    let out = home.run(&["export", "-vv"], &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("credentials:5"), "{stderr}");
    assert_no_secret(&out, &[SECRET]);
}

#[test]
fn export_a_credential_process_profile() {
    let home = Home::new();
    let script = home.path().join("helper.sh");
    std::fs::write(
        &script,
        format!(
            "printf '%s' '{{\"Version\": 1, \"AccessKeyId\": \"ASIAHELPER\", \"SecretAccessKey\": \"{SESSION_SECRET}\", \
             \"SessionToken\": \"{TOKEN}\", \"Expiration\": \"2999-01-01T00:00:00Z\"}}'\n"
        ),
    )
    .unwrap();
    let home = home.with_files(
        &format!(
            "[profile p]\naws_account_id = 123456789012\ncredential_process = sh {}\n",
            script.display()
        ),
        "",
    );
    let out = home.run(&["export", "--profile", "p"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["Version"], 1);
    assert_eq!(doc["AccessKeyId"], "ASIAHELPER");
    assert_eq!(doc["SecretAccessKey"], SESSION_SECRET);
    assert_eq!(doc["SessionToken"], TOKEN);
    assert_eq!(doc["Expiration"], "2999-01-01T00:00:00Z");
    assert_eq!(doc["AccountId"], "123456789012");

    // A wrong document: exit 3, the field named, no secret anywhere (-vv logs too).
    std::fs::write(
        &script,
        format!("printf '%s' '{{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"{SESSION_SECRET}\"}}'\n"),
    )
    .unwrap();
    let out = home.run(&["export", "--profile", "p", "-vv"], &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("Version is not the number 1"), "{stderr}");
    assert!(stderr.contains("config:3"), "{stderr}");
    assert_no_secret(&out, &[SESSION_SECRET, TOKEN]);
}

#[test]
fn nothing_configured_exits_1_and_says_what_was_tried() {
    let home = Home::new();
    let out = home.run(&["export"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no credentials found"), "{stderr}");
    assert!(
        stderr.contains("environment (") && stderr.contains("profile ("),
        "{stderr}"
    );
}

#[test]
fn help_documents_exit_codes() {
    let out = Home::new().run(&["export", "--help"], &[]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Exit codes:") && stdout.contains("3  invalid configuration"),
        "{stdout}"
    );
    let out = Home::new().run(&["export", "--format", "yaml"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn creds_running_itself_as_credential_process_stops() {
    let creds = env!("CARGO_BIN_EXE_creds");
    let home = Home::new().with_files(
        &format!("[profile loopy]\ncredential_process = {creds} export --profile loopy\n"),
        "",
    );
    let started = std::time::Instant::now();
    let out = home.run(&["export", "--profile", "loopy"], &[]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("running inside itself"), "{stderr}");
    // Bounded by the depth, not by four nested one-minute timeouts.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn exec_runs_the_command_with_the_credentials_and_its_exit_code() {
    let home = Home::new().with_files(
        "",
        &format!("[static]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = {SECRET}\n"),
    );
    let script = "printf '%s|%s|%s|%s|%s\\n' \"$AWS_ACCESS_KEY_ID\" \"${AWS_SESSION_TOKEN-unset}\" \
                  \"${AWS_PROFILE-unset}\" \"${AWS_CONTAINER_CREDENTIALS_FULL_URI-unset}\" \
                  \"$(printf %s \"$AWS_SECRET_ACCESS_KEY\" | wc -c)\"; exit 7";
    let out = home.run(
        &["exec", "--profile", "static", "--", "sh", "-c", script],
        &[
            ("PATH", "/usr/bin:/bin"),
            ("AWS_PROFILE", "other"),
            ("AWS_SESSION_TOKEN", "STALE-TOKEN"),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/"),
        ],
    );
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
    // Long-term keys: the stale token and the conflicting variables are gone.
    assert_eq!(
        text(&out.stdout),
        format!("AKIASTATIC|unset|unset|unset|{}\n", SECRET.len())
    );
    assert_no_secret(&out, &[SECRET]);
}

#[test]
fn exec_removes_every_variable_that_could_choose_another_identity() {
    let home = Home::new().with_files(
        "[profile static]\nregion = eu-west-3\n",
        &format!("[static]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = {SECRET}\n"),
    );
    let conflicting = [
        ("AWS_PROFILE", "other"),
        ("AWS_DEFAULT_PROFILE", "other"),
        ("AWS_SESSION_TOKEN", "STALE"),
        ("AWS_SECURITY_TOKEN", "STALE"),
        ("AWS_CREDENTIAL_EXPIRATION", "2999-01-01T00:00:00Z"),
        ("AWS_ACCOUNT_ID", "111122223333"),
        (
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "/v2/credentials/x",
        ),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "STALE"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/no/such/file"),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/no/such/file"),
        ("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/other"),
        ("AWS_ROLE_SESSION_NAME", "other"),
    ];
    let names = "env | cut -d= -f1 | grep '^AWS_' | sort | tr '\\n' ' '";
    let out = home.run(
        &["exec", "--profile", "static", "--", "sh", "-c", names],
        &[&[("PATH", "/usr/bin:/bin")], conflicting.as_slice()].concat(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The profile's region comes along, since AWS_PROFILE does not.
    assert_eq!(
        text(&out.stdout),
        "AWS_ACCESS_KEY_ID AWS_DEFAULT_REGION AWS_EC2_METADATA_DISABLED AWS_ENDPOINT_URL AWS_REGION \
         AWS_SECRET_ACCESS_KEY "
    );
    let region = "printf '%s %s' \"$AWS_REGION\" \"$AWS_DEFAULT_REGION\"";
    let out = home.run(
        &["exec", "--profile", "static", "--", "sh", "-c", region],
        &[("PATH", "/usr/bin:/bin")],
    );
    assert_eq!(text(&out.stdout), "eu-west-3 eu-west-3");
    // A region the user set wins over the profile's.
    let out = home.run(
        &["exec", "--profile", "static", "--", "sh", "-c", region],
        &[("PATH", "/usr/bin:/bin"), ("AWS_REGION", "us-west-2")],
    );
    assert_eq!(text(&out.stdout), "us-west-2 ");
}

#[test]
fn exec_passes_session_credentials_and_signals() {
    let home = Home::new();
    let env = [
        ("PATH", "/usr/bin:/bin"),
        ("AWS_ACCESS_KEY_ID", "ASIAENV"),
        ("AWS_SECRET_ACCESS_KEY", SESSION_SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
        ("AWS_CREDENTIAL_EXPIRATION", "2999-01-01T00:00:00Z"),
    ];
    let out = home.run(
        &["exec", "--", "sh", "-c", "printf '%s %s\\n' \"$AWS_ACCESS_KEY_ID\" \"$AWS_CREDENTIAL_EXPIRATION\"; test \"$AWS_SESSION_TOKEN\" = \"$EXPECTED\""],
        &[env.as_slice(), &[("EXPECTED", TOKEN)]].concat(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "ASIAENV 2999-01-01T00:00:00Z\n");

    // The command is creds' own process: a signal that kills it is reported as such.
    let out = home.run(&["exec", "--", "sh", "-c", "kill -TERM $$"], &env);
    use std::os::unix::process::ExitStatusExt as _;
    assert_eq!(out.status.signal(), Some(15), "{:?}", out.status);
}

#[test]
fn exec_reports_a_missing_command_and_unresolvable_credentials() {
    let home = Home::new();
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIA"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ];
    let out = home.run(&["exec", "--", "/no/such/command-xyz"], &env);
    assert_eq!(out.status.code(), Some(127));
    assert!(
        text(&out.stderr).contains("command not found"),
        "{}",
        text(&out.stderr)
    );
    assert_no_secret(&out, &[SECRET]);

    let out = home.run(&["exec", "--", "true"], &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "no credentials: {}",
        text(&out.stderr)
    );
    let out = home.run(&["exec"], &[]);
    assert_eq!(out.status.code(), Some(2), "a command is required");
}

/// Three roles across both files, down to static keys.
fn role_chain_home() -> Home {
    Home::new().with_files(
        "[profile dev]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = ops\n\
         [profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = audit\n\
         [profile audit]\nrole_arn = arn:aws:iam::123456789012:role/audit\nsource_profile = base\n\
         [profile from-env]\nrole_arn = arn:aws:iam::123456789012:role/env\ncredential_source = Environment\n\
         [profile loop-a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = loop-b\n\
         [profile loop-b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = loop-a\n",
        &format!(
            "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"
        ),
    )
}

/// A loopback STS that answers the role chain's three hops, innermost first.
fn sts_for_the_chain() -> creds_testkit::TestServer {
    let server = creds_testkit::TestServer::start_blocking();
    let mut route = server.route(creds_testkit::Method::POST, "/", assumed("ASIAAUDIT"));
    for key in ["ASIAOPS", "ASIADEV"] {
        route = route.then(assumed(key));
    }
    server
}

fn assumed(key: &str) -> creds_testkit::Reply {
    creds_testkit::Reply::ok(format!(
        "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>\
         </AssumedRoleUser><Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{SESSION_SECRET}</SecretAccessKey>\
         <SessionToken>{TOKEN}</SessionToken><Expiration>2999-01-01T00:00:00Z</Expiration></Credentials>\
         </AssumeRoleResult></AssumeRoleResponse>"
    ))
}

#[test]
fn explain_shows_the_whole_role_chain() {
    let home = role_chain_home();
    let sts = sts_for_the_chain();
    let out = home.run(
        &["explain", "--profile", "dev"],
        &[("AWS_ENDPOINT_URL_STS", &sts.url())],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    // Each hop, the key that signed its call and where that key came from.
    let endpoint = sts.url();
    assert!(
        stdout.contains(&format!(
            "ASIADEV, with a session token, expires 2999-01-01T00:00:00Z, account 123456789012, from role \
             arn:aws:iam::123456789012:role/dev from STS at {endpoint}, signed by ASIAOPS (valid until \
             2999-01-01T00:00:00Z) from role arn:aws:iam::123456789012:role/ops from STS at {endpoint}, \
             signed by ASIAAUDIT (valid until 2999-01-01T00:00:00Z) from role \
             arn:aws:iam::123456789012:role/audit from STS at {endpoint}, signed by AKIABASE from static \
             keys of profile 'base' at "
        )),
        "{stdout}"
    );
    let signers: Vec<String> = sts
        .requests()
        .iter()
        .map(|r| {
            r.header("authorization")
                .unwrap()
                .split('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        signers,
        [
            "AWS4-HMAC-SHA256 Credential=AKIABASE",
            "AWS4-HMAC-SHA256 Credential=ASIAAUDIT",
            "AWS4-HMAC-SHA256 Credential=ASIAOPS"
        ]
    );
    for needle in [
        "       role chain: dev -> ops -> audit -> base\n",
        "dev    assumes arn:aws:iam::123456789012:role/dev    (config:3) via source_profile ops (config:4)\n",
        "ops    assumes arn:aws:iam::123456789012:role/ops    (config:6) via source_profile audit (config:7)\n",
        "audit  assumes arn:aws:iam::123456789012:role/audit  (config:9) via source_profile base (config:10)\n",
        "base   static keys AKIABASE (credentials:2)\n",
    ] {
        assert!(stdout.contains(needle), "{needle:?} in\n{stdout}");
    }
    assert_no_secret(&out, &[SECRET, TOKEN, SESSION_SECRET]);

    // STS unreachable: the failure, and the chain it would take.
    let out = home.run(&["explain", "--profile", "dev"], &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("connection refused"), "{stdout}");
    assert!(
        stdout.contains("role chain: dev -> ops -> audit -> base\n"),
        "{stdout}"
    );
    assert_no_secret(&out, &[SECRET, TOKEN]);

    // An earlier source won: the chain the profile would use is shown all the same.
    let out = home.run(
        &["explain"],
        &[
            ("AWS_PROFILE", "from-env"),
            ("AWS_ACCESS_KEY_ID", "AKIAENV"),
            ("AWS_SECRET_ACCESS_KEY", SESSION_SECRET),
        ],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("role chain (not tried): from-env -> credential_source Environment\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("via credential_source Environment (config:13)"),
        "{stdout}"
    );
    assert_no_secret(&out, &[SECRET, TOKEN, SESSION_SECRET]);
}

#[test]
fn explain_json_has_the_role_chain() {
    let home = role_chain_home();
    let out = home.run(&["explain", "--profile", "dev", "--json"], &[]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // --profile: the environment sits the chain out, the profile comes first.
    let profile = &doc["sources"][0];
    assert_eq!(profile["name"], "profile");
    assert_eq!(profile["outcome"], "failed");
    let chain = &profile["role_chain"];
    assert_eq!(
        chain["profiles"],
        serde_json::json!(["dev", "ops", "audit", "base"])
    );
    let config = home.path().join(".aws/config").display().to_string();
    let credentials = home.path().join(".aws/credentials").display().to_string();
    assert_eq!(
        chain["hops"][0],
        serde_json::json!({
            "profile": "dev",
            "role_arn": "arn:aws:iam::123456789012:role/dev",
            "location": format!("{config}:3"),
            "via": { "kind": "source_profile", "name": "ops", "location": format!("{config}:4") },
        })
    );
    assert_eq!(chain["hops"][2]["profile"], "audit");
    assert_eq!(chain["hops"].as_array().unwrap().len(), 3);
    assert_eq!(
        chain["base"],
        serde_json::json!({
            "kind": "static_keys",
            "profile": "base",
            "access_key_id": "AKIABASE",
            "location": format!("{credentials}:2"),
        })
    );
    assert_no_secret(&out, &[SECRET, TOKEN]);

    let out = home.run(&["explain", "--profile", "from-env", "--json"], &[]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["sources"][0]["role_chain"]["base"],
        serde_json::json!({
            "kind": "credential_source",
            "name": "Environment",
            "location": format!("{config}:13"),
        })
    );
}

#[test]
fn explain_shows_a_role_chain_loop() {
    let home = role_chain_home();
    let out = home.run(&["explain", "--profile", "loop-a"], &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("the role chain loops: loop-a -> loop-b -> loop-a")
            && stdout.contains("config:19"),
        "{stdout}"
    );
    assert!(!stdout.contains("role chain:"), "{stdout}");
    assert_no_secret(&out, &[SECRET, TOKEN]);

    let out = home.run(&["explain", "--profile", "loop-a", "--json"], &[]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["sources"][0]["outcome"], "failed");
    assert!(doc["sources"][0]["role_chain"].is_null());
    assert!(
        doc["sources"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("loop-a -> loop-b -> loop-a"),
        "{doc}"
    );

    // Not tried (the environment won): the loop is still reported.
    let out = home.run(
        &["explain"],
        &[
            ("AWS_PROFILE", "loop-a"),
            ("AWS_ACCESS_KEY_ID", "AKIAENV"),
            ("AWS_SECRET_ACCESS_KEY", SESSION_SECRET),
        ],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "would fail: invalid configuration: the role chain loops: loop-a -> loop-b -> loop-a"
        ),
        "{stdout}"
    );
    assert_no_secret(&out, &[SECRET, TOKEN, SESSION_SECRET]);
}

#[test]
fn explain_shows_a_service_error_code() {
    let server = creds_testkit::TestServer::start_blocking();
    server.route(
        creds_testkit::Method::GET,
        "/creds",
        creds_testkit::Reply::new(403)
            .json_body(&serde_json::json!({"Code": "AccessDenied", "Message": "not this role"})),
    );
    let uri = server.uri("/creds");
    let env = [("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str())];
    let home = Home::new();
    let out = home.run(&["explain"], &env);
    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("AccessDenied: not this role (check the authorization token) [service code AccessDenied]"),
        "{stdout}"
    );
    let out = home.run(&["explain", "--json"], &env);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let container = doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "container")
        .unwrap();
    assert_eq!(container["service_code"], "AccessDenied", "{doc}");
    assert_eq!(doc["result"]["service_code"], "AccessDenied", "{doc}");
    assert_eq!(doc["result"]["timed_out"], false, "{doc}");
}
