//! `headroom target`: the demo service on a loopback port, printing its theoretical
//! capacity so that a run against it has a known right answer.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Duration;

use clap::Args;

use super::exit::Outcome;
use crate::driver::scenario::cli_duration;
use crate::driver::target::{serve_counted, Profile, Stall, Stats, STATS_PATH};
use crate::driver::tls::{is_own_certificate, self_signed};
use crate::driver::units::Secs;
use crate::model::ThinkTime;
use crate::render::output::{refuse_foreign, write_named_file, Recognise};

/// Arguments of `headroom target`.
#[derive(Args, Debug, Clone)]
#[command(after_help = "Examples:
  headroom target                                  # default profile on 127.0.0.1:8000
  headroom target --listen 127.0.0.1:0 --profile fast
  headroom target --profile my-profile.toml --stall-at 3s --stall-for 1s
  headroom target --tls-self-signed --cert-out target-cert.pem   # then: drive --ca target-cert.pem
  headroom target --stats-out served.json          # what it served, written at exit (Ctrl-C, SIGTERM, --max-duration)
  curl http://127.0.0.1:8000/__headroom/stats      # the same counters, live")]
pub struct TargetArgs {
    /// Address to listen on (port 0: any free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8000")]
    pub listen: String,
    /// Built-in profile name (default, fast) or a profile TOML file.
    #[arg(long, default_value = "default")]
    pub profile: String,
    /// Override the profile's worker count (0: unlimited).
    #[arg(long)]
    pub workers: Option<u32>,
    /// Stall: stop serving this long after start…
    #[arg(long)]
    pub stall_at: Option<String>,
    /// …for this long (default 1s).
    #[arg(long, requires = "stall_at")]
    pub stall_for: Option<String>,
    /// Think time used for the printed saturation point N* (default: the seed's
    /// between(1, 5) and the demo's between(0.05, 0.15)).
    #[arg(long)]
    pub think: Option<String>,
    /// Stop by itself after this long (default: run until Ctrl-C).
    #[arg(long)]
    pub max_duration: Option<String>,
    /// Serve https with a certificate for localhost/127.0.0.1/::1 generated at start.
    #[arg(long)]
    pub tls_self_signed: bool,
    /// With --tls-self-signed: write the certificate (PEM) here, for `drive --ca FILE`.
    /// Without it, the PEM is printed after the capacity statement.
    #[arg(long, value_name = "FILE", requires = "tls_self_signed")]
    pub cert_out: Option<std::path::PathBuf>,
    /// At exit (Ctrl-C or --max-duration), write what was served here as JSON:
    /// {requests, ok, failed, by_status, by_path}; live at GET /__headroom/stats.
    #[arg(long, value_name = "FILE")]
    pub stats_out: Option<std::path::PathBuf>,
}

/// Runs `headroom target`.
pub fn run(args: TargetArgs) -> anyhow::Result<Outcome> {
    // Files it would write over and did not write: refused before serving, not after.
    let named: [(&Option<std::path::PathBuf>, &str, Recognise<'_>); 2] = [
        (&args.cert_out, "--cert-out", &is_own_certificate),
        (&args.stats_out, "--stats-out", &stats_of_ours),
    ];
    for (path, flag, ours) in named {
        let Some(path) = path else { continue };
        if let Err(e) = refuse_foreign(path, ours, None) {
            eprintln!("error: {flag} {e}");
            return Ok(Outcome::BadInput);
        }
    }
    match prepare(&args) {
        Ok((profile, thinks, max)) => {
            let rt = super::runtime()?;
            rt.block_on(async move {
                let listener = match tokio::net::TcpListener::bind(args.listen.as_str()).await {
                    Ok(l) => l,
                    Err(e) => {
                        let hint = match e.kind() {
                            std::io::ErrorKind::AddrInUse => {
                                "another process serves that port: give another port, or \
                                 port 0 for any free one (e.g. --listen 127.0.0.1:0)"
                            }
                            std::io::ErrorKind::PermissionDenied => {
                                "ports below 1024 need privileges: give a port of 1024 or \
                                 more, e.g. --listen 127.0.0.1:8000"
                            }
                            _ => "give HOST:PORT, e.g. --listen 127.0.0.1:8000 (port 0: any free one)",
                        };
                        eprintln!("error: cannot listen on {}: {e}; {hint}", args.listen);
                        return Ok(Outcome::BadInput);
                    }
                };
                let addr = listener.local_addr()?;
                let (tls, pem) = match args.tls_self_signed.then(self_signed).transpose() {
                    Ok(Some((acceptor, pem))) => (Some(acceptor), Some(pem)),
                    Ok(None) => (None, None),
                    Err(e) => {
                        eprintln!("error: cannot make a self-signed certificate: {e}");
                        return Ok(Outcome::Failed);
                    }
                };
                if let (Some(path), Some(pem)) = (&args.cert_out, &pem) {
                    // Written before the address is printed: a reader of that line finds it.
                    let ours = &is_own_certificate;
                    if let Err(e) = write_named_file(path, pem.as_bytes(), &[], ours, None) {
                        eprintln!("error: --cert-out {e}");
                        return Ok(Outcome::BadInput);
                    }
                }
                // Printing is best effort: a closed stdout must not stop the service.
                let mut out = std::io::stdout().lock();
                let scheme = if tls.is_some() { "https" } else { "http" };
                let _ = writeln!(out, "listening on {scheme}://{addr}");
                let _ = write!(out, "{}", describe(&profile, &thinks));
                let _ = writeln!(out, "counters: GET {scheme}://{addr}{STATS_PATH}");
                match (&pem, &args.cert_out) {
                    (Some(_), Some(path)) => {
                        let _ = writeln!(out, "self-signed certificate written to {} (drive --ca {0})", path.display());
                    }
                    (Some(pem), None) => {
                        let _ = write!(out, "self-signed certificate (give it to drive --ca FILE, or use --insecure):\n{pem}");
                    }
                    _ => {}
                }
                let _ = out.flush();
                drop(out);
                let stats = std::sync::Arc::new(Stats::default());
                serve_counted(profile, listener, tls, stats.clone(), async move {
                    let limit = async {
                        match max {
                            Some(d) => tokio::time::sleep(d).await,
                            None => std::future::pending().await,
                        }
                    };
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {}
                        // SIGTERM (kill, systemd, containers) stops it as Ctrl-C does,
                        // so `--stats-out` is written.
                        _ = crate::driver::signals::terminated() => {}
                        _ = limit => {}
                    }
                })
                .await?;
                if let Some(path) = &args.stats_out {
                    let json = format!("{:#}\n", stats.to_json());
                    if let Err(e) = write_named_file(path, json.as_bytes(), &[], &stats_of_ours, None) {
                        eprintln!("error: --stats-out {e}");
                        return Ok(Outcome::Failed);
                    }
                }
                Ok(Outcome::Ok)
            })
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            Ok(Outcome::BadInput)
        }
    }
}

type Prepared = (Profile, Vec<(ThinkTime, &'static str)>, Option<Duration>);

fn prepare(args: &TargetArgs) -> Result<Prepared, String> {
    let mut profile = Profile::load(&args.profile).map_err(|e| e.to_string())?;
    if let Some(w) = args.workers {
        profile.workers = w;
    }
    if let Some(at) = &args.stall_at {
        let at = cli_duration(at).map_err(|e| format!("--stall-at: {e}"))?;
        let length = match &args.stall_for {
            Some(f) => cli_duration(f).map_err(|e| format!("--stall-for: {e}"))?,
            None => Duration::from_secs(1),
        };
        profile.stall = Some(Stall {
            at: Secs(at),
            length: Secs(length),
        });
    }
    let thinks = match &args.think {
        Some(t) => vec![(t.parse::<ThinkTime>()?, "--think")],
        None => vec![
            (ThinkTime::Between(0.05, 0.15), "the demo's"),
            (ThinkTime::Between(1.0, 5.0), "the seed report's"),
        ],
    };
    let max = match &args.max_duration {
        Some(d) => Some(cli_duration(d).map_err(|e| format!("--max-duration: {e}"))?),
        None => None,
    };
    Ok((profile, thinks, max))
}

/// True for a `--stats-out` file an earlier target wrote (its counters by status and
/// by path).
fn stats_of_ours(head: &[u8]) -> bool {
    let has = |key: &[u8]| memchr::memmem::find(head, key).is_some();
    head.starts_with(b"{") && has(b"\"by_status\"") && has(b"\"by_path\"")
}

/// The capacity statement printed at start.
pub fn describe(p: &Profile, thinks: &[(ThinkTime, &str)]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "profile {}: {}", p.name, p.description);
    let mix: Vec<String> = p
        .endpoints
        .iter()
        .map(|e| {
            format!(
                "{} {} w={} mean {:.1} ms",
                e.method,
                e.path,
                e.weight,
                e.service.mean_s() * 1000.0
            )
        })
        .collect();
    let _ = writeln!(s, "endpoints: {}", mix.join("; "));
    let workers = if p.workers == 0 {
        "unlimited".to_string()
    } else {
        p.workers.to_string()
    };
    let _ = writeln!(
        s,
        "workers W = {workers}, queue max {} (timeout {}){}",
        p.queue_max,
        humantime::format_duration(p.queue_timeout.0),
        p.rate_limit_rps
            .map_or(String::new(), |r| format!(", rate limit {r} req/s"))
    );
    let es = p.mean_service_s();
    let c = p.capacity_rps();
    if c.is_finite() {
        let _ = writeln!(
            s,
            "theoretical capacity C = W / E[S] = {workers} / {:.4} s = {c:.1} req/s (mix-weighted mean service E[S] = {:.1} ms)",
            es,
            es * 1000.0
        );
        for (t, what) in thinks {
            let _ = writeln!(
                s,
                "saturation N* = C·(E[S]+Z) = {:.1} users at Z = {:.3} s ({what} think time {t})",
                p.saturation_users(t),
                t.mean_s()
            );
        }
    } else {
        let _ = writeln!(
            s,
            "theoretical capacity: unbounded (no worker limit or no service time)"
        );
    }
    if let Some(st) = p.stall {
        let _ = writeln!(
            s,
            "stall: no service from {} to {} after start",
            humantime::format_duration(st.at.0),
            humantime::format_duration(st.at.0 + st.length.0)
        );
    }
    s
}
