//! Against a real `moto_server` (PyPI `moto[server]`), the metadata server of the
//! interop suite. Ignored here: it needs moto_server listening on loopback, at the URL
//! in `CREDS_IMDS_MOTO_URL` (for example `http://127.0.0.1:5055`).

use creds_core::ProvideCredentials;
use creds_imds::ImdsProvider;

use crate::support::*;

#[tokio::test]
#[ignore = "needs moto_server on loopback at CREDS_IMDS_MOTO_URL; run by the interop suite"]
async fn against_moto_server() {
    let url = std::env::var("CREDS_IMDS_MOTO_URL")
        .expect("CREDS_IMDS_MOTO_URL names a moto_server on loopback");
    let host = url
        .trim_start_matches("http://")
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    assert!(
        host == "127.0.0.1" || host == "localhost" || host == "[",
        "moto_server must listen on loopback, not {url}"
    );
    // The real clock: moto's credentials expire a day after now.
    let provider = ImdsProvider::builder()
        .config(creds_core::ProviderConfig::empty())
        .endpoint(&url)
        .build();
    let creds = expect_ok(provider.provide_credentials().await);
    assert_eq!(creds.access_key_id(), "test-key");
    assert_eq!(creds.session_token(), Some("test-session-token"));
    assert!(creds.expiration().is_some());
    // Again: the token (no TTL header from moto), the role and the legacy path are
    // remembered.
    expect_ok(provider.provide_credentials().await);
}
