//! The one integration-test binary: each module drives the real `headroom` binary.

mod drive;
