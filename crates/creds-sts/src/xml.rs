//! STS's XML replies to `AssumeRole` and `AssumeRoleWithWebIdentity`, read with
//! quick-xml: no DTD (so no entity is ever expanded), the five predefined entities
//! and character references only, a size and depth cap, unknown elements ignored.

use jiff::Timestamp;
use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use zeroize::Zeroizing;

use creds_core::{Clock, Credentials, CredentialsError};

/// The largest reply read: STS's are a few kilobytes, a session policy included.
pub const MAX_REPLY_BYTES: usize = 256 * 1024;

/// How deep elements may nest (STS's replies go four deep).
const MAX_DEPTH: usize = 16;

/// The STS call a reply answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StsAction {
    /// `AssumeRole`.
    AssumeRole,
    /// `AssumeRoleWithWebIdentity`.
    AssumeRoleWithWebIdentity,
}

impl StsAction {
    /// The action's name, as the query protocol's `Action` parameter spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            StsAction::AssumeRole => "AssumeRole",
            StsAction::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
        }
    }

    /// The name of the provider that calls it, in errors and on the credentials:
    /// `assume-role` or `web-identity`.
    pub fn provider(self) -> &'static str {
        match self {
            StsAction::AssumeRole => crate::assume_role::NAME,
            StsAction::AssumeRoleWithWebIdentity => crate::web_identity::NAME,
        }
    }
}

/// What a successful reply holds.
pub(crate) struct Reply {
    pub(crate) credentials: Credentials,
    /// `AssumedRoleUser.Arn`: the session's ARN.
    pub(crate) assumed_role_arn: Option<String>,
}

/// Parses the body of STS's successful (`200`) answer to `action` into credentials
/// named after the action's [provider](StsAction::provider), with the account id from `AssumedRoleUser.Arn`
/// (`arn:aws:sts::123456789012:assumed-role/...`).
///
/// The document must be `<{Action}Response>` with `<{Action}Result>` and its
/// `<Credentials>`: `AccessKeyId`, `SecretAccessKey`, `SessionToken` and an RFC 3339
/// `Expiration`. Other elements are ignored. A DTD, an entity other than the five of
/// XML, more than 256 KiB or more than 16 levels are errors. Errors are
/// [`Unavailable`](creds_core::ErrorKind::Unavailable), say what is wrong and never
/// quote the body.
///
/// ```
/// use creds_core::Clock;
/// use creds_sts::{StsAction, parse_response};
///
/// let body = br#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
///   <AssumeRoleResult>
///     <AssumedRoleUser>
///       <Arn>arn:aws:sts::123456789012:assumed-role/demo/session</Arn>
///       <AssumedRoleId>AROA123EXAMPLE:session</AssumedRoleId>
///     </AssumedRoleUser>
///     <Credentials>
///       <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
///       <SecretAccessKey>s3cr3t</SecretAccessKey>
///       <SessionToken>t0k3n</SessionToken>
///       <Expiration>2999-01-01T00:00:00Z</Expiration>
///     </Credentials>
///   </AssumeRoleResult>
/// </AssumeRoleResponse>"#;
/// let creds = parse_response(StsAction::AssumeRole, body, &Clock::system()).unwrap();
/// assert_eq!(creds.access_key_id(), "ASIAEXAMPLE");
/// assert_eq!(creds.account_id(), Some("123456789012"));
/// ```
pub fn parse_response(
    action: StsAction,
    body: &[u8],
    clock: &Clock,
) -> Result<Credentials, CredentialsError> {
    parse(action, body, clock, None).map(|reply| reply.credentials)
}

/// [`parse_response`], with the session's ARN, the credentials' origin set to `origin`.
pub(crate) fn parse(
    action: StsAction,
    body: &[u8],
    clock: &Clock,
    origin: Option<String>,
) -> Result<Reply, CredentialsError> {
    let bad = |what: &str| {
        CredentialsError::unavailable(
            action.provider(),
            format!(
                "STS answered {} with {what}; expected an {}Response document",
                action.as_str(),
                action.as_str()
            ),
        )
    };
    if body.len() > MAX_REPLY_BYTES {
        return Err(bad("a reply larger than 256 KiB"));
    }
    let fields = read_fields(body, action).map_err(|what| bad(&what))?;
    let field = |value: Option<Zeroizing<String>>, name: &str| {
        value
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| bad(&format!("a document without Credentials.{name}")))
    };
    let access_key_id = field(fields.access_key_id, "AccessKeyId")?;
    let secret_access_key = field(fields.secret_access_key, "SecretAccessKey")?;
    let session_token = field(fields.session_token, "SessionToken")?;
    let expiration = field(fields.expiration, "Expiration")?;
    let expiration: Timestamp = expiration
        .trim()
        .parse()
        .map_err(|_| bad("an Expiration that is not an RFC 3339 timestamp"))?;
    let now = clock.now();
    if expiration <= now {
        return Err(bad(&format!(
            "credentials whose Expiration ({expiration}) is in the past (now {now}); is the clock right?"
        )));
    }
    let arn = fields.assumed_role_arn.map(|arn| arn.trim().to_owned());
    let account_id = arn.as_deref().and_then(account_of);
    let credentials = Credentials::builder()
        .access_key_id(access_key_id.trim())
        .secret_access_key(secret_access_key.trim())
        .session_token(session_token.trim())
        .expiration(expiration)
        .set_account_id(account_id)
        .provider_name(action.provider())
        .set_origin(origin)
        .build();
    Ok(Reply {
        credentials,
        assumed_role_arn: arn,
    })
}

/// The account of an ARN: its fifth part, when it is twelve digits.
pub(crate) fn account_of(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then(|| account.to_owned())
}

#[derive(Default)]
struct Fields {
    access_key_id: Option<Zeroizing<String>>,
    secret_access_key: Option<Zeroizing<String>>,
    session_token: Option<Zeroizing<String>>,
    expiration: Option<Zeroizing<String>>,
    assumed_role_arn: Option<Zeroizing<String>>,
}

/// Which field the text of the element at the top of `path` goes to.
fn slot<'f>(fields: &'f mut Fields, path: &[String]) -> Option<&'f mut Option<Zeroizing<String>>> {
    let [.., parent, name] = path else {
        return None;
    };
    match (parent.as_str(), name.as_str()) {
        ("Credentials", "AccessKeyId") => Some(&mut fields.access_key_id),
        ("Credentials", "SecretAccessKey") => Some(&mut fields.secret_access_key),
        ("Credentials", "SessionToken") => Some(&mut fields.session_token),
        ("Credentials", "Expiration") => Some(&mut fields.expiration),
        ("AssumedRoleUser", "Arn") => Some(&mut fields.assumed_role_arn),
        _ => None,
    }
}

fn read_fields(body: &[u8], action: StsAction) -> Result<Fields, String> {
    let response = format!("{}Response", action.as_str());
    let result = format!("{}Result", action.as_str());
    let mut reader = Reader::from_reader(body);
    let mut fields = Fields::default();
    let mut path: Vec<String> = Vec::new();
    let mut text = Zeroizing::new(String::new());
    let mut saw_result = false;
    loop {
        let event = reader.read_event().map_err(|_| {
            format!(
                "XML that is not well-formed (at byte {})",
                reader.error_position()
            )
        })?;
        match event {
            Event::Start(start) => {
                if path.len() >= MAX_DEPTH {
                    return Err(format!("XML nested more than {MAX_DEPTH} levels deep"));
                }
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if path.is_empty() && name != response {
                    return Err(format!("a document that is not an {response}"));
                }
                if path.len() == 1 && name == result {
                    saw_result = true;
                }
                path.push(name);
                text.clear();
            }
            Event::End(_) => {
                if path.len() >= 2 && path[1] == result {
                    if let Some(slot) = slot(&mut fields, &path) {
                        *slot = Some(std::mem::take(&mut text));
                    }
                }
                text.clear();
                path.pop();
            }
            Event::Empty(_) if path.is_empty() => {
                return Err(format!("a document that is not an {response}"));
            }
            Event::Empty(_) => {}
            Event::Text(t) => {
                let t = t
                    .decode()
                    .map_err(|_| "text that is not UTF-8".to_owned())?;
                text.push_str(&t);
            }
            Event::CData(t) => {
                let t = t
                    .decode()
                    .map_err(|_| "text that is not UTF-8".to_owned())?;
                text.push_str(&t);
            }
            Event::GeneralRef(reference) => {
                if let Ok(Some(c)) = reference.resolve_char_ref() {
                    text.push(c);
                } else {
                    let name = reference
                        .decode()
                        .map_err(|_| "an entity that is not UTF-8".to_owned())?;
                    match resolve_predefined_entity(&name) {
                        Some(value) => text.push_str(value),
                        None => {
                            return Err("an entity reference that XML does not define".to_owned());
                        }
                    }
                }
            }
            Event::DocType(_) => {
                return Err("a DTD (not accepted: entities are never expanded)".to_owned());
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if !path.is_empty() {
        return Err("XML that ends in the middle of the document".to_owned());
    }
    if !saw_result {
        return Err(format!("a document without {result}"));
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use creds_core::{ErrorKind, ManualClock};

    const SECRET: &str = "wJalrXUtnFEMI-STS-SECRET";
    const TOKEN: &str = "IQoJb3JpZ2luX2VjE-STS-TOKEN";

    fn clock() -> Clock {
        ManualClock::new("2026-06-01T00:00:00Z".parse().unwrap()).into()
    }

    fn reply(action: &str, inner: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><{action}Result>{inner}</{action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></{action}Response>"#
        )
    }

    fn credentials(expiration: &str) -> String {
        format!(
            "<Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>{SECRET}</SecretAccessKey>\
             <SessionToken>{TOKEN}</SessionToken><Expiration>{expiration}</Expiration></Credentials>"
        )
    }

    fn err(action: StsAction, body: &str) -> String {
        let err = parse(action, body.as_bytes(), &clock(), None)
            .err()
            .expect("an error");
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
        err.message().to_owned()
    }

    #[test]
    fn both_actions_with_entities_and_unknown_elements() {
        let body = reply(
            "AssumeRoleWithWebIdentity",
            &format!(
                "<SubjectFromWebIdentityToken>system:serviceaccount:ns:sa</SubjectFromWebIdentityToken>\
                 <Audience>sts.amazonaws.com</Audience><Unknown><Deep>x</Deep></Unknown>\
                 <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s&amp;x</Arn></AssumedRoleUser>{}",
                credentials("2026-06-01T01:00:00Z")
            ),
        );
        let parsed = parse(
            StsAction::AssumeRoleWithWebIdentity,
            body.as_bytes(),
            &clock(),
            None,
        )
        .unwrap();
        assert_eq!(parsed.credentials.secret_access_key(), SECRET);
        assert_eq!(parsed.credentials.session_token(), Some(TOKEN));
        assert_eq!(parsed.credentials.account_id(), Some("123456789012"));
        assert_eq!(
            parsed.assumed_role_arn.as_deref(),
            Some("arn:aws:sts::123456789012:assumed-role/r/s&x")
        );
        let escaped = reply(
            "AssumeRole",
            &credentials("2026-06-01T01:00:00Z").replace("ASIA", "AS&#x49;A"),
        );
        let parsed = parse(StsAction::AssumeRole, escaped.as_bytes(), &clock(), None).unwrap();
        assert_eq!(parsed.credentials.access_key_id(), "ASIA");
        assert_eq!(parsed.credentials.account_id(), None);
    }

    #[test]
    fn bad_documents_say_what_is_wrong() {
        let ok = credentials("2026-06-01T01:00:00Z");
        let cases = [
            (String::new(), "without AssumeRoleResult"),
            (
                "<html><body>Service Unavailable</body></html>".to_owned(),
                "not an AssumeRoleResponse",
            ),
            (
                reply("AssumeRoleWithWebIdentity", &ok),
                "not an AssumeRoleResponse",
            ),
            (
                reply("AssumeRole", &ok).replace("</AssumeRoleResponse>", ""),
                "ends in the middle",
            ),
            (
                reply("AssumeRole", &ok)[..120].to_owned(),
                "not well-formed",
            ),
            (
                reply("AssumeRole", &ok).replace("</SessionToken>", "</Session>"),
                "not well-formed",
            ),
            (
                reply(
                    "AssumeRole",
                    &ok.replace("<SessionToken>", "<Other>")
                        .replace("</SessionToken>", "</Other>"),
                ),
                "without Credentials.SessionToken",
            ),
            (reply("AssumeRole", &credentials("soon")), "not an RFC 3339"),
            (
                reply("AssumeRole", &credentials("2026-05-31T00:00:00Z")),
                "in the past",
            ),
            (
                format!(
                    "<!DOCTYPE x [<!ENTITY e \"{SECRET}\">]>{}",
                    reply("AssumeRole", &ok)
                ),
                "a DTD",
            ),
            (
                reply("AssumeRole", &ok.replace("ASIA", "&e;")),
                "an entity reference",
            ),
            (
                reply(
                    "AssumeRole",
                    &format!("{}{ok}", "<a>".repeat(20) + &"</a>".repeat(20)),
                ),
                "nested more than 16",
            ),
            (
                format!(
                    "{}{}",
                    reply("AssumeRole", &ok),
                    " ".repeat(MAX_REPLY_BYTES)
                ),
                "larger than 256 KiB",
            ),
        ];
        for (body, needle) in cases {
            let action = StsAction::AssumeRole;
            let message = err(action, &body);
            assert!(message.contains(needle), "{needle}: {message}");
        }
    }
}
