//! The DPoP proof (RFC 9449) of a Sign-In refresh: an ES256 JWT signed with the
//! session's P-256 key, which the aws CLI keeps as a SEC1 PEM (`EC PRIVATE KEY`) in
//! the cache file's `dpopKey`.
//!
//! ring reads P-256 keys only as PKCS#8, so the SEC1 `ECPrivateKey` is wrapped in a
//! PKCS#8 `PrivateKeyInfo` here (a few bytes of DER). Errors name the file and say
//! what the key is instead (another curve, RSA, no public key), never its bytes.

use std::fmt;
use std::path::Path;

use creds_core::CredentialsError;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject as _;
use zeroize::Zeroizing;

use crate::NAME;

/// DER tags.
const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
/// `[0]` and `[1]`, constructed: the parameters and public key of an `ECPrivateKey`.
const PARAMETERS: u8 = 0xa0;
const PUBLIC_KEY: u8 = 0xa1;

/// id-ecPublicKey (1.2.840.10045.2.1), as a whole TLV.
const ID_EC_PUBLIC_KEY: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// prime256v1, secp256r1, P-256 (1.2.840.10045.3.1.7), as a whole TLV.
const PRIME256V1: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// The curves a wrong key is likely on, by the value of their OID, and what to say.
const OTHER_CURVES: &[(&[u8], &str)] = &[
    (
        &[0x2b, 0x81, 0x04, 0x00, 0x22],
        "is a P-384 key, not a P-256 one",
    ),
    (
        &[0x2b, 0x81, 0x04, 0x00, 0x23],
        "is a P-521 key, not a P-256 one",
    ),
    (
        &[0x2b, 0x81, 0x04, 0x00, 0x0a],
        "is a secp256k1 key, not a P-256 one",
    ),
];

/// The session's key: signs DPoP proofs. Shows nothing of itself in `Debug`.
pub(crate) struct DpopKey {
    pair: EcdsaKeyPair,
    /// The JWK of the public key (`{"kty":"EC","x":..,"y":..,"crv":"P-256"}`) as
    /// botocore writes it.
    jwk: String,
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopKey").finish_non_exhaustive()
    }
}

impl DpopKey {
    /// The key of the PEM `pem`, the `dpopKey` of the cache file at `path`: SEC1 as
    /// the aws CLI writes it (`EC PRIVATE KEY`), or PKCS#8 (`PRIVATE KEY`), on P-256.
    pub(crate) fn from_pem(
        pem: &str,
        path: &Path,
        rng: &SystemRandom,
    ) -> Result<DpopKey, CredentialsError> {
        let bad = |what: &str| {
            CredentialsError::invalid_config(
                NAME,
                format!(
                    "the dpopKey of the login cache file {} {what}; run `aws login` again for a \
                     new session",
                    path.display()
                ),
            )
        };
        // The PEM parser's errors quote the lines they stop at: they are not kept.
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes())
            .map_err(|_| bad("is not a PEM private key"))?;
        let pkcs8 = match &der {
            PrivateKeyDer::Sec1(sec1) => sec1_to_pkcs8(sec1.secret_sec1_der()).map_err(bad)?,
            PrivateKeyDer::Pkcs8(pkcs8) => Zeroizing::new(pkcs8.secret_pkcs8_der().to_vec()),
            PrivateKeyDer::Pkcs1(_) => return Err(bad("is an RSA key, not an EC P-256 key")),
            _ => return Err(bad("is not an EC P-256 private key")),
        };
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, rng)
            .map_err(|_| bad("is not a valid EC P-256 private key"))?;
        let point = pair.public_key().as_ref();
        // The uncompressed point: 0x04, then x and y, 32 bytes each.
        let (x, y) = match point {
            [0x04, xy @ ..] if xy.len() == 64 => xy.split_at(32),
            _ => {
                return Err(bad(
                    "has a public key that is not an uncompressed P-256 point",
                ));
            }
        };
        let jwk = format!(
            r#"{{"kty":"EC","x":"{}","y":"{}","crv":"P-256"}}"#,
            base64url(x),
            base64url(y)
        );
        Ok(DpopKey { pair, jwk })
    }

    /// The proof for a `POST` to `url` at `iat` (Unix seconds): header, claims and
    /// signature, each base64url without padding, joined by dots.
    pub(crate) fn proof(
        &self,
        url: &str,
        iat: i64,
        rng: &SystemRandom,
    ) -> Result<String, CredentialsError> {
        let failed = || {
            CredentialsError::unavailable(
                NAME,
                "cannot make the DPoP proof: the system's random number generator failed",
            )
        };
        // The members in botocore's order; compact, as both SDKs write them.
        let header = format!(r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{}}}"#, self.jwk);
        let htu = serde_json::Value::String(url.to_owned()).to_string();
        let claims = format!(
            r#"{{"jti":"{}","htm":"POST","htu":{htu},"iat":{iat}}}"#,
            uuid_v4(rng).ok_or_else(failed)?
        );
        let mut jwt = base64url(header.as_bytes());
        jwt.push('.');
        jwt.push_str(&base64url(claims.as_bytes()));
        // ECDSA_P256_SHA256_FIXED_SIGNING gives r‖s, 32 bytes each: JWS's form (RFC
        // 7518 §3.4), what botocore and JS convert their DER signatures to.
        let signature = self.pair.sign(rng, jwt.as_bytes()).map_err(|_| failed())?;
        jwt.push('.');
        jwt.push_str(&base64url(signature.as_ref()));
        Ok(jwt)
    }
}

/// Wraps a SEC1 `ECPrivateKey` in a PKCS#8 `PrivateKeyInfo` (RFC 5208: version 0, the
/// algorithm id-ecPublicKey with prime256v1, the `ECPrivateKey` as an OCTET STRING),
/// after checking what ring would refuse without saying why: the curve and the
/// public key, which ring requires.
fn sec1_to_pkcs8(sec1: &[u8]) -> Result<Zeroizing<Vec<u8>>, &'static str> {
    let not_sec1 = "is not a SEC1 EC private key (its DER cannot be read)";
    let (body, rest) = read_tlv(sec1, SEQUENCE).ok_or(not_sec1)?;
    if !rest.is_empty() {
        return Err(not_sec1);
    }
    let (version, body) = read_tlv(body, INTEGER).ok_or(not_sec1)?;
    if version != [1] {
        return Err("is not a version 1 SEC1 EC private key");
    }
    let (private, mut body) = read_tlv(body, OCTET_STRING).ok_or(not_sec1)?;
    if body.first() == Some(&PARAMETERS) {
        let (parameters, after) = read_tlv(body, PARAMETERS).ok_or(not_sec1)?;
        if parameters != PRIME256V1 {
            let value = read_tlv(parameters, OID).map(|(value, _)| value);
            return Err(OTHER_CURVES
                .iter()
                .find(|(oid, _)| Some(*oid) == value)
                .map_or("is not on the P-256 curve", |(_, what)| *what));
        }
        body = after;
    }
    if private.len() != 32 {
        return Err("is not a P-256 key (its private key is not 32 bytes)");
    }
    if body.first() != Some(&PUBLIC_KEY) {
        return Err("has no public key, which is needed to sign with it");
    }
    let mut algorithm = Vec::with_capacity(ID_EC_PUBLIC_KEY.len() + PRIME256V1.len());
    algorithm.extend_from_slice(ID_EC_PUBLIC_KEY);
    algorithm.extend_from_slice(PRIME256V1);
    let mut inner = Zeroizing::new(Vec::with_capacity(sec1.len() + 32));
    inner.extend_from_slice(&[INTEGER, 1, 0]);
    write_tlv(&mut inner, SEQUENCE, &algorithm);
    write_tlv(&mut inner, OCTET_STRING, sec1);
    let mut pkcs8 = Zeroizing::new(Vec::with_capacity(inner.len() + 4));
    write_tlv(&mut pkcs8, SEQUENCE, &inner);
    Ok(pkcs8)
}

/// The value of the DER element at the start of `input` if its tag is `tag`, and what
/// follows it. Definite lengths up to four bytes, as DER has.
fn read_tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&first, rest) = input.split_first()?;
    if first != tag {
        return None;
    }
    let (&len, mut rest) = rest.split_first()?;
    let len = if len < 0x80 {
        usize::from(len)
    } else {
        let count = usize::from(len & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, after) = rest.split_at(count);
        rest = after;
        bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b))
    };
    (rest.len() >= len).then(|| rest.split_at(len))
}

/// Appends the DER element `tag` with `value`.
fn write_tlv(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    out.push(tag);
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(value);
}

/// base64url without padding (RFC 4648 §5), as JWTs are written.
pub(crate) fn base64url(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let index = (n >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// A random (version 4) UUID, lower-case: the proof's `jti`, unique per request so
/// that Sign-In can refuse a replayed proof.
fn uuid_v4(rng: &SystemRandom) -> Option<String> {
    let mut b = [0u8; 16];
    rng.fill(&mut b).ok()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    Some(format!(
        "{}-{}-{}-{}-{}",
        hex(&b[0..4]),
        hex(&b[4..6]),
        hex(&b[6..8]),
        hex(&b[8..10]),
        hex(&b[10..16])
    ))
}

/// Checks a proof's signature with the public key `public_point` (0x04‖x‖y), as a
/// server does.
#[cfg(test)]
pub(crate) fn verify(jwt: &str, public_point: &[u8]) -> bool {
    let Some((signed, signature)) = jwt.rsplit_once('.') else {
        return false;
    };
    let Some(signature) = base64url_decode(signature) else {
        return false;
    };
    ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, public_point)
        .verify(signed.as_bytes(), &signature)
        .is_ok()
}

#[cfg(test)]
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P256: &str = include_str!("../tests/data/p256.pem");
    const P256_PKCS8: &str = include_str!("../tests/data/p256-pkcs8.pem");
    const P384: &str = include_str!("../tests/data/p384.pem");
    const RSA: &str = include_str!("../tests/data/rsa.pem");
    const NO_PUBLIC: &str = include_str!("../tests/data/p256-no-public.pem");

    fn key(pem: &str) -> Result<DpopKey, CredentialsError> {
        DpopKey::from_pem(pem, Path::new("/c/k.json"), &SystemRandom::new())
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        // RFC 4648 §10, without padding.
        for (input, output) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(input.as_bytes()), output);
            assert_eq!(base64url_decode(output).unwrap(), input.as_bytes());
        }
        // The two characters that differ from base64.
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn uuids_are_version_4() {
        let rng = SystemRandom::new();
        let a = uuid_v4(&rng).unwrap();
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        assert_ne!(a, uuid_v4(&rng).unwrap());
    }

    #[test]
    fn der_lengths_round_trip() {
        for len in [0usize, 1, 127, 128, 255, 256, 70000] {
            let value = vec![7u8; len];
            let mut out = Vec::new();
            write_tlv(&mut out, OCTET_STRING, &value);
            let (read, rest) = read_tlv(&out, OCTET_STRING).unwrap();
            assert_eq!((read.len(), rest.len()), (len, 0));
        }
        assert_eq!(read_tlv(&[0x04, 0x85, 1, 1, 1, 1, 1], OCTET_STRING), None);
        assert_eq!(read_tlv(&[0x04, 0x05, 1], OCTET_STRING), None);
        assert_eq!(read_tlv(&[0x30, 0x00], OCTET_STRING), None);
    }

    #[test]
    fn sec1_and_pkcs8_give_the_same_key() {
        let sec1 = key(P256).unwrap();
        let pkcs8 = key(P256_PKCS8).unwrap();
        assert_eq!(sec1.jwk, pkcs8.jwk);
        // openssl ec -in tests/data/p256.pem -pubout -outform DER | tail -c 64
        assert_eq!(
            sec1.jwk,
            r#"{"kty":"EC","x":"sPkcyTdYVh6ksAvRqp5lZhDmILx0-pyEad2dNmeaJf8","y":"QDQkS4JgLplAK14Uo7PT7O2rb_frNef1OBCkmYQoDs0","crv":"P-256"}"#
        );
        assert_eq!(format!("{sec1:?}"), "DpopKey { .. }");
    }

    #[test]
    fn a_proof_verifies_with_its_public_key() {
        let rng = SystemRandom::new();
        let key = key(P256).unwrap();
        let jwt = key
            .proof("https://x/v1/token", 1_780_000_000, &rng)
            .unwrap();
        assert!(verify(&jwt, key.pair.public_key().as_ref()));
        let mut tampered = jwt.clone();
        tampered.insert(3, 'A');
        assert!(!verify(&tampered, key.pair.public_key().as_ref()));
    }

    #[test]
    fn keys_that_are_not_p256_say_what_they_are() {
        let message = |pem: &str| key(pem).unwrap_err().message().to_owned();
        assert!(message(P384).contains("is a P-384 key, not a P-256 one"));
        assert!(message(RSA).contains("is an RSA key"));
        assert!(message(NO_PUBLIC).contains("has no public key"));
        assert!(message("not a key").contains("is not a PEM private key"));
        let body = "-----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----\n";
        assert!(message(body).contains("is not a SEC1 EC private key"));
        for text in [P384, RSA, NO_PUBLIC] {
            let err = key(text).unwrap_err();
            assert!(
                err.message()
                    .starts_with("the dpopKey of the login cache file /c/k.json")
            );
            for line in text.lines().filter(|l| !l.starts_with("-----")) {
                assert!(!format!("{err} {err:?}").contains(line));
            }
        }
    }
}
