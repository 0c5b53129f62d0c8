//! The profile index's hash table: from a section's target and name to the first
//! section of that name, without owning the names.
//!
//! The names stay in the files' text, where a slot finds them by the offset of their
//! header's line, so a `HashMap` (whose keys must be owned or borrowed from outside it)
//! does not fit; a `HashMap<String, _>` would cost one allocation per profile, which is
//! what the lazy model exists to avoid. Open addressing with linear probing over
//! offsets, with the caller comparing names, is all that is needed.

/// A set of values (header offsets + 1), found by hash with the caller's equality.
#[derive(Debug, Clone)]
pub(crate) struct NameTable {
    /// 0 for an empty slot, else a value in the low `value_bits` bits and bits of its
    /// hash above them, so that a probe rejects most other names without reading their
    /// header (a cache miss in a 10,000-profile file). Four bytes a slot: the table is
    /// most of the index's memory, which a process that reads a large config file to
    /// look up one profile pays for in page faults. The length is a power of two.
    slots: Vec<u32>,
    len: usize,
    value_bits: u32,
}

impl NameTable {
    /// A table with room for about `capacity` values before it grows, each from 1 to
    /// `max_value`: the smaller that is, the more bits of the hash each slot keeps (12
    /// for a one-megabyte file, none at 4 GiB, where every probe compares names).
    pub(crate) fn with_capacity(capacity: usize, max_value: u32) -> Self {
        let slots = (capacity.saturating_mul(4) / 3 + 1)
            .max(8)
            .next_power_of_two();
        NameTable {
            slots: vec![0; slots],
            len: 0,
            value_bits: u32::BITS - max_value.leading_zeros(),
        }
    }

    /// The slot and value that `is_match` accepts among those that hashed to `hash`.
    pub(crate) fn find(
        &self,
        hash: u64,
        mut is_match: impl FnMut(u32) -> bool,
    ) -> Option<(usize, u32)> {
        let mask = self.slots.len() - 1;
        let tag = self.tag_of(hash);
        let mut at = slot_of(hash, mask);
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return None;
            }
            if slot & !self.value_mask() == tag {
                let value = slot & self.value_mask();
                if is_match(value) {
                    return Some((at, value));
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// The value that `is_match` accepts among those that hashed to `hash`, as
    /// [`find`](Self::find) gives it; when there is none, `value` is added (and the
    /// answer is `None`). One probe does both, as the index asks this of every header.
    /// `hash_of` gives the hash of any value already in the table, for growing it.
    pub(crate) fn find_or_insert(
        &mut self,
        hash: u64,
        value: u32,
        mut is_match: impl FnMut(u32) -> bool,
        hash_of: impl Fn(u32) -> u64,
    ) -> Option<u32> {
        debug_assert!(value != 0 && value & !self.value_mask() == 0);
        // At most three quarters full, so that probes stay short (with the tag, a probe
        // rarely reads a header it passes) and an empty slot always exists; a 10,000
        // profile file fits 16,384 slots, 64 KiB.
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow(&hash_of);
        }
        let mask = self.slots.len() - 1;
        let tag = self.tag_of(hash);
        let mut at = slot_of(hash, mask);
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                self.slots[at] = tag | value;
                self.len += 1;
                return None;
            }
            if slot & !self.value_mask() == tag {
                let found = slot & self.value_mask();
                if is_match(found) {
                    return Some(found);
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Every slot that holds a value, and its value, in slot order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        let mask = self.value_mask();
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, slot)| **slot != 0)
            .map(move |(at, slot)| (at, slot & mask))
    }

    /// How many slots there are: slot numbers are below it.
    pub(crate) fn slots(&self) -> usize {
        self.slots.len()
    }

    fn grow(&mut self, hash_of: &impl Fn(u32) -> u64) {
        let doubled = vec![0; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|&s| s != 0) {
            let value = slot & self.value_mask();
            let hash = hash_of(value);
            let mut at = slot_of(hash, mask);
            while self.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = self.tag_of(hash) | value;
        }
    }

    fn value_mask(&self) -> u32 {
        u32::MAX
            .checked_shr(u32::BITS - self.value_bits)
            .unwrap_or(0)
    }

    /// The bits of a hash kept in its slot, above the value: the low ones, which
    /// [`slot_of`] does not use in any table smaller than 2^32 slots.
    fn tag_of(&self, hash: u64) -> u32 {
        (hash as u32).checked_shl(self.value_bits).unwrap_or(0)
    }
}

/// The slot a hash starts probing at: its high bits, which the multiplication in
/// [`hash_name`] mixes best.
fn slot_of(hash: u64, mask: usize) -> usize {
    (hash >> 32) as usize & mask
}

/// A fast hash of a target and a name (FxHash's mixing, eight bytes at a time, then
/// MurmurHash3's finaliser): names come from the user's own files, so there is no
/// adversary to resist, and a profile name is a few words. The finaliser matters: after
/// the last multiplication alone, the high half (the slot) depended on the low 38 bits
/// of the last word only, so that names differing in the last bytes of their final
/// eight (`team-prodxxAB12`, `team-prodxxCD34`, ...) all probed from one slot, and
/// 10,000 of them took 0.9 s to index.
pub(crate) fn hash_name(target: u8, name: &[u8]) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let mix = |hash: u64, word: u64| (hash ^ word).wrapping_mul(K).rotate_left(26);
    let mut hash = mix(u64::from(target), name.len() as u64);
    let mut chunks = name.chunks_exact(8);
    for chunk in &mut chunks {
        hash = mix(
            hash,
            u64::from_le_bytes(chunk.try_into().unwrap_or_default()),
        );
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    let mut hash = mix(hash, u64::from_le_bytes(tail));
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values 1..=1000 stand for names; `max_value` sets how many tag bits remain.
    fn fill_and_find(max_value: u32) {
        let names: Vec<String> = (0..1000).map(|i| format!("profile-{i}")).collect();
        let name = |value: u32| &names[value as usize - 1];
        let hash = |value: u32| hash_name(1, name(value).as_bytes());
        let mut table = NameTable::with_capacity(1, max_value);
        for value in 1..=1000 {
            let same = |other: u32| name(other) == name(value);
            assert_eq!(table.find_or_insert(hash(value), value, same, hash), None);
        }
        for value in 1..=1000 {
            let same = |other: u32| name(other) == name(value);
            // A second section of a name finds the first.
            assert_eq!(
                table.find_or_insert(hash(value), value, same, hash),
                Some(value)
            );
            let (at, found) = table.find(hash(value), same).unwrap();
            assert_eq!(found, value);
            assert!(table.iter().any(|slot| slot == (at, value)));
        }
        assert_eq!(table.iter().count(), 1000);
        assert!(table.slots() >= 1000 * 4 / 3);
        assert_eq!(table.find(hash_name(2, b"profile-1"), |_| false), None);
    }

    #[test]
    fn finds_what_was_inserted_across_growth() {
        fill_and_find(1000);
        fill_and_find(1 << 20);
    }

    #[test]
    fn works_without_a_tag_when_values_take_every_bit() {
        fill_and_find(u32::MAX);
    }

    #[test]
    fn names_that_differ_in_their_last_bytes_spread_over_the_table() {
        // 15-byte names whose last four bytes differ: every byte of the final word
        // must move the slot, else they all probe from a few and the index is
        // quadratic. 1,000 random slots of 2,048 are about 800 different ones.
        let mask = 2047;
        for shape in [
            "team-prodxx{:04}",
            "p{:04}",
            "account-123456789012-role-{:04}",
        ] {
            let slots: std::collections::HashSet<usize> = (0..1000)
                .map(|i| shape.replace("{:04}", &format!("{i:04}")))
                .map(|name| slot_of(hash_name(1, name.as_bytes()), mask))
                .collect();
            assert!(slots.len() > 700, "{shape}: {} slots", slots.len());
        }
    }

    #[test]
    fn hashes_differ_by_target_length_and_tail() {
        assert_ne!(hash_name(1, b"a"), hash_name(2, b"a"));
        assert_ne!(hash_name(1, b"a"), hash_name(1, b"a\0"));
        assert_ne!(hash_name(1, b"profile-1"), hash_name(1, b"profile-2"));
    }
}
