//! Inputs for the benchmarks of `creds`: generated shared files of any size.
//!
//! ```
//! let text = creds_bench::generate_config(100);
//! assert!(text.contains("[profile profile-99]"));
//! ```

use std::fmt::Write as _;

/// A config file of `profiles` profiles, about 100 bytes each, of the kinds real files
/// hold: static keys, role profiles with a `source_profile`, regions, sub-properties and
/// comments. The last one, `profile-{profiles - 1}`, holds static keys.
pub fn generate_config(profiles: usize) -> String {
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

    #[test]
    fn ten_thousand_profiles_are_about_a_megabyte() {
        let text = generate_config(10_000);
        assert!((700_000..1_500_000).contains(&text.len()), "{}", text.len());
        assert!(text.contains("[profile profile-9999]\naws_access_key_id = AKIA0000000000009999"));
    }
}
