//! `s3-object-store ENDPOINT BUCKET KEY`: puts an object at `s3://BUCKET/KEY` with
//! `object_store`'s `AmazonS3` (path-style, `ENDPOINT` over plain http, the region of
//! `AWS_REGION`) and gets it back, the credentials coming from `creds::default_chain()`
//! through `creds_object_store::S3CredentialProvider`, as a program would set it up.
//!
//! It prints `KEY <access key id>`, the key the chain's cache holds after the requests
//! (the one the store signed with), then `OK put N bytes, got N bytes back, the same`
//! or `ERR <why>`. Never a secret: creds' errors hold none, and object_store's
//! `AwsCredential` redacts them.

use std::process::ExitCode;
use std::sync::Arc;

use creds_object_store::S3CredentialProvider;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStoreExt as _, PutPayload};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [endpoint, bucket, key] = args.as_slice() else {
        println!("ERR usage: s3-object-store ENDPOINT BUCKET KEY");
        return ExitCode::from(2);
    };
    match run(endpoint, bucket, key).await {
        Ok(line) => {
            println!("OK {line}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            println!("ERR {why}");
            ExitCode::FAILURE
        }
    }
}

async fn run(endpoint: &str, bucket: &str, key: &str) -> Result<String, String> {
    let region = std::env::var("AWS_REGION").map_err(|_| "AWS_REGION is not set")?;
    // reqwest is built without a crypto provider of its own (`rustls-no-provider`):
    // ring, before the store builds its client.
    #[allow(deprecated)] // rustls 0.23.48: ring has no post-quantum key exchange; no TLS here.
    rustls::crypto::ring::default_provider()
        .install_default()
        .map_err(|_| "a rustls crypto provider was installed already")?;
    // The facade's default chain is cached already: `new`, not `cached`. A clone shares
    // the cache: asked again below, it answers what the store was given.
    let chain = creds::default_chain();
    let store = AmazonS3Builder::new()
        .with_endpoint(endpoint)
        .with_allow_http(true)
        .with_virtual_hosted_style_request(false)
        .with_region(region)
        .with_bucket_name(bucket)
        .with_credentials(Arc::new(S3CredentialProvider::new(chain.clone())))
        .build()
        .map_err(|e| format!("the store: {e}"))?;
    let path = Path::from(key);
    let body = format!("put by s3-object-store at s3://{bucket}/{key}\n").into_bytes();
    store
        .put(&path, PutPayload::from(body.clone()))
        .await
        .map_err(|e| format!("put: {e}"))?;
    let got = store
        .get(&path)
        .await
        .map_err(|e| format!("get: {e}"))?
        .bytes()
        .await
        .map_err(|e| format!("get's body: {e}"))?;
    let creds = chain
        .provide_credentials()
        .await
        .map_err(|e| format!("the chain, asked again: {e}"))?;
    println!("KEY {}", creds.access_key_id());
    if got.as_ref() != body.as_slice() {
        return Err(format!(
            "put {} bytes, got {} bytes back, not the same",
            body.len(),
            got.len()
        ));
    }
    Ok(format!(
        "put {} bytes, got {} bytes back, the same",
        body.len(),
        got.len()
    ))
}
