//! The parser on arbitrary input: it never panics, and no error quotes the input.

use creds_core::{Clock, ManualClock};
use proptest::prelude::*;

fn clock() -> Clock {
    ManualClock::new("2026-06-01T00:00:00Z".parse().unwrap()).into()
}

/// A marker that no message of the parser contains, planted in every value.
const MARK: &str = "Zq9Xw";

/// A marker planted in `SecretAccessKey` only (before [`MARK`]), so that finding it in
/// the credentials' `Debug` means the secret leaked, not that another field happens to
/// hold the same text.
const SECRET_MARK: &str = "Sk7Jv";

fn value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        Just(serde_json::json!(1)),
        Just(serde_json::json!(1.0)),
        "[a-zA-Z0-9/+=:. -]{0,20}".prop_map(|s| serde_json::Value::String(format!("{MARK}{s}"))),
        Just(serde_json::Value::String(String::new())),
        Just(serde_json::Value::String("2999-01-01T00:00:00Z".to_owned())),
        Just(serde_json::Value::String("2000-01-01T00:00:00Z".to_owned())),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec(("[a-z]{1,6}", inner), 0..4)
                .prop_map(|pairs| serde_json::Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Documents close to valid ones: each field present or not, of any type.
fn document() -> impl Strategy<Value = String> {
    let field = |name: &'static str| prop::option::of(value()).prop_map(move |v| (name, v));
    let secret = prop::option::of(value().prop_map(|v| match v {
        serde_json::Value::String(s) if !s.is_empty() => {
            serde_json::Value::String(format!("{SECRET_MARK}{s}"))
        }
        other => other,
    }))
    .prop_map(|v| ("SecretAccessKey", v));
    (
        field("Version"),
        field("AccessKeyId"),
        secret,
        field("SessionToken"),
        field("Expiration"),
        field("AccountId"),
    )
        .prop_map(|(a, b, c, d, e, f)| {
            let map: serde_json::Map<String, serde_json::Value> = [a, b, c, d, e, f]
                .into_iter()
                .filter_map(|(name, v)| Some((name.to_owned(), v?)))
                .collect();
            serde_json::Value::Object(map).to_string()
        })
}

fn check(text: &str) {
    match creds_process::parse_output(text, &clock()) {
        Ok(creds) => {
            assert!(!creds.access_key_id().is_empty());
            assert!(!creds.secret_access_key().is_empty());
            let shown = format!("{creds:?}");
            assert!(!shown.contains(SECRET_MARK), "{shown}");
        }
        Err(err) => {
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains(MARK), "{shown}");
            assert_eq!(err.kind(), creds_core::ErrorKind::InvalidConfig);
        }
    }
}

#[test]
fn a_secret_equal_to_another_field_is_no_leak() {
    // A secret that is the Expiration's text, or a part of the access key id: the
    // `Debug` shows those fields, not the secret.
    check(
        r#"{"Version": 1, "AccessKeyId": "AKIDEXAMPLE", "SecretAccessKey": "2999-01-01T00:00:00Z",
            "Expiration": "2999-01-01T00:00:00Z"}"#,
    );
    check(r#"{"Version": 1, "AccessKeyId": "AKIDEXAMPLE", "SecretAccessKey": "AKID"}"#);
    check(r#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "process"}"#);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn near_documents(text in document()) {
        check(&text);
    }

    #[test]
    fn broken_documents(text in document(), cut in any::<prop::sample::Index>(), junk in "[{}\\[\\]\":,\\\\a-z0-9 ]{0,8}") {
        // Cut anywhere (on a char boundary) and add junk: syntax errors of every kind.
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        check(&format!("{}{junk}{MARK}", &text[..at]));
    }

    #[test]
    fn any_text(text in "\\PC{0,64}") {
        check(&format!("{text}{MARK}"));
    }
}
