//! The signals that stop a drive early: Ctrl-C (SIGINT) and SIGTERM, which `kill`,
//! `timeout`, systemd, `docker stop` and Kubernetes (a deleted or timed-out Job's
//! pods) send. Both end the run the same way: what was measured is written and the
//! run is marked incomplete with the signal's name, never lost to the default action.

/// Resolves on the first SIGINT or SIGTERM with the reason to record in `run.toml`;
/// never resolves where no signal can be watched.
pub async fn stop_requested() -> String {
    tokio::select! {
        r = tokio::signal::ctrl_c() => match r {
            Ok(()) => "interrupted (Ctrl-C)".to_string(),
            Err(_) => {
                terminated().await;
                terminated_reason()
            }
        },
        () = terminated() => terminated_reason(),
    }
}

fn terminated_reason() -> String {
    "terminated (SIGTERM)".to_string()
}

/// Resolves on SIGTERM; never off Unix, or when the handler cannot be installed.
pub async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            term.recv().await;
            return;
        }
    }
    std::future::pending::<()>().await
}
