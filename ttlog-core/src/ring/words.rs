//! [`Words`]: the memory the logs and the recorder file's header live in, as 64-bit atomic
//! words: the heap (`.recorder_in_memory()`, tests) or a shared mapping of a file (the
//! default), which the kernel keeps when the process dies.

#![allow(unsafe_code)]

use std::ops::Deref;

use crate::sync::atomic::AtomicU64;

/// A fixed array of atomic words, on the heap or in a shared file mapping.
pub struct Words {
    ptr: *const AtomicU64,
    len: usize,
    owner: Owner,
}

enum Owner {
    /// A boxed slice, held as the raw pointer `Box::into_raw` gave (so that moving the
    /// `Words` does not move a `Box`, whose uniqueness would invalidate `ptr`); freed by
    /// `Drop`.
    Heap(*mut [AtomicU64]),
    #[cfg(all(unix, not(ttlog_loom), not(miri)))]
    #[allow(dead_code)]
    Map(memmap2::MmapMut),
}

// SAFETY: the words are atomics, shared by reference only; `ptr` points into memory `owner`
// keeps alive (a boxed slice, or a mapping, which no other code in this process unmaps).
unsafe impl Send for Words {}
// SAFETY: as above: every access is through `&AtomicU64`.
unsafe impl Sync for Words {}

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Words").field("len", &self.len).finish()
    }
}

impl Words {
    /// `len` zeroed words on the heap (zeroed on demand by the allocator: untouched pages
    /// cost no resident memory).
    pub fn heap(len: usize) -> Words {
        let owner = Box::into_raw(zeroed(len));
        Words {
            ptr: owner.cast::<AtomicU64>().cast_const(),
            len,
            owner: Owner::Heap(owner),
        }
    }

    /// The whole of `file` (its length a multiple of 8), mapped shared: stores reach the
    /// file's pages, which outlive the process.
    ///
    /// # Errors
    ///
    /// When the file cannot be mapped.
    #[cfg(all(unix, not(ttlog_loom), not(miri)))]
    pub fn map(file: &std::fs::File) -> std::io::Result<Words> {
        // SAFETY: the mapping is used only as atomic words (never as `&[u8]` or `&mut`), so
        // another process writing the file meanwhile (ttlog never does: a live process's
        // file is locked against recovery) changes values, not Rust's aliasing guarantees.
        let map = unsafe { memmap2::MmapMut::map_mut(file)? };
        let len = map.len() / 8;
        let ptr = map.as_ptr().cast::<AtomicU64>();
        // Mappings are page-aligned, so the words are aligned.
        assert!(ptr.is_aligned(), "mapping not aligned");
        Ok(Words {
            ptr,
            len,
            owner: Owner::Map(map),
        })
    }
}

/// `len` zeroed atomic words, from the allocator's zeroed memory (`calloc`: fresh pages are
/// not touched, so an unused budget costs no resident memory).
#[cfg(not(ttlog_loom))]
fn zeroed(len: usize) -> Box<[AtomicU64]> {
    let words: Box<[u64]> = vec![0u64; len].into_boxed_slice();
    let raw = Box::into_raw(words) as *mut [AtomicU64];
    // SAFETY: `AtomicU64` has the size, alignment and bit validity of `u64`, so the boxed
    // slice of zeroed `u64`s is a valid boxed slice of atomics, freed with the same layout.
    unsafe { Box::from_raw(raw) }
}

/// Under loom, atomics are loom's own type, made one by one.
#[cfg(ttlog_loom)]
fn zeroed(len: usize) -> Box<[AtomicU64]> {
    (0..len).map(|_| AtomicU64::new(0)).collect()
}

impl Drop for Words {
    fn drop(&mut self) {
        #[allow(irrefutable_let_patterns)] // the only kind under loom and Miri
        if let Owner::Heap(raw) = self.owner {
            // SAFETY: `raw` came from `Box::into_raw` in `heap` and is freed once, here; no
            // reference derived from `ptr` outlives `self`.
            drop(unsafe { Box::from_raw(raw) });
        }
    }
}

impl Deref for Words {
    type Target = [AtomicU64];

    fn deref(&self) -> &[AtomicU64] {
        // SAFETY: `ptr` points at `len` initialised atomic words (a zeroed boxed slice, or a
        // mapping of `len * 8` bytes, aligned, where any bit pattern is a valid `u64`) that
        // `owner` keeps alive as long as `self`.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}
