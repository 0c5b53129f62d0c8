//! The 10,000-profile config of the profile-file comparison.

use std::fmt::Write as _;

/// A copy of `creds_bench::generate_config` (`bench/src/lib.rs`), which the xtask cannot
/// depend on without building the crates under test: a config file of `profiles`
/// profiles, about 100 bytes each (static keys, role profiles with a `source_profile`,
/// regions, sub-properties, comments). The last one, `profile-{profiles - 1}`, holds
/// static keys, with the access key id `AKIA` + its number on 16 digits.
pub(crate) fn generate_config(profiles: usize) -> String {
    let mut out = String::with_capacity(profiles * 110);
    out.push_str("# generated for benchmarks\n[default]\nregion = us-east-1\n\n");
    for i in 0..profiles {
        let _ = writeln!(out, "[profile profile-{i}]");
        match i % 4 {
            0 if i + 1 < profiles => {
                let _ = writeln!(out, "role_arn = arn:aws:iam::123456789012:role/role-{i}");
                let _ = writeln!(out, "source_profile = profile-{}", i + 1);
            }
            1 => {
                out.push_str("region = eu-west-1 ; Ireland\noutput = json\n");
                out.push_str("s3 =\n  addressing_style = path\n");
            }
            2 => {
                let _ = writeln!(out, "sso_session = corp\nsso_account_id = {:012}", i);
            }
            _ => {}
        }
        if i % 4 == 3 || i + 1 == profiles {
            let _ = writeln!(out, "aws_access_key_id = AKIA{i:016}");
            out.push_str("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same file as the workspace's benchmarks use (bench/src/lib.rs's test).
    #[test]
    fn ten_thousand_profiles_are_about_a_megabyte() {
        let text = generate_config(10_000);
        assert!((700_000..1_500_000).contains(&text.len()), "{}", text.len());
        assert!(text.contains("[profile profile-9999]\naws_access_key_id = AKIA0000000000009999"));
    }

    /// Guards the copy: the generator of bench/src/lib.rs has the same body.
    #[test]
    fn same_generator_as_the_bench_crate() {
        let ours = include_str!("generate.rs");
        let theirs = include_str!("../../../bench/src/lib.rs");
        let body = |text: &str| {
            let start = text
                .find("    let mut out = String::with_capacity")
                .unwrap();
            let end = start + text[start..].find("\n}\n").unwrap();
            text[start..end].to_owned()
        };
        assert_eq!(body(ours), body(theirs));
    }
}
