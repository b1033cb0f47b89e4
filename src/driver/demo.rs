//! The demo's traffic: the default target in-process on an ephemeral loopback port,
//! `data/scenarios/demo.toml` driven against it, the run dir written under
//! `OUT/run/`. The analysis is someone else's job.

use std::path::{Path, PathBuf};

use tokio::net::TcpListener;

use super::error::DriverError;
use super::run::{run, RunOptions};
use super::scenario::Scenario;
use super::target::{serve, Profile};

/// The demo scenario (base URL replaced by the in-process target's address).
pub const DEMO_SCENARIO: &str = include_str!("../../data/scenarios/demo.toml");

/// The base URL written in `demo.toml`, replaced at run time.
const PLACEHOLDER_URL: &str = "http://127.0.0.1:8000";

/// Starts the default target on 127.0.0.1 (ephemeral port), runs the demo scenario
/// against it, writes the run dir `out_dir/run/`, stops the target and returns the
/// run dir. Ctrl-C ends the run early (the run dir is still written, marked
/// incomplete). `seed` seeds both the users' draws and the target's service times.
pub async fn run_demo_traffic(out_dir: &Path, seed: u64) -> anyhow::Result<PathBuf> {
    let mut profile = Profile::load("default")?;
    profile.seed = Some(seed);
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(profile, listener, async {
        let _ = stop_rx.await;
    }));
    let text = DEMO_SCENARIO.replace(PLACEHOLDER_URL, &format!("http://{addr}"));
    let scenario = Scenario::parse(&text, Path::new("data/scenarios/demo.toml"))?;
    let run_dir = out_dir.join("run");
    let opts = RunOptions {
        out_dir: run_dir.clone(),
        raw: false,
        progress: true,
        seed: Some(seed),
        shard: None,
        start_at: None,
        tls: Default::default(),
        judge: None,
    };
    let result = run(scenario, &opts, super::signals::stop_requested()).await;
    let _ = stop_tx.send(());
    let _ = server.await;
    let summary = result.map_err(|e: DriverError| anyhow::anyhow!(e))?;
    Ok(summary.run_dir)
}
