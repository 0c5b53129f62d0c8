//! The values a [`ProfileSet`](super::ProfileSet) hands out: [`Profile`], [`Property`]
//! and [`Warning`].

use std::fmt;
use std::sync::Arc;

use crate::profile::parse::looks_secret;
use crate::{Location, REDACTED};

/// A property: its lowercased name, its value and where it was written.
///
/// Its `Debug` shows the value only when the name does not suggest a secret
/// (`aws_secret_access_key`, `aws_session_token`, anything with `secret`, `token` or
/// `password` in its name).
#[derive(Clone, PartialEq, Eq)]
pub struct Property {
    // The lowercased name then the value, in one allocation: a large config file holds
    // tens of thousands of properties, and allocations were most of its loading time.
    text: Box<str>,
    name_len: usize,
    location: Location,
}

impl Property {
    pub(crate) fn new(key: &str, value: &str, location: Location) -> Self {
        let mut text = String::with_capacity(key.len() + value.len());
        text.push_str(key);
        text.make_ascii_lowercase();
        text.push_str(value);
        Property {
            text: text.into_boxed_str(),
            name_len: key.len(),
            location,
        }
    }

    /// The name, lowercased (names are case-insensitive).
    pub fn name(&self) -> &str {
        &self.text[..self.name_len]
    }

    /// The value, trimmed. A property with sub-properties has them here as written,
    /// one per line after a leading newline (`"\nname = value"`).
    pub fn value(&self) -> &str {
        &self.text[self.name_len..]
    }

    /// Where it was written.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The sub-properties (`s3 =\n  addressing_style = path`), names lowercased and both
    /// sides trimmed. Lines without an `=` are skipped.
    pub fn sub_properties(&self) -> impl Iterator<Item = (String, &str)> + '_ {
        self.value().lines().filter_map(|line| {
            let (name, value) = line.split_once('=')?;
            let name = name.trim();
            (!name.is_empty()).then(|| (name.to_ascii_lowercase(), value.trim()))
        })
    }

    /// One sub-property's value, the last one written.
    pub fn sub_property(&self, name: &str) -> Option<&str> {
        self.sub_properties()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .last()
            .map(|(_, v)| v)
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if looks_secret(self.name()) {
            REDACTED
        } else {
            self.value()
        };
        f.debug_struct("Property")
            .field("name", &self.name())
            .field("value", &value)
            .field("location", &self.location)
            .finish()
    }
}

/// A `[profile x]`, `[sso-session x]` or `[services x]` section, merged across the
/// files: its name and its properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    // Shared with the key of the eager oracle's map that holds the profile.
    name: Arc<str>,
    location: Location,
    properties: Vec<Property>,
}

impl Profile {
    /// The section's name (`dev` for `[profile dev]`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the section was first written.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// A property's value. Names are case-insensitive.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.property(name).map(Property::value)
    }

    /// A property, with its location.
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties
            .iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }

    /// Every property, each name once.
    pub fn properties(&self) -> &[Property] {
        &self.properties
    }

    /// Whether the section has no properties.
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty()
    }

    pub(crate) fn new(name: &str, location: Location) -> Self {
        Profile {
            name: Arc::from(name),
            location,
            properties: Vec::new(),
        }
    }

    /// The name, shared (the eager oracle keys its maps with it).
    pub(crate) fn shared_name(&self) -> &Arc<str> {
        &self.name
    }

    // The last definition of a name wins, within a file and across files.
    pub(crate) fn set(&mut self, property: Property) {
        match self
            .properties
            .iter_mut()
            .find(|p| p.name() == property.name())
        {
            Some(existing) => *existing = property,
            None => self.properties.push(property),
        }
    }

    /// Sets properties in order, as [`set`](Self::set) one at a time would, without
    /// its search per property: a section of 100,000 lines (one took 12 s that way) is
    /// merged in a sort. Each name keeps the place it first had, with the value last
    /// given.
    pub(crate) fn set_all(&mut self, properties: Vec<Property>) {
        if self.properties.len() + properties.len() <= 32 {
            for property in properties {
                self.set(property);
            }
            return;
        }
        let mut all: Vec<Option<Property>> = std::mem::take(&mut self.properties)
            .into_iter()
            .chain(properties)
            .map(Some)
            .collect();
        let name = |at: usize| all[at].as_ref().map_or("", Property::name);
        let mut order: Vec<usize> = (0..all.len()).collect();
        // Stable: the places of one name stay in order, first to last.
        order.sort_by(|&a, &b| name(a).cmp(name(b)));
        let spans: Vec<(usize, usize)> = order
            .chunk_by(|&a, &b| name(a) == name(b))
            .map(|places| (places[0], places[places.len() - 1]))
            .collect();
        let mut kept: Vec<(usize, Property)> = spans
            .into_iter()
            .filter_map(|(first, last)| Some((first, all[last].take()?)))
            .collect();
        kept.sort_unstable_by_key(|&(first, _)| first);
        self.properties = kept.into_iter().map(|(_, property)| property).collect();
    }

    pub(crate) fn merge(&mut self, other: Profile) {
        for property in other.properties {
            self.set(property);
        }
    }
}

/// Something in the files that was skipped, and why. Warnings never hold a value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// Where.
    pub location: Location,
    /// What was skipped and why.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn properties(names: &[&str]) -> Vec<Property> {
        let file: Arc<std::path::Path> = Arc::from(std::path::Path::new("config"));
        names
            .iter()
            .enumerate()
            .map(|(line, name)| {
                Property::new(
                    name,
                    &line.to_string(),
                    Location::in_file(&file, line as u32 + 1),
                )
            })
            .collect()
    }

    #[test]
    fn set_all_answers_as_set_does() {
        // Below and above the size where the sort takes over, with repeats, names that
        // differ by case only, and a start that already holds properties.
        let mut names: Vec<String> = (0..100).map(|i| format!("k{}", (i * 7) % 23)).collect();
        names.extend(["K1", "region", "Region", "a", "k0"].map(String::from));
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for count in [0, 5, 31, 32, 33, names.len()] {
            for held in [0, 3] {
                let location = Location::new("config", 1);
                let (mut one_by_one, mut at_once) = (
                    Profile::new("p", location.clone()),
                    Profile::new("p", location),
                );
                for property in properties(&names[..held]) {
                    one_by_one.set(property.clone());
                    at_once.set(property);
                }
                for property in properties(&names[held..count.max(held)]) {
                    one_by_one.set(property);
                }
                at_once.set_all(properties(&names[held..count.max(held)]));
                assert_eq!(at_once, one_by_one, "{count} properties, {held} held");
            }
        }
    }
}
