//! Shared support for ttlog's benchmarks. The criterion, iai-callgrind and comparison
//! harnesses arrive with the benchmarks work.
