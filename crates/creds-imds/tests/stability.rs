//! Static stability, through creds-core's cache with a manual clock: a failing refresh
//! and expired credentials keep the last credentials served a few more minutes;
//! nothing is ever made up.

use creds_core::{CredentialsCache, ErrorKind, ProvideCredentials};
use creds_imds::ImdsProvider;
use creds_testkit::{Method, Reply};
use jiff::{SignedDuration, Timestamp};

use crate::support::*;

fn at(offset: SignedDuration) -> Timestamp {
    NOW.parse::<Timestamp>().unwrap() + offset
}

fn extended_from(creds: &creds_core::Credentials, now: Timestamp) {
    let lasts = creds.expiration().unwrap().duration_since(now);
    assert!(
        lasts >= SignedDuration::from_mins(5) && lasts <= SignedDuration::from_mins(10),
        "{lasts:?}"
    );
}

#[tokio::test]
async fn a_failing_refresh_keeps_the_last_credentials_through_the_cache() {
    let server = imds().await;
    let hour = at(SignedDuration::from_hours(1)).to_string();
    server
        .route(
            Method::GET,
            &role_path(EXT, ROLE),
            Reply::ok(document_of("ASIAFIRST", &hour)),
        )
        .then(Reply::new(500));
    let clock = clock();
    let provider = ImdsProvider::builder()
        .config(config_with_clock(&[], clock.clone()))
        .endpoint(server.url())
        .max_attempts(1)
        .build();
    let cache = CredentialsCache::builder()
        .clock(clock.clone())
        .build(provider);

    let first = expect_ok(cache.provide_credentials().await);
    assert_eq!(first.access_key_id(), "ASIAFIRST");
    assert_eq!(first.expiration().unwrap().to_string(), hour);

    // Inside the mandatory window: the cache refreshes, IMDS answers 500.
    clock.set(at(
        SignedDuration::from_mins(59) + SignedDuration::from_secs(30)
    ));
    let kept = expect_ok(cache.provide_credentials().await);
    assert_eq!(kept.access_key_id(), "ASIAFIRST");
    assert_eq!(kept.secret_access_key(), SECRET);
    extended_from(&kept, clock.now());
    assert!(logs().contains("static stability"), "a warning says so");
    let failures = count(&server, Method::GET, &role_path(EXT, ROLE));
    assert!(failures >= 2, "the refresh was tried");

    // Past the original expiry the extended credentials are still served.
    clock.set(at(SignedDuration::from_mins(62)));
    let still = expect_ok(cache.provide_credentials().await);
    assert_eq!(still.access_key_id(), "ASIAFIRST");
    assert!(still.expiration().unwrap() > clock.now());

    // IMDS recovers: the next refresh gets the new credentials.
    let later = at(SignedDuration::from_hours(3)).to_string();
    server.route(
        Method::GET,
        &role_path(EXT, ROLE),
        Reply::ok(document_of("ASIANEXT", &later)),
    );
    clock.set(at(SignedDuration::from_mins(75)));
    let next = expect_ok(cache.provide_credentials().await);
    assert_eq!(next.access_key_id(), "ASIANEXT");
    assert_eq!(next.expiration().unwrap().to_string(), later);
}

#[tokio::test]
async fn an_unreachable_imds_after_a_success_keeps_them_too() {
    let server = imds().await;
    let clock = clock();
    let provider = ImdsProvider::builder()
        .config(config_with_clock(&[], clock.clone()))
        .endpoint(server.url())
        .build();
    expect_ok(provider.provide_credentials().await);
    drop(server); // Nothing listens there any more.
    clock.set(at(SignedDuration::from_hours(7)));
    let kept = expect_ok(provider.provide_credentials().await);
    assert_eq!(kept.access_key_id(), "ASIAIMDS");
    extended_from(&kept, clock.now());
}

#[tokio::test]
async fn expired_credentials_served_are_extended() {
    let server = imds().await;
    let past = at(SignedDuration::from_mins(-10)).to_string();
    server.route(
        Method::GET,
        &role_path(EXT, ROLE),
        Reply::ok(document_of("ASIASTALE", &past)),
    );
    let clock = clock();
    let provider = ImdsProvider::builder()
        .config(config_with_clock(&[], clock.clone()))
        .endpoint(server.url())
        .build();
    // Through a cache, which refuses expired credentials: these are not.
    let cache = CredentialsCache::builder()
        .clock(clock.clone())
        .build(provider);
    let creds = expect_ok(cache.provide_credentials().await);
    assert_eq!(creds.access_key_id(), "ASIASTALE");
    extended_from(&creds, clock.now());
    assert!(logs().contains("already expired"), "a warning says so");
}

#[tokio::test]
async fn nothing_is_invented_before_a_first_success() {
    let server = imds().await;
    server.route(Method::GET, &role_path(EXT, ROLE), Reply::new(500));
    let provider = builder(&server).max_attempts(1).build();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    // Still nothing on the second try.
    expect_err(provider.provide_credentials().await);
}

#[tokio::test]
async fn a_configuration_error_is_not_hidden() {
    // A role that went away, with the name configured: the error is returned, not the
    // old credentials.
    let server = imds().await;
    server.route(Method::GET, &role_path(EXT, "named"), Reply::ok(document()));
    let provider = builder(&server).instance_profile_name("named").build();
    expect_ok(provider.provide_credentials().await);
    server.route(Method::GET, &role_path(EXT, "named"), Reply::new(404));
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
}
