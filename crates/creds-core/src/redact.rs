//! Making text that came from outside (a service's error message, a document's `Code`)
//! safe to put in an error: no control characters, no secret, not too long.
//!
//! Services echo parameters in some errors (a validation message may quote the token
//! it was sent), so a provider that shows a service's words removes what it sent
//! first.
//!
//! ```
//! use creds_core::redact;
//!
//! let sent = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";
//! let reply = format!("Token {sent} is invalid\n\x1b[31m");
//! let shown = redact::secrets(&redact::service_text(&reply, 512), &[sent]);
//! assert_eq!(shown, "Token ** redacted ** is invalid  [31m");
//! ```

use crate::REDACTED;

/// `text` without control characters (each becomes a space: no terminal escape
/// reaches a log or a terminal), cut after `max_chars` characters with `...`, and
/// trimmed.
pub fn service_text(text: &str, max_chars: usize) -> String {
    let mut shown: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max_chars)
        .collect();
    if text.chars().nth(max_chars).is_some() {
        shown.push_str("...");
    }
    shown.trim().to_owned()
}

/// `text` with every occurrence of each of `secrets` (the empty ones skipped), the
/// start of one that `text` ends with (cut off, eight characters or more), and every
/// word shaped like a JSON Web Token (`eyJ`, base64url and at least one dot, cut off or
/// whole), replaced by [`REDACTED`].
pub fn secrets(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if text.contains(secret) {
            text = text.replace(secret, REDACTED);
        }
        // A secret cut off where the text was cut.
        let longest = (8..secret.len())
            .rev()
            .filter(|&n| secret.is_char_boundary(n))
            .find(|&n| text.ends_with(&secret[..n]));
        if let Some(n) = longest {
            text.truncate(text.len() - n);
            text.push_str(REDACTED);
        }
    }
    if text.contains("eyJ") {
        text = redact_jwts(&text);
    }
    text
}

fn redact_jwts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("eyJ") {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let len = from
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=')))
            .unwrap_or(from.len());
        // `from` starts with "eyJ", which the scan takes: `len >= 3`.
        let word = &from[..len];
        let parts: Vec<&str> = word.split('.').collect();
        // A token starts a word and has a header, then a payload (maybe cut off).
        let boundary = before
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if boundary && parts.len() >= 2 && parts[0].len() > 3 && word.len() >= 20 {
            out.push_str(REDACTED);
        } else {
            out.push_str(word);
        }
        rest = &from[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_go_and_long_text_is_cut() {
        assert_eq!(service_text("  a\tb\nc\u{7}  ", 100), "a b c");
        let long = "x".repeat(600);
        let shown = service_text(&long, 512);
        assert_eq!(shown.len(), 515);
        assert!(shown.ends_with("..."));
        assert_eq!(service_text(&"é".repeat(4), 4), "éééé");
    }

    #[test]
    fn sent_secrets_and_tokens_are_redacted() {
        assert_eq!(
            secrets("bad token abc123, again abc123", &["abc123", ""]),
            "bad token ** redacted **, again ** redacted **"
        );
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtZSJ9.c2lnbmF0dXJl";
        assert_eq!(
            secrets(&format!("Value '{jwt}' at 'webIdentityToken'"), &[]),
            "Value '** redacted **' at 'webIdentityToken'"
        );
        // Cut off inside its payload, still a token.
        assert_eq!(
            secrets("Value 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIi", &[]),
            "Value '** redacted **"
        );
        // Not tokens: no dots, short, or inside a word.
        assert_eq!(secrets("eyJ alone", &[]), "eyJ alone");
        assert_eq!(secrets("eyJx.y", &[]), "eyJx.y");
        assert_eq!(secrets("keyJar.x.y", &[]), "keyJar.x.y");
        // The start of a secret, cut off at the end.
        assert_eq!(
            secrets("token was opaque-secret-va", &["opaque-secret-value-123"]),
            "token was ** redacted **"
        );
        assert_eq!(
            secrets("ends with opa", &["opaque-secret-value-123"]),
            "ends with opa"
        );
    }
}
