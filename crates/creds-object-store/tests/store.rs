//! A real `AmazonS3` store built with `with_credentials`, over an in-process HTTP
//! service that records the requests and answers them: no socket is opened.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use creds_core::{CredentialsCache, CredentialsError};
use creds_object_store::S3CredentialProvider;
use creds_testkit::{assert_no_secret, clock_at};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::client::{
    HttpClient, HttpConnector, HttpError, HttpRequest, HttpResponse, HttpResponseBody, HttpService,
};
use object_store::path::Path;
use object_store::{ClientOptions, HeaderMap, ObjectStoreExt};

use crate::support::{SECRET, Scripted, TOKEN, temporary};

/// The headers of every request, in order; every answer is a `200` to a `HEAD`.
#[derive(Debug, Default, Clone)]
struct Recorder(Arc<Mutex<Vec<HeaderMap>>>);

#[async_trait]
impl HttpService for Recorder {
    async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        self.0.lock().unwrap().push(req.headers().clone());
        let mut response = HttpResponse::new(HttpResponseBody::from(String::new()));
        let headers = response.headers_mut();
        headers.insert("content-length", "5".parse().unwrap());
        headers.insert(
            "last-modified",
            "Thu, 01 Jan 2026 00:00:00 GMT".parse().unwrap(),
        );
        headers.insert("etag", "\"e1\"".parse().unwrap());
        Ok(response)
    }
}

impl HttpConnector for Recorder {
    fn connect(&self, _options: &ClientOptions) -> object_store::Result<HttpClient> {
        Ok(HttpClient::new(self.clone()))
    }
}

impl Recorder {
    fn requests(&self) -> Vec<HeaderMap> {
        self.0.lock().unwrap().clone()
    }
}

fn store(recorder: &Recorder, provider: S3CredentialProvider<CredentialsCache>) -> AmazonS3 {
    AmazonS3Builder::new()
        .with_bucket_name("bucket")
        .with_region("eu-west-1")
        // Never reached: the recorder answers in process. Loopback all the same.
        .with_endpoint("http://127.0.0.1:9")
        .with_allow_http(true)
        .with_http_connector(recorder.clone())
        .with_credentials(Arc::new(provider))
        .build()
        .unwrap()
}

#[tokio::test]
async fn requests_are_signed_with_the_creds_credentials() {
    let scripted = Arc::new(Scripted::new(vec![Ok(temporary(
        "ASIAEXAMPLE",
        "2026-01-01T01:00:00Z",
    ))]));
    let cache = CredentialsCache::builder()
        .clock(clock_at("2026-01-01T00:00:00Z"))
        .build(Arc::clone(&scripted));
    let recorder = Recorder::default();
    let s3 = store(&recorder, S3CredentialProvider::new(cache));

    for _ in 0..3 {
        let meta = s3.head(&Path::from("data/a.parquet")).await.unwrap();
        assert_eq!(meta.size, 5);
    }

    let requests = recorder.requests();
    assert_eq!(requests.len(), 3);
    for headers in &requests {
        let authorization = headers["authorization"].to_str().unwrap();
        assert!(
            authorization.starts_with("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/"),
            "{authorization}"
        );
        assert!(
            authorization.contains("/eu-west-1/s3/aws4_request"),
            "{authorization}"
        );
        assert_eq!(headers["x-amz-security-token"], TOKEN);
        assert!(!authorization.contains(SECRET));
    }
    // Asked on every request, fetched once: the cache answered the others.
    assert_eq!(scripted.calls(), 1);
}

#[tokio::test]
async fn a_credentials_failure_fails_the_request_with_the_creds_error() {
    let scripted = Arc::new(Scripted::new(vec![Err(CredentialsError::rejected(
        "sso",
        "the SSO session has expired; run `aws sso login`",
    ))]));
    let recorder = Recorder::default();
    let s3 = store(
        &recorder,
        S3CredentialProvider::cached(Arc::clone(&scripted)),
    );

    let err = s3.head(&Path::from("data/a.parquet")).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("sso: the SSO session has expired; run `aws sso login`"),
        "{text}"
    );
    match &err {
        object_store::Error::Generic { store, source } => {
            assert_eq!(*store, "S3");
            assert!(
                source.downcast_ref::<CredentialsError>().is_some(),
                "{source:?}"
            );
        }
        other => panic!("expected a Generic S3 error, got {other:?}"),
    }
    assert_no_secret(&format!("{err:?}"), &[SECRET, TOKEN]);
    // Nothing was sent without credentials.
    assert!(recorder.requests().is_empty());
}
