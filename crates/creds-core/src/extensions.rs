//! [`Extensions`]: the typed slot of [`ProviderConfig`](crate::ProviderConfig) through
//! which a program hands state to the providers built from it.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

type Value = Arc<dyn Any + Send + Sync>;

/// A small map from a type to one shared value of that type.
///
/// It is how a program hands a provider what the environment and files cannot hold
/// (a callback that asks for an MFA code, an HTTP client, a token store), and how
/// providers built from one [`ProviderConfig`](crate::ProviderConfig) share state that
/// they create on first use (one connection pool for every hop of a role chain),
/// without a global. Values are looked up by their type, so a lookup either finds a
/// value of the type asked for or nothing: there is no cast that can fail.
///
/// Crates that read an extension define a type of their own for it (a newtype around a
/// callback, a struct of settings), so that two crates never claim the same type by
/// accident; see [`ProviderConfig::with_extension`](crate::ProviderConfig::with_extension).
///
/// Clones share the values. [`insert`](Self::insert) on a clone does not change the
/// others (the map is copied, the values are not); [`get_or_insert_with`](Self::get_or_insert_with)
/// adds to the map that every clone sharing it sees.
#[derive(Clone, Default)]
pub struct Extensions(Arc<Mutex<Map>>);

#[derive(Clone, Default)]
struct Map(HashMap<TypeId, (Value, &'static str)>);

impl Extensions {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of this map with `value` as the value of type `T` (replacing one already
    /// there). Other clones of this map do not see it.
    pub fn insert<T: Send + Sync + 'static>(&self, value: Arc<T>) -> Self {
        let mut map = self.lock().clone();
        map.0
            .insert(TypeId::of::<T>(), (value, std::any::type_name::<T>()));
        Extensions(Arc::new(Mutex::new(map)))
    }

    /// The value of type `T`, if there is one.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        let value = self.lock().0.get(&TypeId::of::<T>())?.0.clone();
        value.downcast::<T>().ok()
    }

    /// The value of type `T`, made by `make` and added to the map shared by every
    /// clone if there is none yet. Two callers racing get the same value (one of them
    /// may make one for nothing). `make` runs without the map locked, so it may use
    /// the map itself.
    pub fn get_or_insert_with<T: Send + Sync + 'static>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        if let Some(value) = self.get::<T>() {
            return value;
        }
        let made: Value = Arc::new(make());
        let mut map = self.lock();
        let entry = map
            .0
            .entry(TypeId::of::<T>())
            .or_insert_with(|| (made, std::any::type_name::<T>()));
        let value = entry.0.clone();
        drop(map);
        value
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("the map holds a value of type T under T's id"))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Map> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The type names, never the values (a value may hold a secret).
impl fmt::Debug for Extensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let map = self.lock();
        let mut names: Vec<&str> = map.0.values().map(|(_, name)| *name).collect();
        names.sort_unstable();
        f.debug_set().entries(names).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct MfaSerial(&'static str);

    #[test]
    fn values_are_found_by_type() {
        let empty = Extensions::new();
        let one = empty.insert(Arc::new(MfaSerial("arn:aws:iam::1:mfa/me")));
        assert_eq!(
            one.get::<MfaSerial>().as_deref(),
            Some(&MfaSerial("arn:aws:iam::1:mfa/me"))
        );
        assert!(one.get::<String>().is_none());
        // The map inserted into is not changed.
        assert!(empty.get::<MfaSerial>().is_none());
        let replaced = one.insert(Arc::new(MfaSerial("other")));
        assert_eq!(replaced.get::<MfaSerial>().unwrap().0, "other");
        assert_eq!(one.get::<MfaSerial>().unwrap().0, "arn:aws:iam::1:mfa/me");
    }

    #[test]
    fn get_or_insert_with_is_shared_by_clones() {
        let map = Extensions::new();
        let clone = map.clone();
        let first = map.get_or_insert_with(|| String::from("made once"));
        let second = clone.get_or_insert_with(|| String::from("made twice"));
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(*second, "made once");
    }

    #[test]
    fn debug_shows_type_names_only() {
        let map = Extensions::new().insert(Arc::new(String::from("SECRET-VALUE")));
        let shown = format!("{map:?}");
        assert!(
            shown.contains("String") && !shown.contains("SECRET"),
            "{shown}"
        );
    }
}
