//! Roles from the command line: MFA codes (`--mfa-code`, or none to be had), and the
//! assumed-role file cache of `export` and `exec` (`--no-cache`).

use creds_testkit::{Method, Reply, TestServer};

use crate::support::{Home, SECRET, SESSION_SECRET, TOKEN, assert_no_secret, text};

fn assumed(key: &str) -> Reply {
    Reply::ok(format!(
        "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>\
         </AssumedRoleUser><Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{SESSION_SECRET}</SecretAccessKey>\
         <SessionToken>{TOKEN}</SessionToken><Expiration>2999-01-01T00:00:00Z</Expiration></Credentials>\
         </AssumeRoleResult></AssumeRoleResponse>"
    ))
}

fn role_home(extra: &str) -> Home {
    Home::new().with_files(
        &format!(
            "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n{extra}"
        ),
        &format!("[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = {SECRET}\n"),
    )
}

fn form_field(body: &str, name: &str) -> Option<String> {
    body.split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
}

#[test]
fn an_mfa_role_takes_the_code_given_or_says_how_to_give_one() {
    let home = role_home("mfa_serial = arn:aws:iam::123456789012:mfa/me\n");
    let sts = TestServer::start_blocking();
    sts.route(Method::POST, "/", assumed("ASIAMFA"));
    let url = sts.url();
    let env = [("AWS_ENDPOINT_URL_STS", url.as_str())];

    let out = home.run(
        &[
            "export",
            "--profile",
            "role",
            "--mfa-code",
            "123456",
            "--no-cache",
        ],
        &env,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body = sts.requests()[0].body_text();
    assert_eq!(form_field(&body, "TokenCode").as_deref(), Some("123456"));
    assert_eq!(
        form_field(&body, "SerialNumber").as_deref(),
        Some("arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme")
    );

    // stdin is not a terminal and no code is given: an error that says what to do.
    let out = home.run(&["export", "--profile", "role", "--no-cache"], &env);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("needs an MFA code for arn:aws:iam::123456789012:mfa/me"),
        "{stderr}"
    );
    assert!(stderr.contains("--mfa-code"), "{stderr}");
    assert_eq!(sts.request_count(), 1, "no call without a code");
    assert_no_secret(&out, &[SECRET, SESSION_SECRET, TOKEN]);
}

#[test]
fn export_and_exec_keep_assumed_roles_in_the_aws_cli_cache() {
    let home = role_home("");
    let sts = TestServer::start_blocking();
    sts.route(Method::POST, "/", assumed("ASIACACHED"));
    let url = sts.url();
    let env = [("AWS_ENDPOINT_URL_STS", url.as_str())];

    let out = home.run(&["export", "--profile", "role"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(sts.request_count(), 1);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["AccessKeyId"], "ASIACACHED");

    // Again, and through exec: from the file, no STS call.
    let out = home.run(&["export", "--profile", "role"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again, doc);
    let out = home.run(
        &[
            "exec",
            "--profile",
            "role",
            "--",
            "sh",
            "-c",
            "printf %s \"$AWS_ACCESS_KEY_ID\"",
        ],
        &[&env[..], &[("PATH", "/usr/bin:/bin")]].concat(),
    );
    assert_eq!(text(&out.stdout), "ASIACACHED", "{}", text(&out.stderr));
    assert_eq!(sts.request_count(), 1);

    // The file: botocore's name for RoleArn alone, readable by its owner only.
    let dir = home.path().join(".aws/cli/cache");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // python3: hashlib.sha1(json.dumps({"RoleArn": "arn:aws:iam::123456789012:role/r"},
    // sort_keys=True).encode()).hexdigest()
    assert_eq!(names, ["6dc9e6e1e186b9f293814df3266de783142c48a2.json"]);
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.join(&names[0]))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // --no-cache: STS is called.
    let out = home.run(&["export", "--profile", "role", "--no-cache"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(sts.request_count(), 2);
    // explain reads no cache either.
    let out = home.run(&["explain", "--profile", "role"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(sts.request_count(), 3);
}
