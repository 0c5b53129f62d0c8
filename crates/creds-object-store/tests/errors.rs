//! Failures as object_store's errors.

use std::error::Error as _;
use std::time::Duration;

use creds_core::{CredentialsError, ErrorKind, Location};
use creds_object_store::{S3CredentialProvider, STORE, store_error};
use creds_testkit::assert_no_secret;
use object_store::CredentialProvider;

use crate::support::{SECRET, Scripted, TOKEN, temporary};

/// The error object_store gets from a provider failing with `err`, after checking
/// that neither it nor its source chain holds a secret.
async fn failure(err: CredentialsError) -> object_store::Error {
    let provider = S3CredentialProvider::new(Scripted::new(vec![Err(err)]));
    let err = provider.get_credential().await.unwrap_err();
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

/// The creds error kept in object_store's `Generic` S3 error.
fn creds_source(err: &object_store::Error) -> &CredentialsError {
    match err {
        object_store::Error::Generic { store, source } => {
            assert_eq!(*store, "S3");
            source
                .downcast_ref::<CredentialsError>()
                .expect("the source is the creds error itself")
        }
        other => panic!("expected a Generic S3 error, got {other:?}"),
    }
}

#[tokio::test]
async fn every_kind_is_a_generic_s3_error_with_the_creds_error() {
    let cases = [
        CredentialsError::not_configured("chain", "no credentials in any source"),
        CredentialsError::invalid_config("profile", "role_arn without a source")
            .with_location(Location::new("/home/me/.aws/config", 4)),
        CredentialsError::unavailable("imds", "the endpoint answered 503"),
        CredentialsError::rejected("sts", "the role cannot be assumed")
            .with_service_error("AccessDenied", Some("f3a1-42".to_owned())),
        CredentialsError::timed_out("profile", "deadline passed", Duration::from_secs(30)),
    ];
    for expected in cases {
        let err = failure(expected.clone()).await;
        let source = creds_source(&err);
        assert_eq!(source.kind(), expected.kind());
        assert_eq!(source.to_string(), expected.to_string());
        assert_eq!(source.location(), expected.location());
        assert_eq!(source.timeout(), expected.timeout());
        assert_eq!(source.service_code(), expected.service_code());
        assert_eq!(err.to_string(), format!("Generic S3 error: {expected}"));
    }
}

#[tokio::test]
async fn the_creds_error_keeps_its_own_source() {
    let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
    let err = failure(
        CredentialsError::invalid_config("profile", "cannot read the config file").with_source(io),
    )
    .await;
    let source = creds_source(&err);
    assert_eq!(source.kind(), ErrorKind::InvalidConfig);
    assert_eq!(source.source().unwrap().to_string(), "denied");
}

#[tokio::test]
async fn a_failure_after_a_success_leaks_nothing_of_the_first() {
    let provider = S3CredentialProvider::new(Scripted::new(vec![
        Ok(temporary("ASIAEXAMPLE", "2026-01-01T01:00:00Z")),
        Err(CredentialsError::rejected("sts", "ExpiredToken")),
    ]));
    provider.get_credential().await.unwrap();
    let err = provider.get_credential().await.unwrap_err();
    assert_no_secret(
        &format!("{err} {err:?} {provider:?} {:?}", err.source()),
        &[SECRET, TOKEN],
    );
}

#[test]
fn store_error_alone_names_s3() {
    assert_eq!(STORE, "S3");
    let err = store_error(CredentialsError::unavailable("container", "refused"));
    assert_eq!(creds_source(&err).provider(), "container");
}
