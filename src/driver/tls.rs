//! TLS for the driver (client side) and the demo target (server side), on rustls
//! with the `ring` provider.
//!
//! * [`ClientTls`] — the connector of an `https://` target: the web PKI roots, the
//!   system's store and any `--ca` file, or no verification at all (`--insecure`),
//!   plus the handshake counters the run's notes report (count, mean, max) and the
//!   first handshake error, word for word, for the user.
//! * [`self_signed`] — a certificate for `localhost`/`127.0.0.1`/`::1` generated at
//!   start, and the acceptor serving it (`headroom target --tls-self-signed`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, ServerConfig, SignatureScheme};
use tokio_rustls::{TlsAcceptor, TlsConnector};

/// How the driver trusts an `https://` target's certificate.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    /// Accept any certificate (self-signed test services); the handshake still runs.
    pub insecure: bool,
    /// Extra trusted CA certificates (PEM), on top of the web PKI and system roots.
    pub ca: Option<PathBuf>,
}

/// Handshake figures of a run.
#[derive(Debug, Default)]
pub struct TlsStats {
    /// Handshakes that succeeded.
    pub handshakes: AtomicU64,
    /// Their summed duration, µs.
    pub total_us: AtomicU64,
    /// The longest, µs.
    pub max_us: AtomicU64,
    /// Handshakes that failed.
    pub failures: AtomicU64,
    /// The first failure's message.
    pub first_error: Mutex<Option<String>>,
}

impl TlsStats {
    /// Counts a successful handshake that took `us`.
    pub fn handshake(&self, us: u64) {
        self.handshakes.fetch_add(1, Ordering::Relaxed);
        self.total_us.fetch_add(us, Ordering::Relaxed);
        self.max_us.fetch_max(us, Ordering::Relaxed);
    }

    /// Counts a failed handshake, keeping the first message.
    pub fn failed(&self, message: String) {
        self.failures.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut first) = self.first_error.lock() {
            first.get_or_insert(message);
        }
    }

    /// The first handshake error, if any.
    pub fn first_error(&self) -> Option<String> {
        self.first_error.lock().ok().and_then(|f| f.clone())
    }

    /// One line for the run's notes: `TLS: 64 handshakes, mean 1.23 ms, max 4.56 ms`.
    pub fn note(&self) -> String {
        let n = self.handshakes.load(Ordering::Relaxed);
        let total = self.total_us.load(Ordering::Relaxed);
        let max = self.max_us.load(Ordering::Relaxed);
        let failed = self.failures.load(Ordering::Relaxed);
        let mut s = if n == 0 {
            "TLS: no handshake succeeded".to_string()
        } else {
            format!(
                "TLS: {n} handshakes, mean {:.2} ms, max {:.2} ms",
                total as f64 / n as f64 / 1000.0,
                max as f64 / 1000.0
            )
        };
        if failed > 0 {
            s.push_str(&format!(
                "; {failed} failed (first: {})",
                self.first_error().unwrap_or_default()
            ));
        }
        s
    }
}

/// The client side of an `https://` target.
#[derive(Clone)]
pub struct ClientTls {
    /// The connector (shared configuration and session cache).
    pub connector: TlsConnector,
    /// The name checked against the certificate (and sent as SNI when a DNS name).
    pub server_name: ServerName<'static>,
    /// Handshake figures.
    pub stats: Arc<TlsStats>,
}

impl std::fmt::Debug for ClientTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientTls")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl ClientTls {
    /// A connector for `host` (a DNS name or an IP address, without port or brackets).
    pub fn new(host: &str, opts: &TlsOptions) -> Result<ClientTls, String> {
        let server_name = ServerName::try_from(host.to_string())
            .map_err(|e| format!("`{host}` is not a valid TLS server name: {e}"))?;
        let builder = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?;
        let mut config = if opts.insecure {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyCert(provider())))
                .with_no_client_auth()
        } else {
            builder
                .with_root_certificates(roots(opts.ca.as_deref())?)
                .with_no_client_auth()
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(ClientTls {
            connector: TlsConnector::from(Arc::new(config)),
            server_name,
            stats: Arc::new(TlsStats::default()),
        })
    }
}

/// The web PKI roots, the system's store (when readable) and `ca`'s certificates.
fn roots(ca: Option<&Path>) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    // The system store is a bonus: a machine without one still has the web PKI.
    let native = rustls_native_certs::load_native_certs();
    let _ = roots.add_parsable_certificates(native.certs);
    if let Some(path) = ca {
        let text = std::fs::read(path).map_err(|e| format!("--ca {}: {e}", path.display()))?;
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&text)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("--ca {}: not a PEM certificate file: {e}", path.display()))?;
        if certs.is_empty() {
            return Err(format!(
                "--ca {}: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file",
                path.display()
            ));
        }
        for c in certs {
            roots
                .add(c)
                .map_err(|e| format!("--ca {}: {e}", path.display()))?;
        }
    }
    Ok(roots)
}

/// `--insecure`: any certificate is accepted; signatures are still checked so the
/// handshake does the same work as a verified one.
#[derive(Debug)]
struct AnyCert(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// True when `pem` holds one certificate, the kind [`self_signed`] makes (rcgen's
/// default subject): `target --cert-out` may replace it, and no other file.
pub fn is_own_certificate(pem: &[u8]) -> bool {
    let certs: Result<Vec<CertificateDer<'static>>, _> =
        CertificateDer::pem_slice_iter(pem).collect();
    match certs.as_deref() {
        Ok([one]) => memchr::memmem::find(one, b"rcgen self signed cert").is_some(),
        _ => false,
    }
}

/// A self-signed certificate for the loopback names, and an acceptor serving it.
/// Returns (acceptor, certificate PEM).
pub fn self_signed() -> Result<(TlsAcceptor, String), String> {
    let names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    let ck = rcgen::generate_simple_self_signed(names).map_err(|e| e.to_string())?;
    let pem = ck.cert.pem();
    let key = PrivateKeyDer::try_from(ck.signing_key.serialize_der())
        .map_err(|e| format!("generated key: {e}"))?;
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .map_err(|e| e.to_string())?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((TlsAcceptor::from(Arc::new(config)), pem))
}
