//! The users of a distributed JMeter run: its controller writes one JTL of every
//! engine's samples, each with that engine's own thread counts (`allThreads`, `na`),
//! so the run's users at a moment are the engines' counts added, not any one sample's.
//! JMeter names a distributed engine's threads `host:port-Group 1-1`
//! (`AbstractThreadGroup`, the `host:port` prefix `RemoteJMeterEngineImpl` sets); a
//! thread name without that prefix is a run on one engine, whose samples' counts are
//! already the run's.

/// The latest thread count of each engine seen so far.
#[derive(Default)]
pub struct Engines {
    latest: Vec<(Box<str>, f64)>,
}

impl Engines {
    /// The run's users when a sample of thread `thread` reports `users`: the engines'
    /// latest counts added when the thread is a distributed engine's, else `users`.
    pub fn users(&mut self, thread: &str, users: Option<f64>) -> Option<f64> {
        let (Some(u), Some(engine)) = (users, engine_of(thread)) else {
            return users;
        };
        match self.latest.iter_mut().find(|(e, _)| **e == *engine) {
            Some((_, latest)) => *latest = u,
            None => self.latest.push((engine.into(), u)),
        }
        if self.latest.len() == 1 {
            return Some(u);
        }
        Some(self.latest.iter().map(|(_, n)| n).sum())
    }

    /// How many distributed engines the samples came from (0 for a run on one).
    pub fn count(&self) -> usize {
        self.latest.len()
    }
}

/// The note of a JTL whose samples came from `n` distributed engines.
pub fn note(n: usize) -> String {
    format!(
        "samples from {n} distributed JMeter engines (threads named `host:port-…`): users \
         are the engines' thread counts added"
    )
}

/// The `host:port` a distributed engine's thread name opens with
/// (`10.0.0.5:1099-Thread Group 1-1` → `10.0.0.5:1099`), if it does.
pub fn engine_of(thread: &str) -> Option<&str> {
    let colon = thread.find(':')?;
    let dash = colon + thread[colon..].find('-')?;
    let port = &thread[colon + 1..dash];
    let host = &thread[..colon];
    (!host.is_empty()
        && !host.contains(char::is_whitespace)
        && !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit()))
    .then(|| &thread[..dash])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_are_the_host_and_port_jmeter_prefixes_thread_names_with() {
        assert_eq!(
            engine_of("10.0.0.5:1099-Thread Group 1-1"),
            Some("10.0.0.5:1099")
        );
        assert_eq!(
            engine_of("lg-2.example.com:1099-Checkout-Flow 2-7"),
            Some("lg-2.example.com:1099")
        );
        for local in ["Thread Group 1-1", "Checkout-Flow 1-3", "TG: login 1-1", ""] {
            assert_eq!(engine_of(local), None, "{local}");
        }
    }

    #[test]
    fn a_distributed_runs_users_are_its_engines_added() {
        let mut e = Engines::default();
        assert_eq!(e.users("a:1099-TG 1-1", Some(10.0)), Some(10.0));
        assert_eq!(e.users("b:1099-TG 1-1", Some(12.0)), Some(22.0));
        assert_eq!(e.users("a:1099-TG 1-3", Some(11.0)), Some(23.0));
        assert_eq!(e.users("a:1099-TG 1-3", None), None);
        assert_eq!(e.count(), 2);
        // One engine's threads: its own counts.
        let mut one = Engines::default();
        assert_eq!(one.users("TG 1-1", Some(10.0)), Some(10.0));
        assert_eq!(one.count(), 0);
    }
}
