//! The unit tests' global allocator, which watches one thread's allocations on request:
//! the largest block it allocates, and how many blocks it frees that still hold a
//! marker (a secret that should have been wiped first).
//!
//! Every block is handed out zeroed, so that its bytes are initialised when a freed
//! block is scanned. `realloc` is the trait's default (allocate, copy, free), so that
//! a block left behind by growth is scanned too.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Watching;

#[global_allocator]
static ALLOCATOR: Watching = Watching;

thread_local! {
    // `const` and without `Drop`: usable from the allocator without allocating, and
    // never torn down.
    static MARKER: Cell<Option<&'static [u8]>> = const { Cell::new(None) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
    static FREED_WITH_MARKER: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call goes to `System` with the same layout; the only additions are
// bookkeeping in this thread's cells and a read of a block that is still ours.
unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if let Ok(Some(_)) = MARKER.try_with(Cell::get) {
            let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(layout.size())));
        }
        // SAFETY: the caller's layout, as `GlobalAlloc::alloc` requires.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Ok(Some(marker)) = MARKER.try_with(Cell::get) {
            // SAFETY: `ptr` is a live block of `layout.size()` bytes that we allocated
            // zeroed (so every byte is initialised), and it is not freed until below.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if block.windows(marker.len()).any(|w| w == marker) {
                let _ = FREED_WITH_MARKER.try_with(|n| n.set(n.get() + 1));
            }
        }
        // SAFETY: as the caller promised, `ptr` was allocated by us with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// What [`watch`] saw.
#[derive(Debug)]
pub(crate) struct Report {
    /// The size of the largest block allocated.
    pub(crate) largest: usize,
    /// How many freed blocks held the marker.
    pub(crate) freed_with_marker: usize,
}

/// Runs `f` on this thread, watching its allocations for `marker`.
pub(crate) fn watch<T>(marker: &'static [u8], f: impl FnOnce() -> T) -> (T, Report) {
    assert!(!marker.is_empty());
    LARGEST.with(|c| c.set(0));
    FREED_WITH_MARKER.with(|c| c.set(0));
    MARKER.with(|c| c.set(Some(marker)));
    let value = f();
    MARKER.with(|c| c.set(None));
    let report = Report {
        largest: LARGEST.with(Cell::get),
        freed_with_marker: FREED_WITH_MARKER.with(Cell::get),
    };
    (value, report)
}

#[test]
fn the_watch_sees_an_unwiped_secret_and_a_wiped_one() {
    use zeroize::Zeroize as _;
    let ((), report) = watch(b"Kq7-unwiped", || {
        drop(String::from("x Kq7-unwiped x"));
    });
    assert_eq!(report.freed_with_marker, 1);
    assert!(report.largest >= 15);
    let ((), report) = watch(b"Kq7-unwiped", || {
        let mut s = String::from("x Kq7-unwiped x");
        s.zeroize();
    });
    assert_eq!(report.freed_with_marker, 0);
}
