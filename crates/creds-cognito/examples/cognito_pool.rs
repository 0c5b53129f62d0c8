//! Credentials of an identity of a Cognito identity pool, printed as the interop
//! checks compare them: `OK <access key id> <SHA-256 of the secret NUL token>
//! <expiration> - <identity id>`, or `ERR <why>`.
//!
//! ```text
//! COGNITO_POOL_ID=us-east-1:... [COGNITO_STORE=path] cargo run -p creds-cognito --example cognito_pool
//! ```
//!
//! The endpoint comes from the environment (`AWS_ENDPOINT_URL_COGNITO_IDENTITY`), as
//! for every creds provider.

#![allow(clippy::print_stdout)] // printing is the point.

use std::sync::Arc;

use creds_cognito::{CognitoIdentityPoolProvider, FileStore};
use creds_core::{ProvideCredentials, ProviderConfig};

fn main() -> std::process::ExitCode {
    let config = ProviderConfig::new();
    let Ok(pool) = std::env::var("COGNITO_POOL_ID") else {
        println!("ERR COGNITO_POOL_ID-not-set");
        return std::process::ExitCode::FAILURE;
    };
    let mut builder = CognitoIdentityPoolProvider::builder(pool).config(config.clone());
    if let Ok(path) = std::env::var("COGNITO_STORE") {
        builder = builder.store(Arc::new(FileStore::new(&config, path)));
    }
    let provider = builder.build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (result, identity) = runtime.block_on(async {
        let result = provider.provide_credentials().await;
        (result, provider.identity_id().await)
    });
    match result {
        Ok(creds) => {
            let mut data = creds.secret_access_key().as_bytes().to_vec();
            data.push(0);
            data.extend_from_slice(creds.session_token().unwrap_or_default().as_bytes());
            let digest = ring::digest::digest(&ring::digest::SHA256, &data);
            let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
            let expiration = creds.expiration().map_or_else(
                || "-".to_owned(),
                |at| {
                    jiff::Timestamp::from_second(at.as_second())
                        .unwrap_or(at)
                        .to_string()
                },
            );
            println!(
                "OK {} {hex} {expiration} - {}",
                creds.access_key_id(),
                identity.unwrap_or_default()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            println!("ERR {}", error.kind());
            std::process::ExitCode::FAILURE
        }
    }
}
