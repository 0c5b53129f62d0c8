//! The DPoP proof as Sign-In receives it: its signature checked with the public key of
//! its own `jwk`, as RFC 9449 §4.3 has servers do, and its claims.

use creds_core::ProvideCredentials;
use creds_testkit::{Method, TestServer};
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use serde_json::{Value, json};

use crate::support::*;

/// The proof's header and claims, after checking its signature.
fn verified(proof: &str) -> (Value, Value) {
    let parts: Vec<&str> = proof.split('.').collect();
    assert_eq!(parts.len(), 3, "{proof}");
    for part in &parts {
        assert!(!part.contains('='), "base64url without padding");
    }
    let header: Value = serde_json::from_slice(&base64url_decode(parts[0])).unwrap();
    let claims: Value = serde_json::from_slice(&base64url_decode(parts[1])).unwrap();
    let jwk = &header["jwk"];
    let mut point = vec![0x04];
    point.extend(base64url_decode(jwk["x"].as_str().unwrap()));
    point.extend(base64url_decode(jwk["y"].as_str().unwrap()));
    assert_eq!(point.len(), 65);
    let signature = base64url_decode(parts[2]);
    assert_eq!(signature.len(), 64, "r and s, 32 bytes each");
    let signed = format!("{}.{}", parts[0], parts[1]);
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
        .verify(signed.as_bytes(), &signature)
        .expect("the proof's signature verifies with its jwk");
    // A changed claim does not.
    let mut other = claims.clone();
    other["htm"] = "GET".into();
    let forged = format!(
        "{}.{}",
        parts[0],
        creds_login_test_b64(other.to_string().as_bytes())
    );
    assert!(
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
            .verify(forged.as_bytes(), &signature)
            .is_err()
    );
    (header, claims)
}

/// base64url without padding, for the forged claims.
fn creds_login_test_b64(data: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &b| (n << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize]));
        }
    }
    out
}

fn is_uuid_v4(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && text
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && groups[2].starts_with('4')
        && groups[3].starts_with(['8', '9', 'a', 'b'])
}

#[tokio::test]
async fn the_proof_verifies_with_its_jwk_and_names_the_request() {
    for key in [P256, P256_PKCS8] {
        let server = TestServer::start().await;
        server
            .route(Method::POST, "/v1/token", refreshed("ASIANEW", Some(60)))
            .then(refreshed("ASIANEWER", Some(60)));
        let clock = clock();
        clock.advance(std::time::Duration::from_millis(2_700));
        let doc = cache_doc("ASIAOLD", &at(0), key);
        let config = signin_world(&server.url(), &doc.to_string(), &clock);
        let provider = provider(&config);
        provider.provide_credentials().await.unwrap();
        clock.advance(std::time::Duration::from_secs(30));
        provider.provide_credentials().await.unwrap();

        let requests = server.requests();
        let (header, first) = verified(requests[0].header("dpop").unwrap());
        assert_eq!(
            header,
            json!({
                "typ": "dpop+jwt",
                "alg": "ES256",
                "jwk": {
                    "kty": "EC",
                    "crv": "P-256",
                    // openssl ec -in tests/data/p256.pem -pubout -outform DER | tail -c 64
                    "x": "sPkcyTdYVh6ksAvRqp5lZhDmILx0-pyEad2dNmeaJf8",
                    "y": "QDQkS4JgLplAK14Uo7PT7O2rb_frNef1OBCkmYQoDs0"
                }
            })
        );
        let t0: jiff::Timestamp = T0.parse().unwrap();
        assert_eq!(first["htm"], "POST");
        assert_eq!(first["htu"], format!("{}/v1/token", server.url()));
        assert_eq!(first["iat"], t0.as_second() + 2);
        assert!(is_uuid_v4(first["jti"].as_str().unwrap()), "{first}");
        assert_eq!(first.as_object().unwrap().len(), 4);

        let (_, second) = verified(requests[1].header("dpop").unwrap());
        assert_eq!(second["iat"], t0.as_second() + 32);
        assert_ne!(first["jti"], second["jti"], "a new jti for every request");
    }
}

#[tokio::test]
async fn the_proof_names_an_endpoint_with_a_path() {
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/gateway/signin/v1/token",
        refreshed("ASIANEW", Some(900)),
    );
    let url = format!("{}/gateway/signin/", server.url());
    let config = signin_world(&url, &cache_file(0), &clock());
    provider(&config).provide_credentials().await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.target, "/gateway/signin/v1/token");
    let (_, claims) = verified(request.header("dpop").unwrap());
    assert_eq!(
        claims["htu"],
        format!("{}/gateway/signin/v1/token", server.url())
    );
}
