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
        use std::os::fd::AsRawFd;
        let len = file.metadata()?.len();
        let fd = file.as_raw_fd();
        // Every block allocated now: a sparse file would fault SIGBUS on first touch of a page
        // when the disk is full, in the middle of a log call. (Errors come back as the code.)
        // SAFETY: `fd` is an open file descriptor, borrowed for the call.
        let rc = unsafe { libc::posix_fallocate(fd, 0, len as libc::off_t) };
        if rc != 0 {
            return Err(std::io::Error::from_raw_os_error(rc));
        }
        // SAFETY: the mapping is used only as atomic words (never as `&[u8]` or `&mut`), so
        // another process writing the file meanwhile (ttlog never does: a live process's
        // file is locked against recovery) changes values, not Rust's aliasing guarantees.
        // Its blocks are allocated (above); truncating the file under a live process would
        // fault SIGBUS, as for any mapped file, and only the process's own user can.
        let map = unsafe { memmap2::MmapMut::map_mut(file)? };
        let words = map.len() / 8;
        let ptr = map.as_ptr().cast::<AtomicU64>();
        // Mappings are page-aligned, so the words are aligned.
        assert!(ptr.is_aligned(), "mapping not aligned");
        fork::track(ptr as usize, map.len(), fd);
        Ok(Words {
            ptr,
            len: words,
            owner: Owner::Map(map),
        })
    }
}

/// A forked child inherits the shared mapping: what it logged would land in its parent's
/// live logs. So a child-side fork handler replaces the mapping, in place, by a private
/// (copy-on-write) mapping of the same file: the child sees the logs as they were and writes
/// only its own copy.
#[cfg(all(unix, not(ttlog_loom), not(miri)))]
mod fork {
    use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
    use std::sync::Once;

    static ADDR: AtomicUsize = AtomicUsize::new(0);
    static LEN: AtomicUsize = AtomicUsize::new(0);
    static FD: AtomicI32 = AtomicI32::new(-1);
    static HANDLER: Once = Once::new();

    /// Makes the mapping at `addr` (`len` bytes of `fd`) the one a forked child privatises.
    pub(super) fn track(addr: usize, len: usize, fd: i32) {
        ADDR.store(addr, Ordering::Relaxed);
        LEN.store(len, Ordering::Relaxed);
        FD.store(fd, Ordering::Release);
        HANDLER.call_once(|| {
            // SAFETY: registers a plain `extern "C"` function that only calls `mmap`, which is
            // async-signal-safe, as a child handler may.
            unsafe {
                libc::pthread_atfork(None, None, Some(in_child));
            }
        });
    }

    extern "C" fn in_child() {
        let fd = FD.load(Ordering::Acquire);
        let (addr, len) = (ADDR.load(Ordering::Relaxed), LEN.load(Ordering::Relaxed));
        if fd < 0 || addr == 0 || len == 0 {
            return;
        }
        // SAFETY: `addr..addr + len` is this process's mapping of `fd` (inherited from the
        // parent, which keeps both open while the mapping is tracked); MAP_FIXED replaces it
        // atomically by a private mapping of the same file at the same address, so every
        // pointer into it stays valid, now to the child's own copy.
        unsafe {
            libc::mmap(
                addr as *mut libc::c_void,
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_FIXED,
                fd,
                0,
            );
        }
    }
}

impl Words {
    /// Gives the memory of words `start..start + len` back to the operating system, when it
    /// is a file mapping (their contents are then zeros, or whatever the file holds; the
    /// heap's are kept). Only whole pages inside the range are released.
    pub(crate) fn release(&self, start: usize, len: usize) {
        #[cfg(all(target_os = "linux", not(ttlog_loom), not(miri)))]
        if let Owner::Map(map) = &self.owner {
            const PAGE: usize = 4096;
            let from = (start * 8).next_multiple_of(PAGE);
            let to = ((start + len) * 8) / PAGE * PAGE;
            if to > from && to <= map.len() {
                // SAFETY: the range is inside the mapping, and Rust never holds a plain
                // reference into it: every access is an atomic load or store through
                // `&AtomicU64`, which any value (the file's, after MADV_DONTNEED) keeps valid. The caller releases only a free segment's body,
                // which no writer uses; a reader of stale records throws them away (its
                // segment's `gen`, in the header page, is kept).
                // MADV_DONTNEED, not MADV_REMOVE: the file keeps its blocks, so touching the
                // pages again cannot fault on a full disk.
                unsafe {
                    let _ = map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        from,
                        to - from,
                    );
                }
            }
        }
        let _ = (start, len);
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

/// `words` as little-endian bytes (what the journal's files hold): the words themselves on a
/// little-endian machine, a copy on a big-endian one.
pub(crate) fn le_bytes(words: &[u64]) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(target_endian = "little")]
    {
        debug_assert!(words.len().checked_mul(8).is_some());
        // SAFETY: `words` is `len * 8` initialised bytes (a `u64` has no padding), aligned for
        // `u8`, borrowed for the result's lifetime and not mutated meanwhile (shared borrow);
        // on a little-endian machine their order is the little-endian encoding.
        let bytes =
            unsafe { std::slice::from_raw_parts(words.as_ptr().cast::<u8>(), words.len() * 8) };
        std::borrow::Cow::Borrowed(bytes)
    }
    #[cfg(not(target_endian = "little"))]
    {
        std::borrow::Cow::Owned(words.iter().flat_map(|w| w.to_le_bytes()).collect())
    }
}
