//! Reading run directories into a `Run`.

/// Loads run dirs (in progress).
pub fn load_runs() {}
