//! The HTTP/1.1 client: one keep-alive connection per closed-model user (open-model
//! requests borrow them from a pool), requests sent with hyper's low-level
//! connection API, and every way a request can fail mapped to a `FailureKind`.
//!
//! The connection future is polled inline, alongside the request, instead of in a
//! task of its own: that saves a task wake-up and a cross-thread hop per request,
//! which is most of a load generator's overhead. Between requests nothing needs
//! polling: an idle HTTP/1.1 connection has nothing to do.

use std::error::Error as _;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, Connection, SendRequest};
use hyper::header::{HeaderValue, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::model::FailureKind;

/// Request body type.
pub type Body = Full<Bytes>;

/// How one request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// HTTP status; 0 when there was no response (transport error).
    pub status: u16,
    /// Response body bytes read.
    pub bytes: u64,
    /// Why it failed at the transport level, when it did.
    pub transport: Option<FailureKind>,
}

impl Outcome {
    fn failed(kind: FailureKind) -> Outcome {
        Outcome {
            status: 0,
            bytes: 0,
            transport: Some(kind),
        }
    }
}

/// One keep-alive connection.
pub struct Conn {
    sender: SendRequest<Body>,
    // Boxed once per connection so it can be polled by `&mut` without `Unpin`.
    driver: Pin<Box<Connection<TokioIo<TcpStream>, Body>>>,
    /// Set when the connection can no longer be used (error, timeout, closed).
    broken: bool,
}

impl Conn {
    /// Opens a connection.
    pub async fn open(addr: SocketAddr) -> Result<Conn, FailureKind> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|_| FailureKind::Connect)?;
        // Small requests must not wait for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let (sender, driver) = http1::Builder::new()
            .handshake(TokioIo::new(stream))
            .await
            .map_err(|_| FailureKind::Connect)?;
        Ok(Conn {
            sender,
            driver: Box::pin(driver),
            broken: false,
        })
    }

    /// True when the connection may carry another request.
    pub fn usable(&self) -> bool {
        !self.broken && !self.sender.is_closed()
    }

    /// Sends one request and reads the whole response body.
    pub async fn send(&mut self, req: Request<Body>) -> Outcome {
        let Conn {
            sender,
            driver,
            broken,
        } = self;
        let exchange = async {
            sender.ready().await?;
            let resp = sender.send_request(req).await?;
            let status = resp.status().as_u16();
            let mut body = resp.into_body();
            let mut bytes = 0u64;
            while let Some(frame) = body.frame().await {
                if let Some(d) = frame?.data_ref() {
                    bytes += d.len() as u64;
                }
            }
            Ok::<_, hyper::Error>((status, bytes))
        };
        tokio::pin!(exchange);
        let mut driver_done = false;
        let result = loop {
            tokio::select! {
                biased;
                r = &mut exchange => break r,
                d = driver.as_mut(), if !driver_done => {
                    // The connection ended; the exchange now resolves with its error.
                    driver_done = true;
                    if d.is_err() {
                        *broken = true;
                    }
                }
            }
        };
        match result {
            Ok((status, bytes)) => {
                if driver_done {
                    *broken = true;
                }
                Outcome {
                    status,
                    bytes,
                    transport: None,
                }
            }
            Err(e) => {
                *broken = true;
                Outcome::failed(classify(&e))
            }
        }
    }
}

/// Where requests go and how they are built.
#[derive(Clone, Debug)]
pub struct Target {
    /// Resolved address.
    pub addr: SocketAddr,
    /// Host header value.
    pub host: HeaderValue,
}

impl Target {
    /// Resolves `authority` (`host[:port]`, port 80 by default).
    pub async fn resolve(authority: &str) -> io::Result<Target> {
        let with_port = if authority
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
            && !authority.ends_with(']')
        {
            authority.to_string()
        } else {
            format!("{authority}:80")
        };
        let addr = tokio::net::lookup_host(with_port.as_str())
            .await?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
        let host = HeaderValue::from_str(authority)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        Ok(Target { addr, host })
    }

    /// Builds a request.
    pub fn request(&self, method: &Method, uri: Uri, body: Option<&Bytes>) -> Request<Body> {
        let mut req = Request::new(Full::new(body.cloned().unwrap_or_default()));
        *req.method_mut() = method.clone();
        *req.uri_mut() = uri;
        let h = req.headers_mut();
        h.insert(HOST, self.host.clone());
        if body.is_some() {
            h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        req
    }
}

/// Sends one request on `slot`'s connection (opening one when there is none or it
/// broke), within `timeout`. A timed-out or failed connection is dropped so the
/// next request starts clean.
pub async fn exchange(
    slot: &mut Option<Conn>,
    target: &Target,
    req: Request<Body>,
    timeout: Duration,
) -> Outcome {
    let attempt = async {
        if !slot.as_ref().is_some_and(Conn::usable) {
            *slot = None;
            match Conn::open(target.addr).await {
                Ok(c) => *slot = Some(c),
                Err(kind) => return Outcome::failed(kind),
            }
        }
        match slot.as_mut() {
            Some(c) => c.send(req).await,
            None => Outcome::failed(FailureKind::Other),
        }
    };
    let outcome = match tokio::time::timeout(timeout, attempt).await {
        Ok(o) => o,
        Err(_) => Outcome::failed(FailureKind::Timeout),
    };
    if outcome.transport.is_some() {
        *slot = None;
    }
    outcome
}

/// Maps a hyper error to a failure kind, looking at the I/O error underneath.
fn classify(e: &hyper::Error) -> FailureKind {
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<io::Error>() {
            return match io.kind() {
                io::ErrorKind::ConnectionRefused => FailureKind::Connect,
                io::ErrorKind::TimedOut => FailureKind::Timeout,
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof
                | io::ErrorKind::NotConnected => FailureKind::Reset,
                _ => FailureKind::Other,
            };
        }
        source = s.source();
    }
    if e.is_timeout() {
        FailureKind::Timeout
    } else if e.is_canceled() || e.is_closed() || e.is_incomplete_message() {
        FailureKind::Reset
    } else {
        FailureKind::Other
    }
}
