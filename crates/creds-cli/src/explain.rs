//! `creds explain`: every source of the chain in order, what it found, why (the
//! variable or the file and line that decided it: for a source that was not
//! configured or failed, its error's message and location; for the one that found
//! credentials, their [`origin`](creds::Credentials::origin), such as the variables
//! read or the endpoint asked), and how long it took; for the profile, its whole role
//! chain. Never a secret.
//!
//! The role chain is planned from the files ([`creds::plan_profile`]) whether or not
//! the profile source was tried, and whether or not resolving it worked: a role
//! profile without the crate that assumes roles fails to resolve, and that is when
//! the chain is most worth seeing. Under the profile line, the text output shows the
//! profiles in order, each hop's `role_arn` and its `source_profile` or
//! `credential_source` with their lines, and the base (static keys by access key id,
//! a named credential source, or the handler that claims the profile); `--json` has
//! the same under the profile source's `role_chain`.

#![allow(clippy::print_stdout)]

use creds::core::{Location, ProfileSource, ProviderConfig, SelectedProfile};
use creds::{
    ChainBase, CredentialsError, DefaultChainBuilder, ErrorKind, HopSource, Outcome, RoleChain,
    Trace, plan_profile,
};
use serde_json::{Value, json};

use crate::cli::ExplainArgs;
use crate::exit;
use crate::export::rfc3339;
use crate::status::{self, Ui};

pub(crate) async fn run(
    builder: DefaultChainBuilder,
    args: &ExplainArgs,
    ui: &Ui,
) -> Result<(), u8> {
    let config = builder.provider_config();
    let chain = builder.build_chain();
    let names: Vec<&'static str> = chain.providers().iter().map(|p| p.name()).collect();
    let (result, trace) = status::resolve(&chain, ui).await;
    let selected = config.selected_profile();
    let files = config.profile_files();
    let plan = plan_chain(&config, &selected.name);
    let shown = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());

    if args.json {
        let doc = json!({
            "profile": { "name": selected.name, "chosen_by": chosen_by(&selected) },
            "config_file": shown(&files.config),
            "credentials_file": shown(&files.credentials),
            "sources": sources_json(&names, &trace, plan.as_ref()),
            "result": match &result {
                Ok(creds) => json!({ "found": true, "provider": creds.provider_name(), "access_key_id": creds.access_key_id() }),
                Err(e) => json!({
                    "found": false,
                    "kind": e.kind().as_str(),
                    "error": e.to_string(),
                    "service_code": e.service_code(),
                    "request_id": e.request_id(),
                    "timed_out": e.is_timeout(),
                }),
            },
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        println!(
            "profile: {} (chosen by {})",
            selected.name,
            chosen_by(&selected)
        );
        println!(
            "config file: {}",
            shown(&files.config).unwrap_or_else(|| "(none: no home directory)".into())
        );
        println!(
            "credentials file: {}",
            shown(&files.credentials).unwrap_or_else(|| "(none: no home directory)".into())
        );
        println!();
        println!("sources, in chain order:");
        for (i, name) in names.iter().enumerate() {
            let (status, elapsed, why) = match trace.entries().get(i) {
                Some(entry) => (
                    status(&entry.outcome),
                    format!("{:.1} ms", entry.elapsed.as_secs_f64() * 1e3),
                    reason(&entry.outcome),
                ),
                None => (
                    "not tried",
                    "-".to_owned(),
                    "an earlier source decided".to_owned(),
                ),
            };
            println!("  {}. {name:<12} {status:<14} {elapsed:>9}  {why}", i + 1);
            if *name == PROFILE {
                let tried = trace.entries().get(i).is_some();
                for line in chain_lines(plan.as_ref(), tried) {
                    println!("       {line}");
                }
            }
        }
        println!();
        match &result {
            Ok(creds) => {
                let source = names.get(trace.entries().len() - 1).copied().unwrap_or("?");
                let via = if creds.provider_name() == source {
                    String::new()
                } else {
                    format!(" (through {})", creds.provider_name())
                };
                println!(
                    "result: credentials from {source}{via}: the first source in the chain that is configured"
                );
            }
            Err(e) => println!("result: no credentials ({})", e.kind()),
        }
    }
    match result {
        Ok(_) => Ok(()),
        Err(e) => Err(exit::report(&e)),
    }
}

fn chosen_by(selected: &SelectedProfile) -> &'static str {
    match selected.source {
        ProfileSource::Explicit => "--profile",
        ProfileSource::Environment => "AWS_PROFILE",
        _ => "default",
    }
}

fn status(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Found(_) => "found",
        Outcome::NotConfigured(_) => "not configured",
        _ => "failed",
    }
}

fn reason(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Found(found) => {
            let mut text = format!("access key id {}", found.access_key_id);
            if found.has_session_token {
                text.push_str(", with a session token");
            }
            if let Some(expiration) = found.expiration {
                text.push_str(&format!(", expires {}", rfc3339(expiration)));
            }
            if let Some(account) = &found.account_id {
                text.push_str(&format!(", account {account}"));
            }
            if let Some(origin) = &found.origin {
                text.push_str(&format!(", from {origin}"));
            }
            text
        }
        Outcome::NotConfigured(e) => with_location(e),
        Outcome::Failed(e) => format!("{}: {}", e.kind(), with_location(e)),
        _ => String::new(),
    }
}

/// The message, with the file and line, the service's error code and request id, and
/// the timeout that passed, when the error has them.
fn with_location(e: &creds::CredentialsError) -> String {
    let mut text = e.message().to_owned();
    if let Some(location) = e.location() {
        text.push_str(&format!(" (at {location})"));
    }
    match (e.service_code(), e.request_id()) {
        (Some(code), Some(id)) => {
            text.push_str(&format!(" [service code {code}, request id {id}]"))
        }
        (Some(code), None) => text.push_str(&format!(" [service code {code}]")),
        _ => {}
    }
    if let Some(after) = e.timeout() {
        text.push_str(&format!(" [timed out after {after:?}]"));
    }
    text
}

fn sources_json(
    names: &[&str],
    trace: &Trace,
    plan: Option<&Result<RoleChain, CredentialsError>>,
) -> Value {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut source = source_json(name, trace, i);
            if *name == PROFILE {
                source["role_chain"] = match plan {
                    Some(Ok(chain)) => chain_json(chain),
                    _ => Value::Null,
                };
            }
            source
        })
        .collect()
}

fn source_json(name: &str, trace: &Trace, i: usize) -> Value {
    match trace.entries().get(i) {
        Some(entry) => json!({
            "name": name,
            "outcome": status(&entry.outcome),
            "reason": reason(&entry.outcome),
            "location": match &entry.outcome {
                Outcome::NotConfigured(e) | Outcome::Failed(e) => e.location().map(|l| l.to_string()),
                _ => None,
            },
            "origin": match &entry.outcome {
                Outcome::Found(found) => found.origin.as_deref(),
                _ => None,
            },
            "service_code": error_of(&entry.outcome).and_then(|e| e.service_code()),
            "request_id": error_of(&entry.outcome).and_then(|e| e.request_id()),
            "timeout_ms": error_of(&entry.outcome)
                .and_then(|e| e.timeout())
                .map(|t| t.as_secs_f64() * 1e3),
            "elapsed_ms": entry.elapsed.as_secs_f64() * 1e3,
        }),
        None => json!({ "name": name, "outcome": "not tried" }),
    }
}

fn error_of(outcome: &Outcome) -> Option<&CredentialsError> {
    match outcome {
        Outcome::NotConfigured(e) | Outcome::Failed(e) => Some(e),
        _ => None,
    }
}

/// The name of the profile source in the chain.
const PROFILE: &str = "profile";

/// The selected profile's role chain, planned from the files parsed once for the chain;
/// `None` when the files cannot be read (the profile source says why).
fn plan_chain(config: &ProviderConfig, name: &str) -> Option<Result<RoleChain, CredentialsError>> {
    let profiles = config.profile_set().ok()?;
    Some(plan_profile(config, &profiles, name))
}

/// The lines under the profile source: its role chain, or, when the source was not
/// tried, why it would fail. Nothing when there is no profile, or when the source was
/// tried and its own line already shows the error.
fn chain_lines(plan: Option<&Result<RoleChain, CredentialsError>>, tried: bool) -> Vec<String> {
    let not_tried = if tried { "" } else { " (not tried)" };
    let chain = match plan {
        Some(Ok(chain)) => chain,
        Some(Err(e)) if !tried && e.kind() != ErrorKind::NotConfigured => {
            return vec![format!("would fail: {}: {}", e.kind(), with_location(e))];
        }
        _ => return Vec::new(),
    };
    let base = base_text(&chain.base);
    if chain.hops.is_empty() {
        let profile = chain.base.profile().unwrap_or_default();
        return vec![format!("profile {profile}{not_tried}: {base}")];
    }
    let mut path = chain.profile_names().join(" -> ");
    if let ChainBase::CredentialSource { name, .. } = &chain.base {
        path.push_str(&format!(" -> credential_source {name}"));
    }
    let mut lines = vec![format!("role chain{not_tried}: {path}")];
    let width = chain
        .profile_names()
        .iter()
        .map(|name| name.len())
        .max()
        .unwrap_or(0);
    let arn_width = chain
        .hops
        .iter()
        .map(|hop| hop.role_arn.len())
        .max()
        .unwrap_or(0);
    for hop in &chain.hops {
        let via = match &hop.via {
            HopSource::SourceProfile { name, location, .. } => {
                format!("source_profile {name} ({})", short(location))
            }
            HopSource::CredentialSource { name, location, .. } => {
                format!("credential_source {name} ({})", short(location))
            }
            _ => String::new(),
        };
        lines.push(format!(
            "  {:<width$}  assumes {:<arn_width$}  ({}) via {via}",
            hop.profile,
            hop.role_arn,
            short(&hop.location),
        ));
    }
    if let Some(profile) = chain.base.profile() {
        lines.push(format!("  {profile:<width$}  {base}"));
    }
    lines
}

/// The base of a chain, in words: never a secret.
fn base_text(base: &ChainBase) -> String {
    let location = short(base.location());
    match base {
        ChainBase::StaticKeys {
            access_key_id: Some(id),
            ..
        } => format!("static keys {id} ({location})"),
        ChainBase::StaticKeys { .. } => {
            format!("static keys, without an access key id ({location})")
        }
        ChainBase::CredentialSource { name, .. } => {
            format!("credential_source {name} ({location})")
        }
        ChainBase::Handler { handler, .. } => format!("claimed by handler {handler} ({location})"),
        _ => format!("({location})"),
    }
}

fn chain_json(chain: &RoleChain) -> Value {
    let hops: Vec<Value> = chain
        .hops
        .iter()
        .map(|hop| {
            let via = match &hop.via {
                HopSource::SourceProfile { name, location, .. } => {
                    json!({ "kind": "source_profile", "name": name, "location": location.to_string() })
                }
                HopSource::CredentialSource { name, location, .. } => {
                    json!({ "kind": "credential_source", "name": name, "location": location.to_string() })
                }
                _ => Value::Null,
            };
            json!({
                "profile": hop.profile,
                "role_arn": hop.role_arn,
                "location": hop.location.to_string(),
                "via": via,
            })
        })
        .collect();
    let location = chain.base.location().to_string();
    let base = match &chain.base {
        ChainBase::StaticKeys {
            profile,
            access_key_id,
            ..
        } => json!({
            "kind": "static_keys",
            "profile": profile,
            "access_key_id": access_key_id,
            "location": location,
        }),
        ChainBase::CredentialSource { name, .. } => {
            json!({ "kind": "credential_source", "name": name, "location": location })
        }
        ChainBase::Handler {
            profile, handler, ..
        } => json!({
            "kind": "handler",
            "profile": profile,
            "handler": handler,
            "location": location,
        }),
        _ => json!({ "kind": "other", "location": location }),
    };
    json!({
        "profiles": chain.profile_names(),
        "hops": hops,
        "base": base,
    })
}

/// A location by file name and line (`config:7`): the files' paths are shown above.
fn short(location: &Location) -> String {
    match location.file().file_name() {
        Some(file) => format!("{}:{}", file.to_string_lossy(), location.line()),
        None => location.to_string(),
    }
}
