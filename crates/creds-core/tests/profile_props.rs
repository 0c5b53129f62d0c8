//! Property tests of the INI parser and the profile model:
//!
//! - no input panics: arbitrary strings, and lines built from INI fragments (headers,
//!   properties, indented lines, comments, `\r\n`, a byte order mark);
//! - a generated well-formed config round-trips: every property written is read back
//!   with its value, its sub-properties and the line it was written on;
//! - an error or a warning never holds a value: a secret-looking value in a malformed
//!   line appears in no message;
//! - the lazy `ProfileSet` answers as the eager model (its test oracle) does, on every
//!   kind of generated file: the same profiles, SSO sessions and services sections
//!   with the same properties, values and locations, the same warnings, the same
//!   errors.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use creds_core::profile::eager::EagerProfileSet;
use creds_core::profile::{FileKind, Profile, ProfileSet, parse_ini};
use proptest::prelude::*;

const CONFIG: &str = "/home/user/.aws/config";
const CREDENTIALS: &str = "/home/user/.aws/credentials";

fn parse_both(config: &str, credentials: &str) -> Result<ProfileSet, creds_core::CredentialsError> {
    ProfileSet::parse(&[
        (FileKind::Config, Path::new(CONFIG), config),
        (FileKind::Credentials, Path::new(CREDENTIALS), credentials),
    ])
}

/// Reads everything a provider could read from a set, so that a panic in an accessor
/// shows too.
fn exercise(set: &ProfileSet) {
    for name in set.profile_names() {
        let profile = set.profile(name).expect("a listed profile exists");
        for property in profile.properties() {
            assert_eq!(profile.get(property.name()), Some(property.value()));
            for (sub, value) in property.sub_properties() {
                assert!(property.sub_property(&sub).is_some(), "{sub} = {value}");
            }
        }
    }
    for session in set.sso_sessions() {
        assert!(set.sso_session(session.name()).is_some());
        for property in session.properties() {
            let _ = property.sub_properties().count();
        }
    }
    let _ = set.selected_profile();
}

// ---------------------------------------------------------------------------------------
// No panics.

/// One line of something INI-like: valid, malformed or in between.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[default]".to_owned()),
        Just("[profile dev]".to_owned()),
        Just("[profile dev] # comment".to_owned()),
        Just("[sso-session s]".to_owned()),
        Just("[services svc]".to_owned()),
        Just("  [profile indented]".to_owned()),
        Just("[profile unclosed".to_owned()),
        Just("[]".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("region = eu-west-1".to_owned()),
        Just("k=v".to_owned()),
        Just("s3 =".to_owned()),
        Just("  addressing_style = path".to_owned()),
        Just("\tcontinued".to_owned()),
        Just("    deeper = x ; y".to_owned()),
        Just("= value".to_owned()),
        Just("  = value".to_owned()),
        Just("no equals".to_owned()),
        Just("# comment".to_owned()),
        Just("; comment".to_owned()),
        Just("  # indented comment".to_owned()),
        Just(String::new()),
        Just(" \t ".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("\r".to_owned()),
        Just("é = ü # ✓".to_owned()),
        "[ -~]{0,24}",
        "[ \t]{0,3}[a-z=\\[\\]#; \t]{0,12}",
        any::<String>(),
    ]
}

/// A file of fragments, each ended by `\n`, `\r\n` or nothing, perhaps after a BOM.
fn ini_like() -> impl Strategy<Value = String> {
    let line = (fragment(), prop_oneof![Just("\n"), Just("\r\n"), Just("")]);
    (any::<bool>(), prop::collection::vec(line, 0..24)).prop_map(|(bom, lines)| {
        let mut text = if bom {
            "\u{feff}".to_owned()
        } else {
            String::new()
        };
        for (fragment, end) in lines {
            text.push_str(&fragment);
            text.push_str(end);
        }
        text
    })
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(config in any::<String>(), credentials in any::<String>()) {
        let _ = parse_ini(&config);
        if let Ok(set) = parse_both(&config, &credentials) {
            exercise(&set);
        }
    }

    #[test]
    fn ini_like_lines_never_panic(config in ini_like(), credentials in ini_like()) {
        if let Ok(sections) = parse_ini(&config) {
            for section in &sections {
                for property in &section.properties {
                    prop_assert!(property.line >= section.line);
                }
            }
        }
        if let Ok(set) = parse_both(&config, &credentials) {
            exercise(&set);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Round trip.

/// How a property line is written; all mean the same.
#[derive(Debug, Clone, Copy)]
enum Style {
    Spaced,
    Tight,
    Tabs,
    PoundComment,
    SemicolonComment,
}

#[derive(Debug, Clone)]
struct GenProperty {
    value: String,
    shout: bool,
    style: Style,
}

#[derive(Debug, Clone)]
struct GenProfile {
    properties: BTreeMap<String, GenProperty>,
    /// A `sub.props =` block of sub-properties, if any.
    subs: Option<BTreeMap<String, String>>,
    header_comment: bool,
    blank_lines: usize,
    comment_before: bool,
}

#[derive(Debug, Clone)]
struct GenConfig {
    profiles: BTreeMap<String, GenProfile>,
    crlf: bool,
    bom: bool,
}

/// The key of the sub-property block: generated keys never hold a `.`, so it is unique.
const SUB_KEY: &str = "sub.props";

fn value() -> impl Strategy<Value = String> {
    // Words joined by single spaces; a `#` or `;` never follows white space, so no part
    // of a value reads as a comment.
    prop::collection::vec("[A-Za-z0-9/+=:._-][A-Za-z0-9/+=:._#;-]{0,10}", 0..4)
        .prop_map(|w| w.join(" "))
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![
        Just(Style::Spaced),
        Just(Style::Tight),
        Just(Style::Tabs),
        Just(Style::PoundComment),
        Just(Style::SemicolonComment),
    ]
}

fn gen_profile() -> impl Strategy<Value = GenProfile> {
    let property =
        (value(), any::<bool>(), style()).prop_map(|(value, shout, style)| GenProperty {
            value,
            shout,
            style,
        });
    (
        prop::collection::btree_map("[a-z][a-z0-9_-]{0,15}", property, 0..6),
        prop::option::of(prop::collection::btree_map(
            "[a-z][a-z0-9_]{0,10}",
            value(),
            1..4,
        )),
        any::<bool>(),
        0..3usize,
        any::<bool>(),
    )
        .prop_map(
            |(properties, subs, header_comment, blank_lines, comment_before)| GenProfile {
                properties,
                subs,
                header_comment,
                blank_lines,
                comment_before,
            },
        )
}

fn gen_config() -> impl Strategy<Value = GenConfig> {
    (
        prop::collection::btree_map("[A-Za-z0-9_.@%+:/-]{1,16}", gen_profile(), 0..8),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(profiles, crlf, bom)| GenConfig {
            profiles,
            crlf,
            bom,
        })
}

/// What a written config must read back as: profile → property → (value, line).
type Expected = BTreeMap<String, BTreeMap<String, (String, u32)>>;

fn write_config(config: &GenConfig) -> (String, Expected) {
    let mut lines: Vec<String> = Vec::new();
    let mut expected = Expected::new();
    let push = |lines: &mut Vec<String>, line: String| -> u32 {
        lines.push(line);
        u32::try_from(lines.len()).unwrap()
    };
    for (name, profile) in &config.profiles {
        for _ in 0..profile.blank_lines {
            push(&mut lines, String::new());
        }
        if profile.comment_before {
            push(&mut lines, format!("# the {name} profile ; with = signs"));
        }
        let comment = if profile.header_comment {
            " ; header comment"
        } else {
            ""
        };
        push(&mut lines, format!("[profile {name}]{comment}"));
        let properties = expected.entry(name.clone()).or_default();
        for (key, property) in &profile.properties {
            let written_key = if property.shout {
                key.to_ascii_uppercase()
            } else {
                key.clone()
            };
            let v = &property.value;
            let text = match property.style {
                Style::Spaced => format!("{written_key} = {v}"),
                Style::Tight => format!("{written_key}={v}"),
                Style::Tabs => format!("{written_key}\t=\t{v} \t "),
                Style::PoundComment => format!("{written_key} = {v} # a comment = x"),
                Style::SemicolonComment => format!("{written_key} = {v}\t; a comment"),
            };
            let line = push(&mut lines, text);
            properties.insert(key.clone(), (v.clone(), line));
        }
        if let Some(subs) = &profile.subs {
            let line = push(&mut lines, format!("{SUB_KEY} ="));
            let mut value = String::new();
            for (key, v) in subs {
                push(&mut lines, format!("  {key} = {v}"));
                write!(value, "\n{key} = {v}").unwrap();
                // An empty sub-property value reads back as the line trimmed.
                if v.is_empty() {
                    value.pop();
                }
            }
            properties.insert(SUB_KEY.to_owned(), (value, line));
        }
    }
    let end = if config.crlf { "\r\n" } else { "\n" };
    let bom = if config.bom { "\u{feff}" } else { "" };
    (format!("{bom}{}", lines.join(end)), expected)
}

proptest! {
    #[test]
    fn well_formed_configs_round_trip(config in gen_config()) {
        let (text, expected) = write_config(&config);
        let set = ProfileSet::parse(&[(FileKind::Config, Path::new(CONFIG), &text)])
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert!(set.warnings().is_empty(), "{:?}", set.warnings());
        let names: Vec<&str> = expected.keys().map(String::as_str).collect();
        let mut actual_names = set.profile_names();
        actual_names.sort();
        prop_assert_eq!(actual_names, names);
        for (name, properties) in &expected {
            let profile = set.profile(name).unwrap();
            prop_assert_eq!(profile.properties().len(), properties.len());
            for (key, (value, line)) in properties {
                let property = profile.property(key);
                prop_assert!(property.is_some(), "{} has no {}", name, key);
                let property = property.unwrap();
                prop_assert_eq!(property.name(), key.as_str());
                prop_assert_eq!(property.value(), value.as_str());
                prop_assert_eq!(property.location().line(), *line);
                prop_assert_eq!(property.location().file(), Path::new(CONFIG));
            }
            if let Some(subs) = &config.profiles[name].subs {
                let block = profile.property(SUB_KEY).unwrap();
                prop_assert_eq!(block.sub_properties().count(), subs.len());
                for (key, value) in subs {
                    prop_assert_eq!(block.sub_property(key), Some(value.as_str()));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Errors and warnings never hold a value.

/// A malformed line, or pair of lines, around a secret; each is an error on its last
/// line.
fn malformed(secret: &str, kind: u8) -> Vec<String> {
    match kind {
        0 => vec![format!("aws_secret_access_key: {secret}")],
        1 => vec![format!("= {secret}")],
        2 => vec![format!("[profile {secret}")],
        3 => vec!["[profile after]".to_owned(), format!("  {secret}")],
        4 => vec!["s3 =".to_owned(), format!("  {secret}")],
        5 => vec!["s3 =".to_owned(), format!("  = {secret}")],
        6 => vec![format!("[profile x] {secret}")],
        _ => vec![format!("aws_secret_access_key {secret}")],
    }
}

fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9/+]{24}".prop_map(|tail| format!("wJalrXUtnFEMI/K7MDENG/{tail}"))
}

proptest! {
    #[test]
    fn errors_never_hold_a_value(
        config in gen_config(),
        secret in secret(),
        kind in 0..8u8,
        in_credentials in any::<bool>(),
    ) {
        // A well-formed start holding the secret as a value too, then the bad line.
        let (mut text, _) = write_config(&config);
        let end = if config.crlf { "\r\n" } else { "\n" };
        if !text.is_empty() && !text.ends_with('\n') {
            text.push_str(end);
        }
        let header = if in_credentials { "[good]" } else { "[profile good]" };
        write!(text, "{header}{end}aws_secret_access_key = {secret}{end}").unwrap();
        for line in malformed(&secret, kind) {
            text.push_str(&line);
            text.push_str(end);
        }
        let bad_line = u32::try_from(text.matches('\n').count()).unwrap();

        let (kind_of_file, path) = if in_credentials {
            (FileKind::Credentials, CREDENTIALS)
        } else {
            (FileKind::Config, CONFIG)
        };
        let error = ProfileSet::parse(&[(kind_of_file, Path::new(path), &text)]).unwrap_err();
        let shown = format!("{error} {error:?}");
        prop_assert!(!shown.contains(&secret[22..]), "{}", shown);
        let location = error.location().unwrap();
        prop_assert_eq!(location.line(), bad_line);
        prop_assert_eq!(location.file(), Path::new(path));

        let raw = parse_ini(&text).unwrap_err();
        prop_assert_eq!(raw.line, bad_line);
        let shown = format!("{raw} {raw:?}");
        prop_assert!(!shown.contains(&secret[22..]), "{}", shown);
    }

    #[test]
    fn warnings_never_hold_a_value(secret in secret(), padding in "={1,2}") {
        // A session token whose `=` the user forgot: the key swallows the value, and
        // the property is skipped with a warning that must not repeat it.
        let text = format!(
            "[profile a]\naws_session_token {secret}{padding}\naws_secret_access_key\t{secret} = x\n"
        );
        let set = ProfileSet::parse(&[(FileKind::Config, Path::new(CONFIG), &text)]).unwrap();
        prop_assert_eq!(set.warnings().len(), 2);
        for warning in set.warnings() {
            prop_assert!(!warning.message.contains(&secret[22..]), "{}", warning.message);
            let debug = format!("{warning:?}");
            prop_assert!(!debug.contains(&secret[22..]), "{}", debug);
        }
        prop_assert_eq!(set.warnings()[0].location.line(), 2);
        prop_assert_eq!(set.warnings()[1].location.line(), 3);
    }
}

// ---------------------------------------------------------------------------------------
// The lazy model against the eager oracle.

/// Checks that the lazy set and the eager oracle give the same answers for a config
/// and a credentials file.
fn same_as_eager(config: &str, credentials: &str) -> Result<(), TestCaseError> {
    let sources = [
        (FileKind::Config, Path::new(CONFIG), config),
        (FileKind::Credentials, Path::new(CREDENTIALS), credentials),
    ];
    match (
        ProfileSet::parse(&sources),
        EagerProfileSet::parse(&sources),
    ) {
        (Ok(lazy), Ok(eager)) => same_sets(&lazy, &eager, &[config, credentials]),
        (Err(lazy), Err(eager)) => {
            prop_assert_eq!(lazy.to_string(), eager.to_string());
            prop_assert_eq!(lazy.kind(), eager.kind());
            prop_assert_eq!(lazy.location(), eager.location());
            Ok(())
        }
        (lazy, eager) => Err(TestCaseError::fail(format!(
            "lazy: {:?}\neager: {:?}",
            lazy.err(),
            eager.err()
        ))),
    }
}

fn same_sets(
    lazy: &ProfileSet,
    eager: &EagerProfileSet,
    texts: &[&str],
) -> Result<(), TestCaseError> {
    prop_assert_eq!(lazy.warnings(), eager.warnings());
    let mut names: Vec<&str> = eager.profiles().keys().map(|n| &**n).collect();
    names.sort_unstable();
    prop_assert_eq!(lazy.profile_names(), names);
    // Looked up one by one, then all at once (the lazy set caches what it parsed).
    for (name, profile) in eager.profiles() {
        prop_assert_eq!(lazy.profile(name), Some(profile));
    }
    same_sections(lazy.profiles(), eager.profiles())?;
    same_sections(lazy.sso_sessions(), eager.sso_sessions())?;
    for (name, session) in eager.sso_sessions() {
        prop_assert_eq!(lazy.sso_session(name), Some(session));
    }
    for (name, services) in eager.services() {
        prop_assert_eq!(lazy.services(name), Some(services));
    }
    // Names the files do not define, and `[services x]` sections the lazy set might
    // have that the eager one lacks (it has no list of them): every valid name in a
    // header is a run of name characters in the text.
    for word in texts.iter().flat_map(|text| name_runs(text)) {
        prop_assert_eq!(lazy.profile(word), eager.profiles().get(word));
        prop_assert_eq!(lazy.sso_session(word), eager.sso_sessions().get(word));
        prop_assert_eq!(lazy.services(word), eager.services().get(word));
    }
    prop_assert_eq!(lazy.selected_profile(), eager.profiles().get("default"));
    Ok(())
}

fn same_sections<'a>(
    lazy: impl Iterator<Item = &'a Profile>,
    eager: &std::collections::HashMap<std::sync::Arc<str>, Profile>,
) -> Result<(), TestCaseError> {
    let lazy: BTreeMap<&str, &Profile> = lazy.map(|p| (p.name(), p)).collect();
    let eager: BTreeMap<&str, &Profile> = eager.iter().map(|(n, p)| (&**n, p)).collect();
    prop_assert_eq!(lazy, eager);
    Ok(())
}

/// The maximal runs of the characters a section name may hold.
fn name_runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "-/.%@_:+".contains(c)))
        .filter(|word| !word.is_empty())
}

/// One line of a file that exercises the merge rules: a few names, so that sections
/// repeat within and across files; `[default]` and `[profile default]`; invalid section
/// and property names; duplicate keys in any case; sub-properties and continuations;
/// and now and then a line that is an error.
fn merge_line() -> impl Strategy<Value = String> {
    merge_line_weighted(40, 120, true)
}

/// A [`merge_line`] whose headers and properties have these weights (an error line 1,
/// when there are any).
fn merge_line_weighted(headers: u32, properties: u32, errors: bool) -> BoxedStrategy<String> {
    let header = prop_oneof![
        Just("[default]"),
        Just("[profile default]"),
        Just("[ profile\tdefault ] ; c"),
        Just("[a]"),
        Just("[profile a]"),
        Just("  [profile a]"),
        Just("[profile b]#c"),
        Just("[b]"),
        Just("[sso-session s]"),
        Just("[sso-session a]"),
        Just("[services a]"),
        Just("[services s]"),
        Just("[profile bad name]"),
        Just("[profile]"),
        Just("[foo bar]"),
        Just("[profile é]"),
        Just("[sso-session]"),
    ];
    let property = prop_oneof![
        Just("k = 1"),
        Just("K=2"),
        Just("k = 3 # comment"),
        Just("k = ;not a comment"),
        Just("region = eu-west-1"),
        Just("Region\t=\tus-east-1 ; c"),
        Just("sso_session = s"),
        Just("s3 ="),
        Just("s3 = # empty"),
        Just("  addressing_style = path"),
        Just("\tMax = 20"),
        Just("    deeper (an error under an empty value)"),
        Just("  continued = value"),
        Just("bad key = v"),
        Just("bad! = v"),
        Just("aws_session_token FwoG== = x"),
        Just("# comment = x"),
        Just(""),
    ];
    let error = prop_oneof![
        Just("junk"),
        Just("= v"),
        Just("[unclosed"),
        Just("[a] trailing"),
        Just("  orphan"),
        Just("  = v"),
    ];
    // An error ends the comparison at the parse, so errors are rare: most files have
    // none, and some have one anywhere.
    if errors {
        prop_oneof![
            headers => header.prop_map(str::to_owned),
            properties => property.prop_map(str::to_owned),
            1 => error.prop_map(str::to_owned),
        ]
        .boxed()
    } else {
        prop_oneof![
            headers => header.prop_map(str::to_owned),
            properties => property.prop_map(str::to_owned),
        ]
        .boxed()
    }
}

/// A file of [`merge_line`]s, with `\n` or `\r\n` line ends.
fn merge_file() -> impl Strategy<Value = String> {
    (prop::collection::vec(merge_line(), 0..40), any::<bool>())
        .prop_map(|(lines, crlf)| lines.join(if crlf { "\r\n" } else { "\n" }))
}

/// A file of long sections: dozens of properties each, their few names repeated, so
/// that merging them takes the sort of `Profile::set_all` rather than its search.
fn long_sections_file() -> impl Strategy<Value = String> {
    // A header first: a property before any is an error, which would end most cases at
    // the parse.
    let first = prop_oneof![Just("[profile a]"), Just("[a]"), Just("[default]")];
    (
        first,
        prop::collection::vec(merge_line_weighted(20, 1200, true), 0..400),
    )
        .prop_map(|(first, lines)| format!("{first}\n{}", lines.join("\n")))
}

/// A file of many sections (about 50, a header first), with no error line, perhaps a byte
/// order mark and `\r\n`: enough headers to pass the index's line checkpoints (one
/// every 16 headers) and to grow its table, which the files of [`merge_file`] rarely
/// reach before an error ends them.
fn many_sections_file() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("[profile a]"), Just("[a]"), Just("[default]")],
        prop::collection::vec(merge_line_weighted(40, 120, false), 0..400),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(first, lines, crlf, bom)| {
            // Without the two lines that are errors after some others (an indented line
            // with no `=` under `s3 =` or a header, an indented header under `s3 =`).
            let lines: Vec<String> = lines
                .into_iter()
                .filter(|line| !line.contains("deeper") && !line.starts_with("  ["))
                .collect();
            let text = format!("{first}\n{}", lines.join(if crlf { "\r\n" } else { "\n" }));
            if bom { format!("\u{feff}{text}") } else { text }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn lazy_matches_eager_on_many_sections(config in many_sections_file(), credentials in many_sections_file()) {
        same_as_eager(&config, &credentials)?;
    }

    #[test]
    fn lazy_matches_eager_on_long_sections(config in long_sections_file(), credentials in long_sections_file()) {
        same_as_eager(&config, &credentials)?;
    }

    #[test]
    fn lazy_matches_eager_on_merges(config in merge_file(), credentials in merge_file()) {
        same_as_eager(&config, &credentials)?;
    }

    #[test]
    fn lazy_matches_eager_on_ini_like_lines(config in ini_like(), credentials in ini_like()) {
        same_as_eager(&config, &credentials)?;
    }

    #[test]
    fn lazy_matches_eager_on_arbitrary_strings(config in any::<String>(), credentials in any::<String>()) {
        same_as_eager(&config, &credentials)?;
    }

    #[test]
    fn lazy_matches_eager_on_well_formed_configs(config in gen_config(), credentials in gen_config()) {
        let (config, _) = write_config(&config);
        // The credentials file as a config file would be all warnings: rename its
        // sections as that file names them.
        let (credentials, _) = write_config(&credentials);
        let credentials = credentials.replace("[profile ", "[");
        same_as_eager(&config, &credentials)?;
    }
}
