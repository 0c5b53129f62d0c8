//! What the SDK gets on failure: each kind, the source, no secret.

use std::error::Error as _;
use std::time::Duration;

use aws_credential_types::provider::ProvideCredentials as _;
use aws_credential_types::provider::error::CredentialsError as SdkError;
use creds_aws_sdk::{SdkCredentialsProvider, sdk_error};
use creds_core::{CredentialsError, ErrorKind, Location};
use creds_testkit::{assert_no_secret, capture_logs, captured_logs};

use crate::support::{SECRET, Scripted, TOKEN, full_credentials};

/// The SDK error of a provider failing with `err`, after checking that neither it nor
/// anything in its source chain holds a secret.
async fn sdk_failure(err: CredentialsError) -> SdkError {
    let provider = SdkCredentialsProvider::new(Scripted::failing(err));
    let err = provider.provide_credentials().await.unwrap_err();
    let mut texts = vec![err.to_string(), format!("{err:?}"), format!("{err:#?}")];
    let mut source = err.source();
    while let Some(s) = source {
        texts.push(s.to_string());
        texts.push(format!("{s:?}"));
        source = s.source();
    }
    assert_no_secret(&texts.join("\n"), &[SECRET, TOKEN]);
    err
}

/// The creds error that `err` keeps as its source.
fn creds_source(err: &SdkError) -> &CredentialsError {
    err.source()
        .expect("the creds error is kept as the source")
        .downcast_ref::<CredentialsError>()
        .expect("the source is the creds error itself")
}

#[tokio::test]
async fn not_configured_is_not_loaded() {
    let err = sdk_failure(CredentialsError::not_configured(
        "environment",
        "AWS_ACCESS_KEY_ID is not set",
    ))
    .await;
    assert!(matches!(err, SdkError::CredentialsNotLoaded(_)), "{err:?}");
    let source = creds_source(&err);
    assert_eq!(source.kind(), ErrorKind::NotConfigured);
    assert_eq!(
        source.to_string(),
        "environment: AWS_ACCESS_KEY_ID is not set"
    );
}

#[tokio::test]
async fn a_timeout_is_provider_timed_out_and_its_error_is_logged() {
    capture_logs();
    let err = sdk_failure(CredentialsError::timed_out(
        "profile",
        "no credentials within the deadline of 30s: role hop 2 (sts) timeout-marker-7213 was still running",
        Duration::from_secs(30),
    ))
    .await;
    match &err {
        SdkError::ProviderTimedOut(timed_out) => {
            assert_eq!(timed_out.timeout_duration(), Duration::from_secs(30));
        }
        other => panic!("expected ProviderTimedOut, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "credentials provider timed out after 30 seconds"
    );
    // The SDK's variant cannot hold a source: the creds error goes to the log.
    assert!(err.source().is_none());
    let logs = captured_logs();
    let line = logs
        .lines()
        .find(|l| l.contains("timeout-marker-7213"))
        .unwrap_or_else(|| panic!("the creds error is logged: {logs}"));
    assert!(line.contains("WARN"), "{line}");
    assert!(
        line.contains("profile: no credentials within the deadline"),
        "{line}"
    );
    assert_no_secret(&logs, &[SECRET, TOKEN]);
}

#[tokio::test]
async fn a_timeout_on_any_kind_but_not_configured_is_provider_timed_out() {
    let err =
        CredentialsError::rejected("sts", "slow refusal").with_timeout(Duration::from_millis(1500));
    match sdk_failure(err).await {
        SdkError::ProviderTimedOut(timed_out) => {
            assert_eq!(timed_out.timeout_duration(), Duration::from_millis(1500));
        }
        other => panic!("expected ProviderTimedOut, got {other:?}"),
    }
}

#[tokio::test]
async fn not_configured_wins_over_a_timeout() {
    // An absent source found by a timeout (no metadata service answered) must let an
    // SDK chain move on, as it lets a creds chain.
    let err = CredentialsError::not_configured("imds", "no instance metadata service")
        .with_timeout(Duration::from_secs(1));
    let err = sdk_failure(err).await;
    assert!(matches!(err, SdkError::CredentialsNotLoaded(_)), "{err:?}");
    assert_eq!(creds_source(&err).timeout(), Some(Duration::from_secs(1)));
}

#[tokio::test]
async fn invalid_config_is_invalid_configuration() {
    let err = CredentialsError::invalid_config("profile", "role_arn without a source")
        .with_location(Location::new("/home/me/.aws/config", 4));
    let err = sdk_failure(err).await;
    assert!(matches!(err, SdkError::InvalidConfiguration(_)), "{err:?}");
    let source = creds_source(&err);
    assert_eq!(source.location().unwrap().line(), 4);
    assert_eq!(
        source.to_string(),
        "profile: role_arn without a source (at /home/me/.aws/config:4)"
    );
}

#[tokio::test]
async fn unavailable_is_a_provider_error() {
    let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
    let err = CredentialsError::unavailable("container", "the endpoint refused").with_source(io);
    let err = sdk_failure(err).await;
    assert!(matches!(err, SdkError::ProviderError(_)), "{err:?}");
    let source = creds_source(&err);
    assert_eq!(source.kind(), ErrorKind::Unavailable);
    // The creds error's own source is still there, one level further down.
    assert_eq!(source.source().unwrap().to_string(), "refused");
}

#[tokio::test]
async fn rejected_is_a_provider_error_with_the_service_error() {
    let err = CredentialsError::rejected("sts", "the role cannot be assumed")
        .with_service_error("AccessDenied", Some("f3a1-42".to_owned()));
    let err = sdk_failure(err).await;
    assert!(matches!(err, SdkError::ProviderError(_)), "{err:?}");
    let source = creds_source(&err);
    assert_eq!(source.service_code(), Some("AccessDenied"));
    assert_eq!(source.request_id(), Some("f3a1-42"));
}

#[test]
fn sdk_error_alone_maps_the_same() {
    let cases = [
        (ErrorKind::NotConfigured, "CredentialsNotLoaded"),
        (ErrorKind::InvalidConfig, "InvalidConfiguration"),
        (ErrorKind::Unavailable, "ProviderError"),
        (ErrorKind::Rejected, "ProviderError"),
    ];
    for (kind, variant) in cases {
        let err = sdk_error(CredentialsError::new(kind, "p", "m"));
        assert!(format!("{err:?}").starts_with(variant), "{kind}: {err:?}");
        assert_eq!(creds_source(&err).kind(), kind);
    }
}

#[tokio::test]
async fn a_failure_after_a_success_leaks_nothing_of_the_first() {
    let provider = SdkCredentialsProvider::new(Scripted::new(vec![
        Ok(full_credentials()),
        Err(CredentialsError::rejected("sts", "ExpiredToken")),
    ]));
    provider.provide_credentials().await.unwrap();
    let err = provider.provide_credentials().await.unwrap_err();
    assert_no_secret(
        &format!("{err} {err:?} {provider:?} {:?}", err.source()),
        &[SECRET, TOKEN],
    );
}
