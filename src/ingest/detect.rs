//! Format detection from content.

/// A recognised input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// headroom's run manifest.
    Manifest,
}

/// Detects a file's format from its first bytes.
pub fn detect_format(_head: &[u8]) -> Option<Format> {
    None
}
