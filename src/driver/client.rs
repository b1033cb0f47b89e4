//! The HTTP/1.1 client: one keep-alive connection per closed-model user (open-model
//! requests borrow them from a pool), and every way a request can fail mapped to a
//! `FailureKind`.
//!
//! It is a deliberately small client over a tokio `TcpStream` (or rustls over one,
//! for `https://`: [`Stream`] is an enum, so the plain path pays one branch): the request is
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
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, BytesMut};
use hyper::Method;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use tokio_rustls::client::TlsStream;

use super::checks::MAX_KEPT_BODY;
use super::tls::{ClientTls, TlsOptions};
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

/// A connection's byte stream: plain TCP or TLS over TCP.
pub enum Stream {
    /// `http://`.
    Plain(TcpStream),
    /// `https://`.
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// One keep-alive connection.
pub struct Conn {
    stream: Stream,
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
    /// Opens a connection (and runs the TLS handshake of an `https://` target); a
    /// failure is `timeout`, `connect` or `tls`, with the system's error (a TLS
    /// error's message goes to the target's [`super::tls::TlsStats`]).
    pub async fn open(target: &Target) -> Result<Conn, (FailureKind, io::ErrorKind)> {
        let tcp = TcpStream::connect(target.addr)
            .await
            .map_err(|e| match e.kind() {
                io::ErrorKind::TimedOut => (FailureKind::Timeout, e.kind()),
                k => (FailureKind::Connect, k),
            })?;
        // Small requests must not wait for Nagle's algorithm.
        let _ = tcp.set_nodelay(true);
        let stream = match &target.tls {
            None => Stream::Plain(tcp),
            Some(tls) => {
                let began = Instant::now();
                match tls.connector.connect(tls.server_name.clone(), tcp).await {
                    Ok(s) => {
                        tls.stats.handshake(began.elapsed().as_micros() as u64);
                        Stream::Tls(Box::new(s))
                    }
                    Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                        return Err((FailureKind::Timeout, e.kind()))
                    }
                    Err(e) => {
                        tls.stats.failed(format!("TLS handshake failed: {e}"));
                        return Err((FailureKind::Tls, e.kind()));
                    }
                }
            }
        };
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

    /// Sends an encoded request and reads the whole response, copying the body's
    /// first [`MAX_KEPT_BODY`] bytes into `keep` when given.
    async fn roundtrip(
        &mut self,
        request: &[u8],
        head: bool,
        mut keep: Option<&mut Vec<u8>>,
    ) -> Result<(u16, u64), FailureKind> {
        self.stream
            .write_all(request)
            .await
            .map_err(|e| io_kind(&e))?;
        if let Stream::Tls(s) = &mut self.stream {
            // rustls may hold the last record until flushed.
            s.flush().await.map_err(|e| io_kind(&e))?;
        }
        loop {
            let (status, len, head_len) = self.read_head(head).await?;
            self.buf.advance(head_len);
            if (100..200).contains(&status) && status != 101 {
                continue; // an interim answer (100 Continue): the real one follows
            }
            let bytes = match len {
                BodyLen::None => 0,
                BodyLen::Length(n) => {
                    self.skip(n, &mut keep).await?;
                    n
                }
                BodyLen::Chunked => self.skip_chunked(&mut keep).await?,
                BodyLen::UntilClose => {
                    self.reusable = false;
                    let mut n = self.buf.len() as u64;
                    kept(&mut keep, &self.buf);
                    self.buf.clear();
                    loop {
                        match self.fill().await {
                            Ok(got) => {
                                n += got as u64;
                                kept(&mut keep, &self.buf);
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

    /// Discards `n` body bytes (copying them to `keep`).
    async fn skip(
        &mut self,
        mut n: u64,
        keep: &mut Option<&mut Vec<u8>>,
    ) -> Result<(), FailureKind> {
        loop {
            let take = (self.buf.len() as u64).min(n);
            kept(keep, &self.buf[..take as usize]);
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

    /// Discards a chunked body (copying its data to `keep`); returns its data length.
    async fn skip_chunked(&mut self, keep: &mut Option<&mut Vec<u8>>) -> Result<u64, FailureKind> {
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
            self.skip(size, keep).await?;
            self.skip(2, &mut None).await?;
            total += size;
        }
    }
}

/// Appends `bytes` to `keep`, up to [`MAX_KEPT_BODY`] in all.
fn kept(keep: &mut Option<&mut Vec<u8>>, bytes: &[u8]) {
    if let Some(k) = keep {
        let room = MAX_KEPT_BODY.saturating_sub(k.len());
        k.extend_from_slice(&bytes[..bytes.len().min(room)]);
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
    /// TLS, for an `https://` target.
    pub tls: Option<ClientTls>,
}

impl Target {
    /// A plain-HTTP target at `addr`.
    pub fn plain(addr: SocketAddr) -> Target {
        Target {
            addr,
            host: addr.to_string(),
            tls: None,
        }
    }

    /// Resolves `authority` (`host[:port]`, port 80 by default, 443 with `tls`),
    /// and sets up TLS when `tls` is given.
    pub async fn resolve(authority: &str, tls: Option<&TlsOptions>) -> io::Result<Target> {
        let has_port = authority.rsplit_once(':').is_some_and(|(h, p)| {
            p.parse::<u16>().is_ok() && (!h.contains(':') || h.ends_with(']'))
        });
        let with_port = if has_port {
            authority.to_string()
        } else {
            format!("{authority}:{}", if tls.is_some() { 443 } else { 80 })
        };
        let addr = tokio::net::lookup_host(with_port.as_str())
            .await?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
        if authority.bytes().any(|b| b.is_ascii_control() || b == b' ') {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "bad host"));
        }
        let tls = match tls {
            None => None,
            Some(opts) => {
                let host = if has_port {
                    authority.rsplit_once(':').map_or(authority, |(h, _)| h)
                } else {
                    authority
                };
                let host = host.trim_start_matches('[').trim_end_matches(']');
                Some(
                    ClientTls::new(host, opts)
                        .map_err(|m| io::Error::new(io::ErrorKind::InvalidInput, m))?,
                )
            }
        };
        Ok(Target {
            addr,
            host: authority.to_string(),
            tls,
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
    exchange_keep(slot, target, request, head, deadline, None).await
}

/// [`exchange`], keeping the response body in `keep` (cleared first) when given.
pub async fn exchange_keep(
    slot: &mut Option<Conn>,
    target: &Target,
    request: &[u8],
    head: bool,
    deadline: Pin<&mut Sleep>,
    mut keep: Option<&mut Vec<u8>>,
) -> Outcome {
    if let Some(k) = keep.as_deref_mut() {
        k.clear();
    }
    let attempt = async {
        if !slot.as_ref().is_some_and(Conn::usable) {
            *slot = None;
            let conn = Conn::open(target)
                .await
                .map_err(|(kind, cause)| (kind, Some(cause)))?;
            *slot = Some(conn);
        }
        match slot.as_mut() {
            Some(c) => c
                .roundtrip(request, head, keep)
                .await
                .map_err(|k| (k, None)),
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
        let target = Target::plain(addr);
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
            host: "h:1".into(),
            ..Target::plain("127.0.0.1:1".parse().unwrap())
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
