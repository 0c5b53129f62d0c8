//! `creds export`: the resolved credentials in a format a shell, a PowerShell or an SDK
//! reads.

use std::io::Write as _;

use creds::{Credentials, DefaultChainBuilder};
use serde_json::{Value, json};

use crate::cli::{ExportArgs, Format};
use crate::exit;
use crate::status::{self, Ui};

pub(crate) async fn run(
    builder: DefaultChainBuilder,
    args: &ExportArgs,
    ui: &Ui,
) -> Result<(), u8> {
    let chain = builder.build_chain();
    let (result, trace) = status::resolve(&chain, ui).await;
    // The process ends next: the chain (its profile files, parsed, and every hop) is
    // left to the exit rather than freed piece by piece.
    std::mem::forget(chain);
    let creds = result.map_err(|e| exit::report_traced(&e, &trace, ui))?;
    let text = render(&creds, args.format);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| {
            exit::report_line(&format!("cannot write the credentials to stdout: {e}"));
            exit::INTERNAL
        })
}

/// The credentials as text in `format`, ending with a newline.
pub(crate) fn render(creds: &Credentials, format: Format) -> String {
    match format {
        Format::Process => document(creds, true),
        Format::Json => document(creds, false),
        Format::Env => lines(creds, |k, v| format!("export {k}={}\n", sh_quote(v))),
        Format::EnvNoExport => lines(creds, |k, v| format!("{k}={}\n", sh_quote(v))),
        Format::Powershell => lines(creds, |k, v| {
            format!("$Env:{k}='{}'\n", v.replace('\'', "''"))
        }),
    }
}

/// The credential_process document (`Version: 1`), or the plain JSON object with the
/// provider's name; fields in the order the SDKs document them.
fn document(creds: &Credentials, process: bool) -> String {
    let mut fields: Vec<(&str, Value)> = Vec::with_capacity(7);
    if process {
        fields.push(("Version", json!(1)));
    }
    fields.push(("AccessKeyId", json!(creds.access_key_id())));
    fields.push(("SecretAccessKey", json!(creds.secret_access_key())));
    if let Some(token) = creds.session_token() {
        fields.push(("SessionToken", json!(token)));
    }
    if let Some(expiration) = creds.expiration() {
        fields.push(("Expiration", json!(rfc3339(expiration))));
    }
    if let Some(account) = creds.account_id() {
        fields.push(("AccountId", json!(account)));
    }
    if !process {
        fields.push(("Provider", json!(creds.provider_name())));
    }
    let mut text = String::from("{\n");
    for (i, (key, value)) in fields.iter().enumerate() {
        let comma = if i + 1 < fields.len() { "," } else { "" };
        text.push_str(&format!("  \"{key}\": {value}{comma}\n"));
    }
    text.push_str("}\n");
    text
}

fn lines(creds: &Credentials, line: impl Fn(&str, &str) -> String) -> String {
    let mut out = line("AWS_ACCESS_KEY_ID", creds.access_key_id());
    out += &line("AWS_SECRET_ACCESS_KEY", creds.secret_access_key());
    if let Some(token) = creds.session_token() {
        out += &line("AWS_SESSION_TOKEN", token);
    }
    if let Some(expiration) = creds.expiration() {
        out += &line("AWS_CREDENTIAL_EXPIRATION", &rfc3339(expiration));
    }
    if let Some(account) = creds.account_id() {
        out += &line("AWS_ACCOUNT_ID", account);
    }
    out
}

/// `2026-01-01T00:00:00Z`: whole seconds, UTC, as the SDKs write it. Truncated, never
/// rounded up: a reader must not believe credentials outlive their real expiration.
pub(crate) fn rfc3339(at: jiff::Timestamp) -> String {
    let whole = jiff::TimestampRound::new()
        .smallest(jiff::Unit::Second)
        .mode(jiff::RoundMode::Trunc);
    at.round(whole)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| at.to_string())
}

/// A POSIX shell word: single-quoted unless plainly safe.
pub(crate) fn sh_quote(value: &str) -> String {
    let safe = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=-_.:,@%".contains(&b));
    if safe {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Credentials {
        Credentials::builder()
            .access_key_id("AKID")
            .secret_access_key("se'cret/+=")
            .session_token("TOKEN")
            .expiration("2026-01-01T00:00:00.123Z".parse().unwrap())
            .account_id("123456789012")
            .provider_name("profile")
            .build()
    }

    #[test]
    fn process_document_is_version_1() {
        let doc: Value = serde_json::from_str(&render(&sample(), Format::Process)).unwrap();
        assert_eq!(doc["Version"], 1);
        assert_eq!(doc["AccessKeyId"], "AKID");
        assert_eq!(doc["SecretAccessKey"], "se'cret/+=");
        assert_eq!(doc["SessionToken"], "TOKEN");
        assert_eq!(doc["Expiration"], "2026-01-01T00:00:00Z");
        let late = Credentials::builder()
            .access_key_id("AKID")
            .secret_access_key("s")
            .expiration("2026-01-01T00:00:00.9Z".parse().unwrap())
            .build();
        let late_doc: Value = serde_json::from_str(&render(&late, Format::Process)).unwrap();
        assert_eq!(
            late_doc["Expiration"], "2026-01-01T00:00:00Z",
            "truncated, not rounded up"
        );
        assert_eq!(doc["AccountId"], "123456789012");
        assert!(doc.get("Provider").is_none());
        assert!(
            render(&sample(), Format::Process)
                .starts_with("{\n  \"Version\": 1,\n  \"AccessKeyId\"")
        );
    }

    #[test]
    fn json_names_the_provider() {
        let doc: Value = serde_json::from_str(&render(&sample(), Format::Json)).unwrap();
        assert_eq!(doc["Provider"], "profile");
        assert!(doc.get("Version").is_none());
    }

    #[test]
    fn shell_formats_quote() {
        let env = render(&sample(), Format::Env);
        assert!(env.contains("export AWS_ACCESS_KEY_ID=AKID\n"), "{env}");
        assert!(
            env.contains(r"export AWS_SECRET_ACCESS_KEY='se'\''cret/+='"),
            "{env}"
        );
        assert!(
            env.contains("export AWS_CREDENTIAL_EXPIRATION=2026-01-01T00:00:00Z\n"),
            "{env}"
        );
        let plain = render(&sample(), Format::EnvNoExport);
        assert!(plain.starts_with("AWS_ACCESS_KEY_ID=AKID\n"), "{plain}");
        let ps = render(&sample(), Format::Powershell);
        assert!(
            ps.contains("$Env:AWS_SECRET_ACCESS_KEY='se''cret/+='\n"),
            "{ps}"
        );
    }

    #[test]
    fn long_term_keys_have_no_token_lines() {
        let creds = Credentials::from_keys("AKID", "s", "profile");
        let env = render(&creds, Format::Env);
        assert_eq!(
            env,
            "export AWS_ACCESS_KEY_ID=AKID\nexport AWS_SECRET_ACCESS_KEY=s\n"
        );
    }
}
