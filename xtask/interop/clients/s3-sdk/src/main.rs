//! `s3-sdk ENDPOINT BUCKET KEY`: puts an object at `s3://BUCKET/KEY` with `aws-sdk-s3`
//! (path-style, `ENDPOINT` over plain http, the region of `AWS_REGION`) and gets it
//! back, the credentials coming from `creds::default_chain()` through
//! `creds_aws_sdk::SdkCredentialsProvider`, as a program would set it up.
//!
//! It prints `KEY <access key id>`, the key the chain's cache holds after the requests
//! (the one the SDK signed with), then `OK put N bytes, got N bytes back, the same` or
//! `ERR <why>`. Never a secret: creds' and the SDK's errors hold none.

use std::process::ExitCode;

use aws_sdk_s3::config::{BehaviorVersion, Region};
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::primitives::ByteStream;
use creds_aws_sdk::SdkCredentialsProvider;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [endpoint, bucket, key] = args.as_slice() else {
        println!("ERR usage: s3-sdk ENDPOINT BUCKET KEY");
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
    // A clone shares the cache: asked again below, it answers what the SDK was given.
    let chain = creds::default_chain();
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .credentials_provider(SdkCredentialsProvider::new(chain.clone()))
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(config);
    let body = format!("put by s3-sdk at s3://{bucket}/{key}\n").into_bytes();
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(body.clone()))
        .send()
        .await
        .map_err(|e| format!("PutObject: {}", DisplayErrorContext(&e)))?;
    let got = s3
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| format!("GetObject: {}", DisplayErrorContext(&e)))?
        .body
        .collect()
        .await
        .map_err(|e| format!("GetObject's body: {e}"))?
        .into_bytes();
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
