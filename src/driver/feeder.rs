//! Data feeders: a CSV file (`[[data]] file = "ids.csv"`) whose columns fill
//! `{column}` placeholders, one row per request (`sequential`: the rows in turn,
//! shared by every user; `random`; `unique`: one row per user for its whole life).
//!
//! [`Feeder::stripe`] keeps the rows of one shard (row i goes to shard i mod N), so
//! shards of a distributed run never send the same row.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rand::rngs::SmallRng;
use rand::Rng;
use serde::Deserialize;

/// How a feeder hands out rows.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Row after row, wrapping, shared by all users and requests.
    #[default]
    Sequential,
    /// A random row per request.
    Random,
    /// User k keeps row k (wrapping when there are more users than rows);
    /// open-model requests take rows in turn.
    Unique,
}

/// One CSV data source.
#[derive(Clone, Debug)]
pub struct Feeder {
    /// The file, as given.
    pub file: String,
    /// Header names.
    pub columns: Vec<String>,
    rows: Vec<Vec<String>>,
    /// How rows are handed out.
    pub mode: Mode,
    next: Arc<AtomicUsize>,
}

impl Feeder {
    /// Reads `path` (shown as `file`): a header line, then at least one row. A cell
    /// with a control character (a line break inside quotes) is refused with its line.
    pub fn load(path: &Path, file: &str, mode: Mode) -> Result<Feeder, String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(path)
            .map_err(|e| format!("[[data]] {file}: {e}"))?;
        let columns: Vec<String> = reader
            .headers()
            .map_err(|e| format!("[[data]] {file}: {e}"))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if let Some(bad) = columns.iter().find(|c| !super::template::is_name(c)) {
            return Err(format!(
                "[[data]] {file} line 1: column `{bad}` must be a name (letters, digits, _) to be used as {{{bad}}}"
            ));
        }
        let mut rows = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| format!("[[data]] {file}: {e}"))?;
            let line = rec.position().map_or(0, |p| p.line());
            if let Some(cell) = rec.iter().find(|c| c.bytes().any(|b| b.is_ascii_control())) {
                return Err(format!(
                    "[[data]] {file} line {line}: cell `{}` holds a control character (line break?); requests cannot carry it",
                    cell.escape_debug()
                ));
            }
            rows.push(rec.iter().map(str::to_string).collect());
        }
        if rows.is_empty() {
            return Err(format!(
                "[[data]] {file}: no data rows under the header line"
            ));
        }
        Ok(Feeder {
            file: file.to_string(),
            columns,
            rows,
            mode,
            next: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there are no rows (never, once loaded).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Keeps the rows of shard `shard` of `shards` (row i when i mod shards ==
    /// shard). Errors when that leaves none.
    pub fn stripe(&mut self, shard: usize, shards: usize) -> Result<(), String> {
        if shards <= 1 {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.rows);
        self.rows = rows
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % shards == shard)
            .map(|(_, r)| r)
            .collect();
        if self.rows.is_empty() {
            return Err(format!(
                "[[data]] {}: too few rows for {shards} shards (shard {shard} gets none)",
                self.file
            ));
        }
        Ok(())
    }

    /// The cell at (row, col); empty when the row is short.
    pub fn cell(&self, row: usize, col: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .map_or("", String::as_str)
    }

    /// The row of one request: `user` is the closed-model user's index (`None` in
    /// an open-model stage).
    pub fn pick(&self, rng: &mut SmallRng, user: Option<usize>) -> usize {
        let n = self.rows.len().max(1);
        match (self.mode, user) {
            (Mode::Random, _) => rng.random_range(0..n),
            (Mode::Unique, Some(k)) => k % n,
            _ => self.next.fetch_add(1, Ordering::Relaxed) % n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn rows_in_turn_per_user_and_striped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ids.csv");
        std::fs::write(&p, "id,name\n1,a\n2,b\n3,c\n4,d\n5,e\n").unwrap();
        let mut rng = SmallRng::seed_from_u64(1);
        let f = Feeder::load(&p, "ids.csv", Mode::Sequential).unwrap();
        let got: Vec<usize> = (0..7).map(|_| f.pick(&mut rng, Some(3))).collect();
        assert_eq!(got, [0, 1, 2, 3, 4, 0, 1]);
        let mut u = Feeder::load(&p, "ids.csv", Mode::Unique).unwrap();
        assert_eq!(u.pick(&mut rng, Some(3)), 3);
        assert_eq!(u.pick(&mut rng, Some(3)), 3);
        u.stripe(1, 2).unwrap();
        assert_eq!((u.len(), u.cell(0, 0), u.cell(1, 1)), (2, "2", "d"));
        assert!(u.stripe(5, 9).unwrap_err().contains("too few rows"));
        std::fs::write(&p, "id,bad col\n1,2\n").unwrap();
        let e = Feeder::load(&p, "ids.csv", Mode::Random).unwrap_err();
        assert!(e.contains("line 1") && e.contains("bad col"), "{e}");
    }
}
