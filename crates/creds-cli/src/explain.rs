//! `creds explain`: every source of the chain in order, what it found, why, and how
//! long it took. Never a secret.

#![allow(clippy::print_stdout)]

use creds::core::{ProfileSource, SelectedProfile};
use creds::{DefaultChainBuilder, Outcome, Trace};
use serde_json::{Value, json};

use crate::cli::ExplainArgs;
use crate::exit;
use crate::export::rfc3339;

pub(crate) async fn run(builder: DefaultChainBuilder, args: &ExplainArgs) -> Result<(), u8> {
    let config = builder.provider_config();
    let chain = builder.build_chain();
    let names: Vec<&'static str> = chain.providers().iter().map(|p| p.name()).collect();
    let (result, trace) = chain.provide_traced().await;
    let selected = config.selected_profile();
    let files = config.profile_files();
    let shown = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());

    if args.json {
        let doc = json!({
            "profile": { "name": selected.name, "chosen_by": chosen_by(&selected) },
            "config_file": shown(&files.config),
            "credentials_file": shown(&files.credentials),
            "sources": sources_json(&names, &trace),
            "result": match &result {
                Ok(creds) => json!({ "found": true, "provider": creds.provider_name(), "access_key_id": creds.access_key_id() }),
                Err(e) => json!({ "found": false, "kind": e.kind().as_str(), "error": e.to_string() }),
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
            text
        }
        Outcome::NotConfigured(e) => with_location(e),
        Outcome::Failed(e) => format!("{}: {}", e.kind(), with_location(e)),
        _ => String::new(),
    }
}

fn with_location(e: &creds::CredentialsError) -> String {
    match e.location() {
        Some(location) => format!("{} (at {location})", e.message()),
        None => e.message().to_owned(),
    }
}

fn sources_json(names: &[&str], trace: &Trace) -> Value {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| match trace.entries().get(i) {
            Some(entry) => json!({
                "name": name,
                "outcome": status(&entry.outcome),
                "reason": reason(&entry.outcome),
                "location": match &entry.outcome {
                    Outcome::NotConfigured(e) | Outcome::Failed(e) => e.location().map(|l| l.to_string()),
                    _ => None,
                },
                "elapsed_ms": entry.elapsed.as_secs_f64() * 1e3,
            }),
            None => json!({ "name": name, "outcome": "not tried" }),
        })
        .collect()
}
