//! `creds_http::ServiceError` on arbitrary reply bodies (XML, JSON or anything): it
//! never panics, and what it keeps of the body is cleaned (no control characters, at
//! most 512 characters and an ellipsis).

#![no_main]

use creds_http::ServiceError;
use http::{HeaderMap, StatusCode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let error = ServiceError::from_parts(StatusCode::BAD_REQUEST, &HeaderMap::new(), data);
    for text in [error.code(), error.message(), error.request_id()].into_iter().flatten() {
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert!(text.chars().count() <= 515, "{}", text.len());
        assert!(!text.is_empty());
    }
    let _ = error.to_credentials_error("fuzz").to_string();
});
