//! `CognitoIdentityPoolProvider` and `CognitoIdentityProvider` against a loopback
//! Cognito Identity that routes on `X-Amz-Target`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use creds_cognito::{
    CognitoIdentityPoolProvider, CognitoIdentityProvider, FileStore, IdentityIdStore, Logins,
    MemoryStore,
};
use creds_core::{Env, ErrorKind, Fs, ProvideCredentials, ProviderConfig};
use creds_testkit::{
    Method, Reply, TestServer, assert_no_secret, capture_logs, captured_logs, expect_credentials,
    expect_error,
};
use serde_json::{Value, json};

const POOL: &str = "eu-west-2:4a5b6c7d-0000-4000-8000-123456789abc";
const IDENTITY: &str = "eu-west-2:9f8e7d6c-1111-4111-8111-abcdefabcdef";
const OTHER_IDENTITY: &str = "eu-west-2:00000000-2222-4222-8222-000000000000";
const SECRET: &str = "wJalrXUtnFEMI-COGNITO-SECRET";
const TOKEN: &str = "IQoJb3JpZ2luX2VjE-COGNITO-TOKEN";
const GOOGLE_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJnb29nbGUifQ.GOOGLE-ID-TOKEN";
const SECRETS: &[&str] = &[SECRET, TOKEN, GOOGLE_TOKEN];

const GET_ID: &str = "AWSCognitoIdentityService.GetId";
const GET_CREDENTIALS: &str = "AWSCognitoIdentityService.GetCredentialsForIdentity";

fn get_id(server: &TestServer, reply: Reply) -> creds_testkit::Route<'_> {
    server.route_with_header(Method::POST, "/", "x-amz-target", GET_ID, reply)
}

fn get_credentials(server: &TestServer, reply: Reply) -> creds_testkit::Route<'_> {
    server.route_with_header(Method::POST, "/", "x-amz-target", GET_CREDENTIALS, reply)
}

fn identity(id: &str) -> Reply {
    Reply::json(json!({"IdentityId": id}))
}

fn credentials(id: &str, key: &str, expiration: Value) -> Reply {
    Reply::json(json!({"IdentityId": id, "Credentials": {"AccessKeyId": key,
        "SecretKey": SECRET, "SessionToken": TOKEN, "Expiration": expiration}}))
}

fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::new(status)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amzn-RequestId", "cog-req-1")
        .json_body(&json!({"__type": code, "message": message}))
}

fn config(server: &TestServer, env: &[(&str, &str)]) -> ProviderConfig {
    let url = server.url();
    let mut vars = vec![("AWS_ENDPOINT_URL_COGNITO_IDENTITY", url.as_str())];
    vars.extend_from_slice(env);
    ProviderConfig::empty().with_env(Env::from_pairs(vars))
}

fn calls(server: &TestServer, target: &str) -> Vec<Value> {
    server
        .requests()
        .iter()
        .filter(|r| r.header("x-amz-target") == Some(target))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn an_unauthenticated_identity_is_got_once_and_kept() {
    let server = TestServer::start().await;
    get_id(&server, identity(IDENTITY));
    get_credentials(
        &server,
        credentials(IDENTITY, "ASIACOG1", json!(1_780_272_000.25)),
    );
    let store = Arc::new(MemoryStore::new());
    let provider = CognitoIdentityPoolProvider::builder(POOL)
        .config(config(&server, &[]))
        .account_id("123456789012")
        .store(store.clone())
        .build();
    let creds = expect_credentials(provider.provide_credentials().await, SECRETS);
    assert_eq!(creds.access_key_id(), "ASIACOG1");
    assert_eq!(creds.secret_access_key(), SECRET);
    assert_eq!(creds.session_token(), Some(TOKEN));
    assert_eq!(
        creds.expiration().unwrap().to_string(),
        "2026-06-01T00:00:00.25Z"
    );
    assert_eq!(creds.provider_name(), "cognito");
    assert!(
        creds.origin().unwrap().contains(IDENTITY),
        "{:?}",
        creds.origin()
    );

    for request in server.requests() {
        assert_eq!(request.method, Method::POST);
        assert_eq!(request.target, "/");
        assert_eq!(
            request.header("content-type"),
            Some("application/x-amz-json-1.1")
        );
        assert_eq!(request.header("authorization"), None, "unsigned");
    }
    assert_eq!(
        calls(&server, GET_ID),
        [json!({"IdentityPoolId": POOL, "AccountId": "123456789012"})]
    );
    assert_eq!(
        calls(&server, GET_CREDENTIALS),
        [json!({"IdentityId": IDENTITY})]
    );
    let key = format!("aws:cognito-identity-credentials:{POOL}:ANONYMOUS");
    assert_eq!(provider.store_key(), Some(key.as_str()));
    assert_eq!(store.get(&key).as_deref(), Some(IDENTITY));
    assert_eq!(provider.identity_id().await.as_deref(), Some(IDENTITY));

    // The next refresh skips GetId.
    provider.provide_credentials().await.unwrap();
    assert_eq!(calls(&server, GET_ID).len(), 1);
    assert_eq!(calls(&server, GET_CREDENTIALS).len(), 2);

    // Another provider sharing the store skips it too.
    let again = CognitoIdentityPoolProvider::builder(POOL)
        .config(config(&server, &[]))
        .store(store)
        .build();
    again.provide_credentials().await.unwrap();
    assert_eq!(calls(&server, GET_ID).len(), 1);
}

#[tokio::test]
async fn logins_are_fetched_at_every_refresh_and_never_shown() {
    capture_logs();
    let server = TestServer::start().await;
    get_id(&server, identity(IDENTITY));
    get_credentials(
        &server,
        credentials(IDENTITY, "ASIACOGAUTH", json!(1_780_272_000)),
    );
    let fetched = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&fetched);
    let logins = Logins::new()
        .token("accounts.google.com", GOOGLE_TOKEN)
        .callback(
            "cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Pool",
            move || {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                async move { Ok(format!("fresh-idp-token-{n}")) }
            },
        );
    let provider = CognitoIdentityPoolProvider::builder(POOL)
        .config(config(&server, &[]))
        .logins(logins)
        .custom_role_arn("arn:aws:iam::123456789012:role/app-users")
        .build();
    // Logins and no user identifier: the store is not used (the JavaScript SDK's rule).
    assert_eq!(provider.store_key(), None);
    provider.provide_credentials().await.unwrap();
    provider.provide_credentials().await.unwrap();
    assert_eq!(fetched.load(Ordering::SeqCst), 2, "once per refresh");
    let logins_of = |body: &Value| body["Logins"].clone();
    assert_eq!(
        logins_of(&calls(&server, GET_ID)[0]),
        json!({"accounts.google.com": GOOGLE_TOKEN,
               "cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Pool": "fresh-idp-token-1"})
    );
    let creds_calls = calls(&server, GET_CREDENTIALS);
    assert_eq!(creds_calls.len(), 2);
    assert_eq!(
        creds_calls[1]["Logins"]["cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Pool"],
        "fresh-idp-token-2"
    );
    assert_eq!(
        creds_calls[1]["CustomRoleArn"],
        "arn:aws:iam::123456789012:role/app-users"
    );
    assert_eq!(
        calls(&server, GET_ID).len(),
        1,
        "the id is kept in the provider"
    );

    // Cognito echoes a token in its error: it is blanked out.
    get_credentials(
        &server,
        error(
            400,
            "NotAuthorizedException",
            &format!("Invalid login token {GOOGLE_TOKEN}"),
        ),
    );
    get_id(
        &server,
        error(
            400,
            "NotAuthorizedException",
            &format!("Invalid login token {GOOGLE_TOKEN}"),
        ),
    );
    let failed = expect_error(provider.provide_credentials().await, SECRETS);
    assert_eq!(failed.kind(), ErrorKind::Rejected);
    assert_eq!(failed.service_code(), Some("NotAuthorizedException"));
    assert!(
        failed
            .to_string()
            .contains("check that the login tokens are valid"),
        "{failed}"
    );
    assert_no_secret(&format!("{provider:?}"), SECRETS);
    assert_no_secret(&captured_logs(), SECRETS);
}

#[tokio::test]
async fn a_kept_id_that_cognito_rejects_is_dropped_and_got_again_once() {
    let server = TestServer::start().await;
    get_id(&server, identity(IDENTITY));
    get_credentials(
        &server,
        error(400, "ResourceNotFoundException", "Identity not found"),
    )
    .then(credentials(IDENTITY, "ASIAAFTER", json!(1_780_272_000)));
    let store = Arc::new(MemoryStore::new());
    let key = format!("aws:cognito-identity-credentials:{POOL}:user-7");
    store.set(&key, OTHER_IDENTITY);
    let provider = CognitoIdentityPoolProvider::builder(POOL)
        .config(config(&server, &[]))
        .user_identifier("user-7")
        .store(store.clone())
        .build();
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAAFTER");
    let asked: Vec<Value> = calls(&server, GET_CREDENTIALS)
        .iter()
        .map(|b| b["IdentityId"].clone())
        .collect();
    assert_eq!(asked, [json!(OTHER_IDENTITY), json!(IDENTITY)]);
    assert_eq!(calls(&server, GET_ID).len(), 1);
    assert_eq!(store.get(&key).as_deref(), Some(IDENTITY));

    // Once only: a fresh id that is refused too is the error.
    server.clear_requests();
    store.set(&key, OTHER_IDENTITY);
    let provider = CognitoIdentityPoolProvider::builder(POOL)
        .config(config(&server, &[]))
        .user_identifier("user-7")
        .store(store)
        .build();
    get_credentials(
        &server,
        error(400, "ResourceNotFoundException", "Identity not found"),
    );
    let failed = provider.provide_credentials().await.unwrap_err();
    assert_eq!(failed.service_code(), Some("ResourceNotFoundException"));
    assert!(
        failed
            .to_string()
            .contains("check the pool id and the region"),
        "{failed}"
    );
    // Cognito's own words are kept.
    assert!(
        failed.to_string().contains("Identity not found"),
        "{failed}"
    );
    assert_eq!(calls(&server, GET_CREDENTIALS).len(), 2);
    assert_eq!(calls(&server, GET_ID).len(), 1);
}

/// In a provider that lives on, an id that worked at one refresh and is rejected at a
/// later one (the identity deleted, the pool's logins changed) is kept from before that
/// fetch: it is dropped and got again, whether `GetId` or the store gave it.
#[tokio::test]
async fn an_id_rejected_at_a_later_refresh_is_dropped_and_got_again() {
    for code in ["ResourceNotFoundException", "NotAuthorizedException"] {
        for from_store in [false, true] {
            let case = format!("{code}, id from the store: {from_store}");
            let server = TestServer::start().await;
            let key = format!("aws:cognito-identity-credentials:{POOL}:ANONYMOUS");
            let store = Arc::new(MemoryStore::new());
            if from_store {
                store.set(&key, IDENTITY);
                get_id(&server, identity(OTHER_IDENTITY));
            } else {
                get_id(&server, identity(IDENTITY)).then(identity(OTHER_IDENTITY));
            }
            get_credentials(
                &server,
                credentials(IDENTITY, "ASIAFIRST", json!(1_780_272_000)),
            )
            .then(error(400, code, "Identity rejected"))
            .then(credentials(
                OTHER_IDENTITY,
                "ASIASECOND",
                json!(1_780_272_000),
            ));
            let provider = CognitoIdentityPoolProvider::builder(POOL)
                .config(config(&server, &[]))
                .store(store.clone())
                .build();
            let first = provider.provide_credentials().await.unwrap();
            assert_eq!(first.access_key_id(), "ASIAFIRST", "{case}");
            let second = provider.provide_credentials().await.unwrap();
            assert_eq!(second.access_key_id(), "ASIASECOND", "{case}");
            let asked: Vec<Value> = calls(&server, GET_CREDENTIALS)
                .iter()
                .map(|b| b["IdentityId"].clone())
                .collect();
            assert_eq!(
                asked,
                [json!(IDENTITY), json!(IDENTITY), json!(OTHER_IDENTITY)],
                "{case}"
            );
            let get_ids = if from_store { 1 } else { 2 };
            assert_eq!(calls(&server, GET_ID).len(), get_ids, "{case}");
            assert_eq!(store.get(&key).as_deref(), Some(OTHER_IDENTITY), "{case}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_callers_make_one_get_id() {
    let server = TestServer::start().await;
    get_id(
        &server,
        identity(IDENTITY).delay(std::time::Duration::from_millis(200)),
    );
    get_credentials(
        &server,
        credentials(IDENTITY, "ASIAMANY", json!(1_780_272_000)),
    );
    let provider = CognitoIdentityPoolProvider::builder(POOL)
        .config(config(&server, &[]))
        .build();
    let callers: Vec<_> = (0..100)
        .map(|_| {
            let provider = provider.clone();
            tokio::spawn(async move { provider.provide_credentials().await })
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap().unwrap().access_key_id(), "ASIAMANY");
    }
    assert_eq!(calls(&server, GET_ID).len(), 1);
}

#[tokio::test]
async fn throttling_and_5xx_are_retried() {
    let server = TestServer::start().await;
    get_id(
        &server,
        error(400, "TooManyRequestsException", "Rate exceeded"),
    )
    .then(Reply::new(503))
    .then(identity(IDENTITY));
    get_credentials(
        &server,
        credentials(IDENTITY, "ASIARETRY", json!(1_780_272_000)),
    );
    let provider = CognitoIdentityPoolProvider::builder(POOL)
        .config(config(&server, &[]))
        .build();
    assert_eq!(
        provider
            .provide_credentials()
            .await
            .unwrap()
            .access_key_id(),
        "ASIARETRY"
    );
    assert_eq!(calls(&server, GET_ID).len(), 3);

    // Throttled past the attempts: unavailable, with the service's type.
    get_id(
        &server,
        error(400, "TooManyRequestsException", "Rate exceeded"),
    );
    let provider = CognitoIdentityPoolProvider::builder(POOL)
        .config(config(&server, &[]))
        .build();
    let failed = provider.provide_credentials().await.unwrap_err();
    assert_eq!(failed.kind(), ErrorKind::Unavailable);
    assert_eq!(failed.service_code(), Some("TooManyRequestsException"));
    assert_eq!(failed.request_id(), Some("cog-req-1"));
}

#[tokio::test]
async fn bad_input_gets_clear_errors() {
    let server = TestServer::start().await;
    let no_region = CognitoIdentityPoolProvider::builder("4a5b6c7d-0000-4000-8000-123456789abc")
        .config(config(&server, &[]))
        .build();
    let failed = expect_error(no_region.provide_credentials().await, SECRETS);
    assert_eq!(failed.kind(), ErrorKind::InvalidConfig);
    assert!(
        failed
            .to_string()
            .contains("has no region: pool ids are REGION:GUID"),
        "{failed}"
    );

    let empty = CognitoIdentityPoolProvider::builder(POOL)
        .config(config(&server, &[]))
        .logins(Logins::new().token("accounts.google.com", " "))
        .build();
    let failed = expect_error(empty.provide_credentials().await, SECRETS);
    assert_eq!(failed.kind(), ErrorKind::InvalidConfig);
    assert!(
        failed
            .to_string()
            .contains("the login token of accounts.google.com is empty"),
        "{failed}"
    );
    assert_eq!(server.request_count(), 0, "nothing sent");

    get_id(&server, identity(IDENTITY));
    for (reply, says) in [
        (
            Reply::json(json!({"IdentityId": IDENTITY})),
            "has no Credentials",
        ),
        (
            credentials(IDENTITY, "ASIA", json!("tomorrow")),
            "Expiration that is not a number",
        ),
        (
            Reply::ok(vec![b' '; 1 << 20]),
            "is larger than the limit of 65536 bytes",
        ),
        // A reply that echoes the login token sent: never shown.
        (Reply::ok(format!("<html>{GOOGLE_TOKEN}")), "is not JSON"),
    ] {
        get_credentials(&server, reply);
        let provider = CognitoIdentityPoolProvider::builder(POOL)
            .config(config(&server, &[]))
            .logins(Logins::new().token("accounts.google.com", GOOGLE_TOKEN))
            .build();
        let failed = expect_error(provider.provide_credentials().await, SECRETS);
        assert_eq!(failed.kind(), ErrorKind::Unavailable, "{failed}");
        assert!(failed.to_string().contains(says), "{failed}");
    }
}

#[tokio::test]
async fn the_region_is_the_configured_one_else_the_pool_ids() {
    let server = TestServer::start().await;
    get_id(&server, error(400, "InvalidParameterException", "bad"));
    let region_of = |env: &'static [(&'static str, &'static str)]| {
        let config = config(&server, env);
        async move {
            let provider = CognitoIdentityPoolProvider::builder(POOL)
                .config(config)
                .build();
            provider
                .provide_credentials()
                .await
                .unwrap_err()
                .to_string()
        }
    };
    assert!(region_of(&[]).await.contains("(eu-west-2)"));
    assert!(
        region_of(&[("AWS_REGION", "us-west-1")])
            .await
            .contains("(us-west-1)")
    );
}

#[tokio::test]
async fn a_known_identity_gets_its_credentials() {
    let server = TestServer::start().await;
    get_credentials(
        &server,
        credentials(IDENTITY, "ASIAKNOWN", json!(1_780_272_000)),
    );
    let provider = CognitoIdentityProvider::builder(IDENTITY)
        .config(config(&server, &[]))
        .logins(Logins::new().token("accounts.google.com", GOOGLE_TOKEN))
        .custom_role_arn("arn:aws:iam::123456789012:role/r")
        .build();
    let creds = expect_credentials(provider.provide_credentials().await, SECRETS);
    assert_eq!(creds.access_key_id(), "ASIAKNOWN");
    assert_eq!(
        calls(&server, GET_CREDENTIALS),
        [
            json!({"IdentityId": IDENTITY, "Logins": {"accounts.google.com": GOOGLE_TOKEN},
                "CustomRoleArn": "arn:aws:iam::123456789012:role/r"})
        ]
    );
    assert_eq!(calls(&server, GET_ID).len(), 0);
    assert_no_secret(&format!("{provider:?}"), SECRETS);
}

#[tokio::test]
async fn a_file_store_keeps_the_id_across_restarts() {
    let server = TestServer::start().await;
    get_id(&server, identity(IDENTITY));
    get_credentials(
        &server,
        credentials(IDENTITY, "ASIAFILE", json!(1_780_272_000)),
    );
    let fs = Fs::from_files([("/app/.keep", "")]);
    let config = config(&server, &[]).with_fs(fs.clone());
    let run = || {
        let config = config.clone();
        async move {
            let provider = CognitoIdentityPoolProvider::builder(POOL)
                .config(config.clone())
                .store(Arc::new(FileStore::new(&config, "/app/ids.json")))
                .build();
            provider.provide_credentials().await.unwrap()
        }
    };
    run().await;
    run().await;
    assert_eq!(
        calls(&server, GET_ID).len(),
        1,
        "the second run read the file"
    );
    let writes = fs.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].mode, 0o600);
    let file: Value = serde_json::from_slice(&writes[0].contents).unwrap();
    assert_eq!(
        file,
        json!({format!("aws:cognito-identity-credentials:{POOL}:ANONYMOUS"): IDENTITY})
    );
}

#[tokio::test]
async fn a_store_file_that_is_not_one_is_left_as_it_is() {
    let server = TestServer::start().await;
    get_id(&server, identity(IDENTITY));
    get_credentials(
        &server,
        credentials(IDENTITY, "ASIAFILE", json!(1_780_272_000)),
    );
    let fs = Fs::from_files([("/app/ids.json", "not json, someone's notes")]);
    let config = config(&server, &[]).with_fs(fs.clone());
    let provider = CognitoIdentityPoolProvider::builder(POOL)
        .config(config.clone())
        .store(Arc::new(FileStore::new(&config, "/app/ids.json")))
        .build();
    assert_eq!(
        provider
            .provide_credentials()
            .await
            .unwrap()
            .access_key_id(),
        "ASIAFILE"
    );
    assert!(fs.writes().is_empty(), "the file is not replaced");
}

#[tokio::test]
async fn an_empty_user_identifier_or_kept_id_is_none() {
    let server = TestServer::start().await;
    get_id(&server, identity(IDENTITY));
    get_credentials(
        &server,
        credentials(IDENTITY, "ASIAEMPTY", json!(1_780_272_000)),
    );
    let store = Arc::new(MemoryStore::new());
    let key = format!("aws:cognito-identity-credentials:{POOL}:ANONYMOUS");
    store.set(&key, "");
    let provider = CognitoIdentityPoolProvider::builder(POOL)
        .config(config(&server, &[]))
        .user_identifier("")
        .store(store.clone())
        .build();
    assert_eq!(
        provider.store_key(),
        Some(key.as_str()),
        "no logins: ANONYMOUS"
    );
    provider.provide_credentials().await.unwrap();
    assert_eq!(calls(&server, GET_ID).len(), 1, "the empty kept id is none");
    assert_eq!(calls(&server, GET_CREDENTIALS)[0]["IdentityId"], IDENTITY);
    assert_eq!(store.get(&key).as_deref(), Some(IDENTITY));
}
