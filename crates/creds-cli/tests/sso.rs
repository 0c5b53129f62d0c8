//! `creds sso login` and `logout` end to end against a loopback SSO-OIDC and portal,
//! and `creds export` of an SSO profile with the token they wrote.

use std::os::unix::fs::PermissionsExt as _;

use creds_testkit::{Method, Reply, TestServer};
use serde_json::json;

use crate::support::{Home, SESSION_SECRET, TOKEN, assert_no_secret, on_terminal, text};

const START_URL: &str = "https://d-1234567890.awsapps.com/start";
const ACCESS_TOKEN: &str = "aoaAAAAAGRpbkdC-CLI-ACCESS-TOKEN";
const REFRESH_TOKEN: &str = "Atzr|IwEBI-CLI-REFRESH-TOKEN";
const CLIENT_SECRET: &str = "eyJraWQiOiJrZXktMTU2Njk2ODA0OCJ9-CLI-CLIENT-SECRET";
const DEVICE_CODE: &str = "device-code-CLI-DEVICE-SECRET";
/// `printf %s my-sso | sha1sum`
const TOKEN_FILE: &str = ".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json";

fn sso_home() -> Home {
    Home::new().with_files(
        &format!(
            "[profile dev]\nsso_session = my-sso\nsso_account_id = 123456789012\n\
             sso_role_name = ReadOnly\n\
             [sso-session my-sso]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\n"
        ),
        "",
    )
}

fn pending() -> Reply {
    Reply::new(400)
        .header("x-amzn-ErrorType", "AuthorizationPendingException")
        .json_body(&json!({"error": "authorization_pending"}))
}

/// An SSO-OIDC that answers `authorization_pending` twice before the token, and a
/// portal.
fn sso_server() -> TestServer {
    let server = TestServer::start_blocking();
    server.route(
        Method::POST,
        "/client/register",
        Reply::json(
            json!({"clientId": "cli-client", "clientSecret": CLIENT_SECRET,
            "clientIdIssuedAt": 1_780_272_000, "clientSecretExpiresAt": 4_102_444_800_i64}),
        ),
    );
    server.route(
        Method::POST,
        "/device_authorization",
        Reply::json(json!({"deviceCode": DEVICE_CODE, "userCode": "WXYZ-1234",
            "verificationUri": "https://device.sso.eu-west-1.amazonaws.com/",
            "verificationUriComplete": "https://device.sso.eu-west-1.amazonaws.com/?user_code=WXYZ-1234",
            "expiresIn": 600, "interval": 1})),
    );
    server
        .route(Method::POST, "/token", pending())
        .then(pending())
        .then(Reply::json(
            json!({"accessToken": ACCESS_TOKEN, "tokenType": "Bearer",
            "expiresIn": 28800, "refreshToken": REFRESH_TOKEN}),
        ));
    server.route(
        Method::GET,
        "/federation/credentials",
        Reply::json(json!({"roleCredentials": {"accessKeyId": "ASIASSOCLI",
            "secretAccessKey": SESSION_SECRET, "sessionToken": TOKEN,
            "expiration": 4_102_444_800_000_i64}})),
    );
    server.route(Method::POST, "/logout", Reply::new(200));
    server
}

const SECRETS: &[&str] = &[
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    CLIENT_SECRET,
    DEVICE_CODE,
    SESSION_SECRET,
    TOKEN,
];

#[test]
fn login_then_export_then_logout() {
    let home = sso_home();
    let server = sso_server();
    let url = server.url();
    let env = [
        ("AWS_ENDPOINT_URL_SSO_OIDC", url.as_str()),
        ("AWS_ENDPOINT_URL_SSO", url.as_str()),
    ];

    // Before the login: what to run.
    let out = home.run(&["export", "--profile", "dev"], &env);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("run `creds sso login --profile dev`"),
        "{}",
        text(&out.stderr)
    );

    let out = home.run(&["sso", "login", "--profile", "dev", "--no-browser"], &env);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("https://device.sso.eu-west-1.amazonaws.com/\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Then enter the code:\n\nWXYZ-1234\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("Successfully logged into Start URL: {START_URL}")),
        "{stderr}"
    );
    assert_no_secret(&out, SECRETS);
    assert_eq!(
        server.requests_to("/token").len(),
        3,
        "pending twice, then the token"
    );

    let path = home.path().join(TOKEN_FILE);
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(written["accessToken"], ACCESS_TOKEN);
    assert_eq!(written["startUrl"], START_URL);
    assert_eq!(written["refreshToken"], REFRESH_TOKEN);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let out = home.run(&["export", "--profile", "dev", "--format", "env"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("export AWS_ACCESS_KEY_ID=ASIASSOCLI\n"));
    assert_eq!(
        server.requests_to("/federation/credentials")[0].header("x-amz-sso_bearer_token"),
        Some(ACCESS_TOKEN)
    );

    let out = home.run(&["sso", "logout", "--sso-session", "my-sso"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("Signed out of"),
        "{}",
        text(&out.stderr)
    );
    assert!(!path.exists());
    assert_eq!(server.requests_to("/logout").len(), 1);
    assert_no_secret(&out, SECRETS);
}

#[test]
fn login_on_a_terminal_shows_the_wait_in_place_then_erases_it() {
    let home = sso_home();
    let server = sso_server();
    let url = server.url();
    let shown = on_terminal(
        &home,
        "sso login --profile dev --no-browser",
        "</dev/null",
        &[
            ("AWS_ENDPOINT_URL_SSO_OIDC", url.as_str()),
            ("AWS_ENDPOINT_URL_SSO", url.as_str()),
        ],
    );
    creds_testkit::assert_no_secret(&shown, SECRETS);
    // Redrawn in place at each poll (the device code lasts 600 s, the service asks
    // for a poll a second), then erased before the outcome.
    let drawn = "\r\x1b[2KWaiting for the approval in the browser (9m ";
    assert!(shown.matches(drawn).count() >= 2, "{shown:?}");
    assert!(shown.contains("s left, checking every 1 s)"), "{shown:?}");
    let last = shown.rfind(drawn).unwrap();
    let done = shown
        .find("Successfully logged into Start URL")
        .expect("logged in");
    assert!(last < done, "{shown:?}");
    assert!(
        shown[last + drawn.len()..done].contains("\r\x1b[2K"),
        "the line is erased before the outcome: {shown:?}"
    );
    assert_eq!(server.requests_to("/token").len(), 3);
}

#[test]
fn login_opens_the_browser_of_browser() {
    let home = sso_home();
    let server = sso_server();
    let url = server.url();
    let opened = home.path().join("opened");
    let browser = home.write_script(
        "browser",
        &format!("echo \"$1\" > '{}'\n", opened.display()),
    );
    let browser = browser.to_str().unwrap();
    let out = home.run(
        &["sso", "login", "--profile", "dev"],
        &[
            ("AWS_ENDPOINT_URL_SSO_OIDC", url.as_str()),
            ("BROWSER", browser),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("Attempting to open your default browser."));
    // The browser is started in the background; it has written by now (the login
    // polled for two seconds).
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap().trim(),
        "https://device.sso.eu-west-1.amazonaws.com/?user_code=WXYZ-1234"
    );
}

#[test]
fn a_profile_and_a_session_together_are_refused() {
    for command in ["login", "logout"] {
        let out = sso_home().run(
            &["sso", command, "--profile", "dev", "--sso-session", "corp"],
            &[],
        );
        assert_eq!(out.status.code(), Some(2), "{command}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("--sso-session") && stderr.contains("--profile"),
            "{stderr}"
        );
    }
}

#[test]
fn login_of_a_profile_without_sso_says_so() {
    let home = Home::new().with_files("[profile plain]\nregion = eu-west-1\n", "");
    let out = home.run(&["sso", "login", "--profile", "plain", "--no-browser"], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("profile 'plain' has no SSO settings"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn export_of_an_aws_login_profile_reads_its_session() {
    let session = "arn:aws:iam::012345678901:user/Admin";
    let home = Home::new().with_files(&format!("[profile dev]\nlogin_session = {session}\n"), "");
    // printf %s "$session" | sha256sum
    let dir = home.path().join(".aws/login/cache");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bca8ae60bac2636a3d8573678cd1b721a8eebd4cf22ce722087d5db62ba04395.json");
    std::fs::write(
        &file,
        json!({"accessToken": {"accessKeyId": "ASIALOGINCLI", "secretAccessKey": SESSION_SECRET,
            "sessionToken": TOKEN, "accountId": "012345678901", "expiresAt": "2999-01-01T00:00:00Z"},
            "tokenType": "aws_sigv4", "clientId": "arn:aws:signin:::devtools/same-device",
            "refreshToken": REFRESH_TOKEN, "dpopKey": "-----BEGIN EC PRIVATE KEY-----\n-----END EC PRIVATE KEY-----\n"})
        .to_string(),
    )
    .unwrap();
    let out = home.run(&["export", "--profile", "dev", "--format", "json"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["AccessKeyId"], "ASIALOGINCLI");
    assert_eq!(doc["AccountId"], "012345678901");
    assert_no_secret(&out, &[REFRESH_TOKEN]);
}
