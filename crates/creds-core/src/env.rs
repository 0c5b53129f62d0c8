//! [`Env`]: the injectable environment variables.

use std::collections::HashMap;
use std::sync::Arc;

/// Where providers read environment variables: the process environment, or a fixed map
/// for tests.
///
/// ```
/// use creds_core::Env;
///
/// let env = Env::from_pairs([("AWS_REGION", "eu-west-1"), ("AWS_PROFILE", "  ")]);
/// assert_eq!(env.get("AWS_REGION").as_deref(), Some("eu-west-1"));
/// // Blank values count as unset.
/// assert_eq!(env.get_non_blank("AWS_PROFILE"), None);
/// ```
#[derive(Clone, Default)]
pub struct Env(Inner);

#[derive(Clone, Default)]
enum Inner {
    #[default]
    Process,
    Map(Arc<HashMap<String, String>>),
}

/// Shows variable names only: values may be secrets.
impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Inner::Process => f.write_str("Env::Process"),
            Inner::Map(map) => {
                let mut names: Vec<&String> = map.keys().collect();
                names.sort();
                f.debug_tuple("Env::Map").field(&names).finish()
            }
        }
    }
}

impl Env {
    /// The process environment.
    pub fn process() -> Self {
        Env(Inner::Process)
    }

    /// A fixed set of variables; every other variable is unset.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Env(Inner::Map(Arc::new(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )))
    }

    /// An environment with no variables set.
    pub fn empty() -> Self {
        Env(Inner::Map(Arc::default()))
    }

    /// The value of `key`, if it is set and valid Unicode.
    pub fn get(&self, key: &str) -> Option<String> {
        match &self.0 {
            Inner::Process => std::env::var(key).ok(),
            Inner::Map(map) => map.get(key).cloned(),
        }
    }

    /// The value of `key` with surrounding white space trimmed, or `None` when it is
    /// unset, empty or only white space (as the SDKs treat blank variables).
    pub fn get_non_blank(&self, key: &str) -> Option<String> {
        let value = self.get(key)?;
        let trimmed = value.trim();
        if trimmed.is_empty() {
            None
        } else if trimmed.len() == value.len() {
            Some(value)
        } else {
            Some(trimmed.to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_names_not_values() {
        let env = Env::from_pairs([("AWS_SECRET_ACCESS_KEY", "SUPERSECRET")]);
        let text = format!("{env:?}");
        assert!(
            text.contains("AWS_SECRET_ACCESS_KEY") && !text.contains("SUPERSECRET"),
            "{text}"
        );
    }
}
