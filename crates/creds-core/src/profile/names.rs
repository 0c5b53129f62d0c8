//! The profile index's hash table: from a section's target and name to the first
//! section of that name, without owning the names.
//!
//! The names stay in the files' text, where the index refers to them by range, so a
//! `HashMap` (whose keys must be owned or borrowed from outside it) does not fit; a
//! `HashMap<String, _>` would cost one allocation per profile, which is what the lazy
//! model exists to avoid. Open addressing with linear probing over section numbers,
//! with the caller comparing names, is all that is needed.

/// A set of section numbers, found by hash with the caller's equality.
#[derive(Debug, Clone)]
pub(crate) struct NameTable {
    /// 0 for an empty slot, else the section number + 1 in the low [`INDEX_BITS`] bits
    /// and the high bits of its hash above them, so that a probe rejects most other
    /// names without reading their section (a cache miss in a 10,000-profile file).
    /// The length is a power of two.
    slots: Vec<u64>,
    len: usize,
}

/// Room for 2^40 sections: each takes at least three bytes (`[a]`) of a text held in
/// memory, so no file comes near.
const INDEX_BITS: u32 = 40;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;

impl NameTable {
    /// A table with room for about `capacity` names before it grows.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        let slots = (capacity.saturating_mul(4) / 3 + 1)
            .max(8)
            .next_power_of_two();
        NameTable {
            slots: vec![0; slots],
            len: 0,
        }
    }

    /// The section that `is_match` accepts among those that hashed to `hash`.
    pub(crate) fn find(&self, hash: u64, mut is_match: impl FnMut(usize) -> bool) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut at = slot_of(hash, mask);
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return None;
            }
            if slot & !INDEX_MASK == tag_of(hash) {
                let section = (slot & INDEX_MASK) as usize - 1;
                if is_match(section) {
                    return Some(section);
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// The section that `is_match` accepts among those that hashed to `hash`, as
    /// [`find`](Self::find) gives it; when there is none, `section` is added (and the
    /// answer is `None`). One probe does both, as the index asks this of every header.
    /// `hash_of` gives the hash of any section already in the table, for growing it.
    pub(crate) fn find_or_insert(
        &mut self,
        hash: u64,
        section: usize,
        mut is_match: impl FnMut(usize) -> bool,
        hash_of: impl Fn(usize) -> u64,
    ) -> Option<usize> {
        // At most three quarters full, so that probes stay short (with the tag, a probe
        // rarely reads a section it passes) and an empty slot always exists; a 10,000
        // profile file fits 16,384 slots, 128 KiB.
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow(&hash_of);
        }
        debug_assert!((section as u64) < INDEX_MASK);
        let mask = self.slots.len() - 1;
        let mut at = slot_of(hash, mask);
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                self.slots[at] = tag_of(hash) | (section as u64 + 1);
                self.len += 1;
                return None;
            }
            if slot & !INDEX_MASK == tag_of(hash) {
                let found = (slot & INDEX_MASK) as usize - 1;
                if is_match(found) {
                    return Some(found);
                }
            }
            at = (at + 1) & mask;
        }
    }

    fn grow(&mut self, hash_of: &impl Fn(usize) -> u64) {
        let doubled = vec![0; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        for slot in old.into_iter().filter(|&s| s != 0) {
            let section = (slot & INDEX_MASK) as usize - 1;
            self.place(hash_of(section), section);
        }
    }

    fn place(&mut self, hash: u64, section: usize) {
        let mask = self.slots.len() - 1;
        let mut at = slot_of(hash, mask);
        while self.slots[at] != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = tag_of(hash) | (section as u64 + 1);
    }
}

/// The slot a hash starts probing at: its high bits, which the multiplication in
/// [`hash_name`] mixes best.
fn slot_of(hash: u64, mask: usize) -> usize {
    (hash >> 32) as usize & mask
}

/// The bits of a hash kept in its slot: the low ones, which [`slot_of`] does not use
/// in any table smaller than 2^32 slots.
fn tag_of(hash: u64) -> u64 {
    hash << INDEX_BITS
}

/// A fast hash of a target and a name (FxHash's mixing, eight bytes at a time): names
/// come from the user's own files, so there is no adversary to resist, and a profile
/// name is a few words.
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
    mix(hash, u64::from_le_bytes(tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_inserted_across_growth() {
        let names: Vec<String> = (0..1000).map(|i| format!("profile-{i}")).collect();
        let hash = |i: usize| hash_name(1, names[i].as_bytes());
        let mut table = NameTable::with_capacity(1);
        for i in 0..names.len() {
            let same = |j: usize| names[j] == names[i];
            assert_eq!(table.find_or_insert(hash(i), i, same, hash), None);
            assert_eq!(table.find_or_insert(hash(i), i + 1, same, hash), Some(i));
        }
        for (i, name) in names.iter().enumerate() {
            let found = table.find(hash_name(1, name.as_bytes()), |j| names[j] == *name);
            assert_eq!(found, Some(i));
        }
        assert_eq!(table.find(hash_name(2, b"profile-1"), |_| false), None);
    }

    #[test]
    fn hashes_differ_by_target_length_and_tail() {
        assert_ne!(hash_name(1, b"a"), hash_name(2, b"a"));
        assert_ne!(hash_name(1, b"a"), hash_name(1, b"a\0"));
        assert_ne!(hash_name(1, b"profile-1"), hash_name(1, b"profile-2"));
    }
}
