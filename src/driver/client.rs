//! The HTTP/1.1 client: one keep-alive connection per closed-model user (open-model
//! requests borrow them from a pool), and every way a request can fail mapped to a
//! `FailureKind`.
//!
//! It is a deliberately small client over a tokio `TcpStream`: the request is
//! encoded into a buffer the caller reuses, sent with one write, and the response is
//! parsed with `httparse` (status line and headers) and read to its end
//! (`Content-Length`, chunked, or until close), discarding the body. No allocation
//! and no task hand-off per request: a load generator spends its CPU on the
//! target's behalf only where it must. (hyper's client costs a channel, a oneshot
//! and a header map per request, which on a small machine was a third of wrk's
//! throughput lost.)
//!
//! Timeouts use a `Sleep` owned by the caller and reset per request: pushing a
//! deadline later is a lock-free update in tokio's timer, where a fresh timeout per
//! request would lock the timer wheel twice.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use hyper::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

use crate::model::FailureKind;

/// Largest response head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Headers parsed per response (more are an error).
const MAX_HEADERS: usize = 64;

/// How one request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// HTTP status; 0 when there was no response (transport error).
    pub status: u16,
    /// Response body bytes read.
    pub bytes: u64,
    /// Why it failed at the transport level, when it did.
    pub transport: Option<FailureKind>,
    /// The system's error when the connection could not be opened (`connection
    /// refused`…), for telling the user what happened.
    pub cause: Option<io::ErrorKind>,
}

impl Outcome {
    /// A request that got no response.
    pub fn failed(kind: FailureKind, cause: Option<io::ErrorKind>) -> Outcome {
        Outcome {
            status: 0,
            bytes: 0,
            transport: Some(kind),
            cause,
        }
    }
}

/// One keep-alive connection.
pub struct Conn {
    stream: TcpStream,
    buf: BytesMut,
    /// False once the connection can no longer carry a request (error, close).
    reusable: bool,
}

/// How the body of a response is delimited.
enum BodyLen {
    None,
    Length(u64),
    Chunked,
    UntilClose,
}

impl Conn {
    /// Opens a connection; a failure is `timeout` or `connect`, with the system's error.
    pub async fn open(addr: SocketAddr) -> Result<Conn, (FailureKind, io::ErrorKind)> {
        let stream = TcpStream::connect(addr).await.map_err(|e| match e.kind() {
            io::ErrorKind::TimedOut => (FailureKind::Timeout, e.kind()),
            k => (FailureKind::Connect, k),
        })?;
        // Small requests must not wait for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        Ok(Conn {
            stream,
            buf: BytesMut::with_capacity(16 * 1024),
            reusable: true,
        })
    }

    /// True when the connection may carry another request.
    pub fn usable(&self) -> bool {
        self.reusable
    }

    /// Sends an encoded request and reads the whole response.
    async fn roundtrip(&mut self, request: &[u8], head: bool) -> Result<(u16, u64), FailureKind> {
        self.stream
            .write_all(request)
            .await
            .map_err(|e| io_kind(&e))?;
        loop {
            let (status, len, head_len) = self.read_head(head).await?;
            self.buf.advance(head_len);
            if (100..200).contains(&status) && status != 101 {
                continue; // an interim answer (100 Continue): the real one follows
            }
            let bytes = match len {
                BodyLen::None => 0,
                BodyLen::Length(n) => {
                    self.skip(n).await?;
                    n
                }
                BodyLen::Chunked => self.skip_chunked().await?,
                BodyLen::UntilClose => {
                    self.reusable = false;
                    let mut n = self.buf.len() as u64;
                    self.buf.clear();
                    loop {
                        match self.fill().await {
                            Ok(got) => {
                                n += got as u64;
                                self.buf.clear();
                            }
                            Err(FailureKind::Reset) => break,
                            Err(k) => return Err(k),
                        }
                    }
                    n
                }
            };
            return Ok((status, bytes));
        }
    }

    /// Reads until a complete response head is buffered: (status, body, head length).
    async fn read_head(
        &mut self,
        head_request: bool,
    ) -> Result<(u16, BodyLen, usize), FailureKind> {
        loop {
            if !self.buf.is_empty() {
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut resp = httparse::Response::new(&mut headers);
                match resp.parse(&self.buf) {
                    Ok(httparse::Status::Complete(n)) => {
                        let status = resp.code.unwrap_or(0);
                        let mut len = None;
                        let mut chunked = false;
                        for h in resp.headers.iter() {
                            if h.name.eq_ignore_ascii_case("content-length") {
                                let v = std::str::from_utf8(h.value)
                                    .ok()
                                    .and_then(|s| s.trim().parse().ok());
                                len = Some(v.ok_or(FailureKind::Other)?);
                            } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                                chunked = h.value.eq_ignore_ascii_case(b"chunked")
                                    || h.value.to_ascii_lowercase().ends_with(b"chunked");
                            } else if h.name.eq_ignore_ascii_case("connection")
                                && h.value.eq_ignore_ascii_case(b"close")
                            {
                                self.reusable = false;
                            }
                        }
                        if resp.version == Some(0) {
                            // HTTP/1.0 closes unless told otherwise; do not bet on it.
                            self.reusable = false;
                        }
                        let body = if head_request
                            || status == 204
                            || status == 304
                            || (100..200).contains(&status)
                        {
                            BodyLen::None
                        } else if chunked {
                            BodyLen::Chunked
                        } else if let Some(n) = len {
                            if n == 0 {
                                BodyLen::None
                            } else {
                                BodyLen::Length(n)
                            }
                        } else {
                            BodyLen::UntilClose
                        };
                        return Ok((status, body, n));
                    }
                    Ok(httparse::Status::Partial) => {
                        if self.buf.len() > MAX_HEAD {
                            return Err(FailureKind::Other);
                        }
                    }
                    Err(_) => return Err(FailureKind::Other),
                }
            }
            self.fill().await?;
        }
    }

    /// Reads more into the buffer; end of stream is a reset (the answer was cut).
    async fn fill(&mut self) -> Result<usize, FailureKind> {
        self.buf.reserve(8 * 1024);
        match self.stream.read_buf(&mut self.buf).await {
            Ok(0) => {
                self.reusable = false;
                Err(FailureKind::Reset)
            }
            Ok(n) => Ok(n),
            Err(e) => {
                self.reusable = false;
                Err(io_kind(&e))
            }
        }
    }

    /// Discards `n` body bytes.
    async fn skip(&mut self, mut n: u64) -> Result<(), FailureKind> {
        loop {
            let take = (self.buf.len() as u64).min(n);
            self.buf.advance(take as usize);
            n -= take;
            if n == 0 {
                return Ok(());
            }
            self.fill().await?;
        }
    }

    /// Reads a CRLF-terminated line's length (without CRLF) once buffered.
    async fn line(&mut self) -> Result<usize, FailureKind> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                return Ok(i);
            }
            if self.buf.len() > MAX_HEAD {
                return Err(FailureKind::Other);
            }
            self.fill().await?;
        }
    }

    /// Discards a chunked body; returns its data length.
    async fn skip_chunked(&mut self) -> Result<u64, FailureKind> {
        let mut total = 0u64;
        loop {
            let n = self.line().await?;
            let text = std::str::from_utf8(&self.buf[..n]).map_err(|_| FailureKind::Other)?;
            let hex = text.split(';').next().unwrap_or("").trim();
            let size = u64::from_str_radix(hex, 16).map_err(|_| FailureKind::Other)?;
            self.buf.advance(n + 2);
            if size == 0 {
                // Trailers, up to an empty line.
                loop {
                    let n = self.line().await?;
                    self.buf.advance(n + 2);
                    if n == 0 {
                        return Ok(total);
                    }
                }
            }
            self.skip(size + 2).await?;
            total += size;
        }
    }
}

fn io_kind(e: &io::Error) -> FailureKind {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => FailureKind::Connect,
        io::ErrorKind::TimedOut => FailureKind::Timeout,
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe
        | io::ErrorKind::UnexpectedEof
        | io::ErrorKind::NotConnected => FailureKind::Reset,
        _ => FailureKind::Other,
    }
}

/// Where requests go and how they are encoded.
#[derive(Clone, Debug)]
pub struct Target {
    /// Resolved address.
    pub addr: SocketAddr,
    /// Host header value.
    pub host: String,
}

impl Target {
    /// Resolves `authority` (`host[:port]`, port 80 by default).
    pub async fn resolve(authority: &str) -> io::Result<Target> {
        let has_port = authority
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok());
        let with_port = if has_port {
            authority.to_string()
        } else {
            format!("{authority}:80")
        };
        let addr = tokio::net::lookup_host(with_port.as_str())
            .await?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
        if authority.bytes().any(|b| b.is_ascii_control() || b == b' ') {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "bad host"));
        }
        Ok(Target {
            addr,
            host: authority.to_string(),
        })
    }

    /// Encodes a request into `out` (cleared first); `write_path` appends the path.
    pub fn encode(
        &self,
        out: &mut Vec<u8>,
        method: &Method,
        write_path: impl FnOnce(&mut Vec<u8>),
        body: Option<&[u8]>,
    ) {
        use std::io::Write as _;
        out.clear();
        out.extend_from_slice(method.as_str().as_bytes());
        out.push(b' ');
        write_path(out);
        out.extend_from_slice(b" HTTP/1.1\r\nHost: ");
        out.extend_from_slice(self.host.as_bytes());
        out.extend_from_slice(b"\r\n");
        match body {
            Some(b) => {
                let _ = write!(
                    out,
                    "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    b.len()
                );
                out.extend_from_slice(b);
            }
            None => {
                if matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
                    out.extend_from_slice(b"Content-Length: 0\r\n");
                }
                out.extend_from_slice(b"\r\n");
            }
        }
    }
}

/// Sends one encoded request on `slot`'s connection (opening one when there is
/// none or it cannot be reused) before `deadline` fires. A failed or timed-out
/// connection is dropped so the next request starts clean.
pub async fn exchange(
    slot: &mut Option<Conn>,
    target: &Target,
    request: &[u8],
    head: bool,
    deadline: Pin<&mut Sleep>,
) -> Outcome {
    let attempt = async {
        if !slot.as_ref().is_some_and(Conn::usable) {
            *slot = None;
            let conn = Conn::open(target.addr)
                .await
                .map_err(|(kind, cause)| (kind, Some(cause)))?;
            *slot = Some(conn);
        }
        match slot.as_mut() {
            Some(c) => c.roundtrip(request, head).await.map_err(|k| (k, None)),
            None => Err((FailureKind::Other, None)),
        }
    };
    let result = tokio::select! {
        biased;
        r = attempt => r,
        _ = deadline => Err((FailureKind::Timeout, None)),
    };
    match result {
        Ok((status, bytes)) => Outcome {
            status,
            bytes,
            transport: None,
            cause: None,
        },
        Err((kind, cause)) => {
            *slot = None;
            Outcome::failed(kind, cause)
        }
    }
}

/// A reusable request deadline (see the module docs).
pub struct Deadline(Pin<Box<Sleep>>);

impl Default for Deadline {
    fn default() -> Self {
        Deadline::new()
    }
}

impl Deadline {
    /// A deadline, not armed yet.
    pub fn new() -> Deadline {
        Deadline(Box::pin(tokio::time::sleep_until(
            Instant::now() + Duration::from_secs(86_400),
        )))
    }

    /// Arms it `timeout` from now and lends it out.
    pub fn arm(&mut self, timeout: Duration) -> Pin<&mut Sleep> {
        self.0.as_mut().reset(Instant::now() + timeout);
        self.0.as_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn serve_once(reply: &'static [u8]) -> SocketAddr {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move {
            if let Ok((mut s, _)) = l.accept().await {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(reply).await;
                let _ = s.shutdown().await;
            }
        });
        addr
    }

    async fn get(reply: &'static [u8]) -> Outcome {
        let addr = serve_once(reply).await;
        let target = Target {
            addr,
            host: addr.to_string(),
        };
        let mut req = Vec::new();
        target.encode(&mut req, &Method::GET, |o| o.extend_from_slice(b"/x"), None);
        let mut slot = None;
        let mut d = Deadline::new();
        exchange(
            &mut slot,
            &target,
            &req,
            false,
            d.arm(Duration::from_secs(5)),
        )
        .await
    }

    #[tokio::test]
    async fn reads_bodies_of_every_kind() {
        let o = get(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello").await;
        assert_eq!((o.status, o.bytes, o.transport), (200, 5, None));
        let o = get(b"HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n").await;
        assert_eq!((o.status, o.bytes, o.transport), (503, 5, None));
        let o = get(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nuntil close").await;
        assert_eq!((o.status, o.bytes, o.transport), (200, 11, None));
        let o = get(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\ncut").await;
        assert_eq!(o.transport, Some(FailureKind::Reset));
        let o = get(b"garbage\r\n\r\n").await;
        assert_eq!(o.transport, Some(FailureKind::Other));
    }

    #[test]
    fn encodes_requests() {
        let target = Target {
            addr: "127.0.0.1:1".parse().unwrap(),
            host: "h:1".into(),
        };
        let mut out = Vec::new();
        target.encode(
            &mut out,
            &Method::POST,
            |o| o.extend_from_slice(b"/r"),
            Some(b"{}"),
        );
        assert_eq!(out, b"POST /r HTTP/1.1\r\nHost: h:1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        target.encode(
            &mut out,
            &Method::POST,
            |o| o.extend_from_slice(b"/r"),
            None,
        );
        assert_eq!(
            out,
            b"POST /r HTTP/1.1\r\nHost: h:1\r\nContent-Length: 0\r\n\r\n"
        );
    }
}
