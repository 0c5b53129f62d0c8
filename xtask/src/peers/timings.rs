//! Where a timed build spent its time: the units of cargo's `--timings` report.

use std::path::Path;

/// One unit of a build (a crate's library, a build script run, a binary).
#[derive(Debug, PartialEq)]
pub(crate) struct Unit {
    pub(crate) label: String,
    pub(crate) seconds: f64,
}

/// The units of `<target>/cargo-timings/cargo-timing.html`, longest first, or `None`
/// when the report is missing or its format unknown (it is not a stable interface).
pub(crate) fn units(target: &Path) -> Option<Vec<Unit>> {
    let html = std::fs::read_to_string(target.join("cargo-timings/cargo-timing.html")).ok()?;
    let start = html.find("UNIT_DATA")?;
    let end = start + html[start..].find("];")?;
    let mut units = parse_units(&html[start..end]);
    units.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
    (!units.is_empty()).then_some(units)
}

/// The string value of the first `"key": "value"` in `text`.
fn string_field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let at = text.find(&format!("\"{key}\":"))? + key.len() + 3;
    let rest = text[at..].trim_start().strip_prefix('"')?;
    Some(&rest[..rest.find('"')?])
}

/// The number of the first `"key": number` in `text`.
fn number_field(text: &str, key: &str) -> Option<f64> {
    let at = text.find(&format!("\"{key}\":"))? + key.len() + 3;
    let rest = text[at..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// Each unit object opens with `"i":`; its name, version, target and duration follow
/// before the next one.
fn parse_units(data: &str) -> Vec<Unit> {
    data.split("\"i\":")
        .skip(1)
        .filter_map(|unit| {
            let name = string_field(unit, "name")?;
            let target = string_field(unit, "target").unwrap_or("").trim();
            let seconds = number_field(unit, "duration")?;
            let label = if target.is_empty() {
                name.to_owned()
            } else {
                format!("{name} ({target})")
            };
            Some(Unit { label, seconds })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_of_a_timings_report() {
        let data = r#"const UNIT_DATA = [
  {
    "i": 31,
    "name": "ring",
    "version": "0.17.14",
    "mode": "todo",
    "target": " build-script (run)",
    "features": ["alloc"],
    "start": 0.19,
    "duration": 6.3,
    "sections": null
  },
  {
    "i": 38,
    "name": "rustls",
    "version": "0.23.46",
    "target": "",
    "start": 2.5,
    "duration": 15.25,
    "sections": [["frontend", {"start": 0.0, "end": 0.03}]]
  }
"#;
        assert_eq!(
            parse_units(data),
            vec![
                Unit {
                    label: "ring (build-script (run))".into(),
                    seconds: 6.3
                },
                Unit {
                    label: "rustls".into(),
                    seconds: 15.25
                },
            ]
        );
    }
}
