//! The demo target: an HTTP/1.1 keep-alive server emulating the seed report's
//! agent-platform API with a known capacity (a bounded worker pool, per-endpoint
//! service times, a bounded queue answering 503, an optional rate limit answering
//! 429, an optional stall). `serve` runs it in-process (tests, the demo); the
//! `target` command runs it from the command line. It counts what it served
//! (`stats`).

mod handler;
mod profile;
mod stats;

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

pub use profile::{EndpointProfile, Profile, Service, Stall, BUILTIN};
pub use stats::{Stats, STATS_PATH};

/// Serves `profile` on `listener` until `shutdown` resolves; then every open
/// connection is closed. The stall window, if any, counts from this call.
pub async fn serve(
    profile: Profile,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    serve_tls(profile, listener, None, shutdown).await
}

/// [`serve`], over TLS when `tls` is given (a failed handshake drops that connection).
pub async fn serve_tls(
    profile: Profile,
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    serve_counted(profile, listener, tls, Arc::default(), shutdown).await
}

/// [`serve_tls`], counting what it serves into `stats`.
pub async fn serve_counted(
    profile: Profile,
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    stats: Arc<Stats>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut state = handler::State::new(&profile);
    state.stats = stats;
    let state = Arc::new(state);
    let mut conns = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((s, _)) => s,
                    Err(_) => {
                        // Out of file descriptors and the like: transient; back off briefly.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let st = state.clone();
                let tls = tls.clone();
                conns.spawn(async move {
                    let svc = service_fn(move |req| {
                        let st = st.clone();
                        async move { handler::handle(&st, req).await }
                    });
                    let http = http1::Builder::new().keep_alive(true).clone();
                    // A client that goes away mid-request is normal under load.
                    match tls {
                        None => {
                            let _ = http.serve_connection(TokioIo::new(stream), svc).await;
                        }
                        Some(acceptor) => {
                            if let Ok(s) = acceptor.accept(stream).await {
                                let _ = http.serve_connection(TokioIo::new(s), svc).await;
                            }
                        }
                    }
                });
                while conns.try_join_next().is_some() {}
            }
        }
    }
    conns.abort_all();
    while conns.join_next().await.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::client::{exchange, Deadline, Target};
    use hyper::Method;

    const LIMITED: &str = r#"
name = "limited"
rate_limit_rps = 1
rate_limit_burst = 3
[[endpoint]]
method = "GET"
path = "/items/{id}"
response = "{}"
"#;

    #[tokio::test]
    async fn serves_limits_and_stops() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(Profile::parse(LIMITED).unwrap(), listener, async {
            let _ = rx.await;
        }));
        let target = Target::plain(addr);
        let (mut slot, mut deadline, mut req) = (None, Deadline::new(), Vec::new());
        let mut statuses = Vec::new();
        for path in ["/items/1", "/items/2", "/items/3", "/items/4", "/nope"] {
            target.encode(
                &mut req,
                &Method::GET,
                |o| o.extend_from_slice(path.as_bytes()),
                None,
            );
            let out = exchange(
                &mut slot,
                &target,
                &req,
                false,
                deadline.arm(Duration::from_secs(5)),
            )
            .await;
            statuses.push(out.status);
        }
        // A burst of 3 at 1/s: the fourth request within the second is refused.
        assert_eq!(statuses, [200, 200, 200, 429, 404]);
        let _ = tx.send(());
        tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }
}
