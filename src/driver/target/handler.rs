//! Answering one request: route it, apply the rate limit, wait out a stall, queue
//! for a worker (bounded in length and in time), hold the worker for the service
//! time, answer. `/echo` (any method, any path below it) answers at once with what
//! it got, as JSON (`method`, `path`, `headers`, `body`, and `json` when the body is
//! JSON), so tests can see what the driver sent. `/__headroom/stats` answers the
//! counters of what was served so far (see `stats`), not counting itself.

use std::convert::Infallible;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::profile::{Profile, Service};
use super::stats::{Stats, STATS_PATH};

/// One routable endpoint.
struct Route {
    method: Method,
    /// Path segments; `None` matches any one segment (`{id}`).
    segments: Vec<Option<String>>,
    service: Service,
    body: Bytes,
}

impl Route {
    fn matches(&self, method: &Method, path: &str) -> bool {
        if *method != self.method {
            return false;
        }
        let mut parts = path.trim_start_matches('/').split('/');
        for seg in &self.segments {
            match (parts.next(), seg) {
                (Some(p), Some(s)) if p == s => {}
                (Some(p), None) if !p.is_empty() => {}
                _ => return false,
            }
        }
        parts.next().is_none()
    }
}

/// A token bucket (the target may hold a lock: it is not the thing measured).
struct Bucket {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bucket {
    fn take(&self) -> bool {
        let Ok(mut s) = self.state.lock() else {
            return true;
        };
        let now = Instant::now();
        let refill = now.saturating_duration_since(s.1).as_secs_f64() * self.rate;
        s.0 = (s.0 + refill).min(self.burst);
        s.1 = now;
        if s.0 >= 1.0 {
            s.0 -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The server's shared state.
pub struct State {
    routes: Vec<Route>,
    workers: Option<Semaphore>,
    waiting: AtomicU32,
    queue_max: u32,
    queue_timeout: Duration,
    bucket: Option<Bucket>,
    stall: Option<(Instant, Instant)>,
    /// The service-time generator (seeded from the profile when it gives a seed).
    rng: Mutex<SmallRng>,
    /// What was served (shared with whoever writes `--stats-out`).
    pub stats: Arc<Stats>,
}

impl State {
    /// State for `profile`, with time zero (for the stall) now.
    pub fn new(profile: &Profile) -> State {
        let start = Instant::now();
        State {
            routes: profile
                .endpoints
                .iter()
                .map(|e| Route {
                    method: Method::from_bytes(e.method.to_ascii_uppercase().as_bytes())
                        .unwrap_or(Method::GET),
                    segments: e
                        .path
                        .trim_start_matches('/')
                        .split('/')
                        .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_string()))
                        .collect(),
                    service: e.service,
                    body: Bytes::from(e.response.clone()),
                })
                .collect(),
            workers: (profile.workers > 0).then(|| Semaphore::new(profile.workers as usize)),
            waiting: AtomicU32::new(0),
            queue_max: profile.queue_max,
            queue_timeout: profile.queue_timeout.0,
            bucket: profile.rate_limit_rps.map(|rate| Bucket {
                rate,
                burst: profile.rate_limit_burst.unwrap_or(rate).max(1.0),
                state: Mutex::new((profile.rate_limit_burst.unwrap_or(rate).max(1.0), start)),
            }),
            stall: profile
                .stall
                .map(|s| (start + s.at.0, start + s.at.0 + s.length.0)),
            rng: Mutex::new(match profile.seed {
                Some(seed) => SmallRng::seed_from_u64(seed),
                None => SmallRng::from_rng(&mut rand::rng()),
            }),
            stats: Arc::default(),
        }
    }

    /// Waits out the stall window if it is now.
    async fn stalled(&self) {
        if let Some((from, to)) = self.stall {
            let now = Instant::now();
            if now >= from && now < to {
                tokio::time::sleep_until(to).await;
            }
        }
    }
}

fn answer(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// `/echo`: what the request carried, as JSON.
async fn echo(req: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let headers: serde_json::Map<String, serde_json::Value> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
            (k.as_str().to_string(), serde_json::Value::String(v))
        })
        .collect();
    let json = serde_json::json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path_and_query().map_or("/", |p| p.as_str()),
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
        "json": serde_json::from_slice::<serde_json::Value>(&body).ok(),
    });
    answer(StatusCode::OK, Bytes::from(json.to_string()))
}

/// Answers one request and counts it (the counters endpoint answers, uncounted).
pub async fn handle(
    state: &State,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_string();
    if path == STATS_PATH {
        let json = state.stats.to_json().to_string();
        return Ok(answer(StatusCode::OK, Bytes::from(json)));
    }
    let out = respond(state, req).await;
    if let Ok(r) = &out {
        state.stats.record(&path, r.status().as_u16());
    }
    out
}

/// Answers one request.
async fn respond(
    state: &State,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path();
    if path == "/echo" || path.starts_with("/echo/") {
        return Ok(echo(req).await);
    }
    let Some(route) = state
        .routes
        .iter()
        .find(|r| r.matches(req.method(), req.uri().path()))
    else {
        return Ok(answer(
            StatusCode::NOT_FOUND,
            Bytes::from_static(b"{\"error\":\"not found\"}"),
        ));
    };
    // The request body is not needed; dropping it lets hyper discard it.
    drop(req);
    if let Some(b) = &state.bucket {
        if !b.take() {
            return Ok(answer(
                StatusCode::TOO_MANY_REQUESTS,
                Bytes::from_static(b"{\"error\":\"rate limited\"}"),
            ));
        }
    }
    state.stalled().await;
    let busy = || {
        answer(
            StatusCode::SERVICE_UNAVAILABLE,
            Bytes::from_static(b"{\"error\":\"overloaded\"}"),
        )
    };
    let _permit = match &state.workers {
        None => None,
        Some(sem) => match sem.try_acquire() {
            Ok(p) => Some(p),
            Err(_) => {
                // The guard leaves the queue however the wait ends: a client that
                // hangs up while waiting drops this future, and a decrement after the
                // await would never run, shrinking the queue for good.
                let waiting = Waiting::join(&state.waiting);
                if waiting.ahead >= state.queue_max {
                    return Ok(busy());
                }
                let got = tokio::time::timeout(state.queue_timeout, sem.acquire()).await;
                drop(waiting);
                match got {
                    Ok(Ok(p)) => Some(p),
                    _ => return Ok(busy()),
                }
            }
        },
    };
    let service = match state.rng.lock() {
        Ok(mut rng) => route.service.sample(&mut *rng),
        Err(_) => route.service.sample(&mut rand::rng()),
    };
    if !service.is_zero() {
        tokio::time::sleep(service).await;
    }
    // A stall that began while serving holds the answer too.
    state.stalled().await;
    Ok(answer(StatusCode::OK, route.body.clone()))
}

/// One request's place in the worker queue: joining counts it, dropping (the wait
/// over, or the request's future dropped with its connection) uncounts it.
struct Waiting<'a> {
    count: &'a AtomicU32,
    /// Requests that were waiting before this one.
    ahead: u32,
}

impl<'a> Waiting<'a> {
    fn join(count: &'a AtomicU32) -> Waiting<'a> {
        let ahead = count.fetch_add(1, Ordering::Relaxed);
        Waiting { count, ahead }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_templates() {
        let p = Profile::load("default").unwrap();
        let s = State::new(&p);
        let find = |m: Method, path: &str| s.routes.iter().position(|r| r.matches(&m, path));
        assert_eq!(find(Method::GET, "/api/v1/agents"), Some(0));
        assert_eq!(find(Method::GET, "/api/v1/agents/42"), Some(1));
        assert_eq!(find(Method::POST, "/api/v1/agents/run"), Some(2));
        assert_eq!(find(Method::GET, "/api/v1/agents/42/x"), None);
        assert_eq!(find(Method::GET, "/api/v1/agents/"), None);
        assert_eq!(find(Method::DELETE, "/health"), None);
    }
}
