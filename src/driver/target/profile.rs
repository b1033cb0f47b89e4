//! Target profiles: the worker pool, queue, rate limit and per-endpoint service-time
//! distributions of the demo target, from TOML (built-in ones are embedded from
//! `data/profiles/`). A profile also knows its own theoretical capacity, so tests
//! and the demo can compute the right answer from it instead of measuring it.

use std::path::Path;
use std::time::Duration;

use rand::Rng;
use serde::Deserialize;

use crate::driver::error::DriverError;
use crate::driver::units::Secs;
use crate::model::ThinkTime;

/// Built-in profiles: (name, TOML text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "default",
        include_str!("../../../data/profiles/default.toml"),
    ),
    ("fast", include_str!("../../../data/profiles/fast.toml")),
];

/// A target profile.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Profile name.
    pub name: String,
    /// One line saying what it emulates.
    #[serde(default)]
    pub description: String,
    /// Concurrent requests served (the worker pool); 0 means unlimited.
    #[serde(default)]
    pub workers: u32,
    /// Requests waiting for a worker beyond which a new one gets 503 at once.
    #[serde(default = "default_queue_max")]
    pub queue_max: u32,
    /// A request that waited this long for a worker gets 503.
    #[serde(default = "default_queue_timeout")]
    pub queue_timeout: Secs,
    /// Token-bucket rate limit, requests per second (429 beyond); absent: none.
    #[serde(default)]
    pub rate_limit_rps: Option<f64>,
    /// Token-bucket size (default: one second's worth).
    #[serde(default)]
    pub rate_limit_burst: Option<f64>,
    /// The endpoints, with their weight in the reference mix.
    #[serde(rename = "endpoint")]
    pub endpoints: Vec<EndpointProfile>,
    /// A stall: from `at` after start, for `for`, workers serve nothing.
    #[serde(default)]
    pub stall: Option<Stall>,
    /// Seed of the service-time draws (one generator for the server, drawn in request
    /// order); absent: a fresh random seed each start.
    #[serde(default)]
    pub seed: Option<u64>,
}

fn default_queue_max() -> u32 {
    1000
}

fn default_queue_timeout() -> Secs {
    Secs(Duration::from_secs(5))
}

/// A period during which the target answers nothing (requests wait).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Stall {
    /// When it begins, after the server starts.
    pub at: Secs,
    /// How long it lasts.
    #[serde(rename = "for")]
    pub length: Secs,
}

/// One endpoint of a profile.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointProfile {
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// HTTP method.
    pub method: String,
    /// Path; a `{id}` segment matches any one segment.
    pub path: String,
    /// Share in the reference mix (used for the capacity figure).
    #[serde(default)]
    pub weight: f64,
    /// Service time.
    #[serde(default)]
    pub service: Service,
    /// Response body (sent as JSON).
    #[serde(default)]
    pub response: String,
}

/// A service-time distribution.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Service {
    /// Always the same.
    Constant {
        /// The time.
        value: Secs,
    },
    /// Uniform between two bounds.
    Uniform {
        /// Lower bound.
        min: Secs,
        /// Upper bound.
        max: Secs,
    },
    /// Exponential with this mean.
    Exponential {
        /// Mean.
        mean: Secs,
    },
    /// Log-normal with this mean and shape σ (of the underlying normal).
    Lognormal {
        /// Mean.
        mean: Secs,
        /// σ of ln(S).
        sigma: f64,
    },
}

impl Default for Service {
    fn default() -> Self {
        Service::Constant {
            value: Secs(Duration::ZERO),
        }
    }
}

impl Service {
    /// Mean service time, s.
    pub fn mean_s(&self) -> f64 {
        match *self {
            Service::Constant { value } => value.0.as_secs_f64(),
            Service::Uniform { min, max } => (min.0.as_secs_f64() + max.0.as_secs_f64()) / 2.0,
            Service::Exponential { mean } | Service::Lognormal { mean, .. } => mean.0.as_secs_f64(),
        }
    }

    /// One draw.
    pub fn sample(&self, rng: &mut impl Rng) -> Duration {
        let s = match *self {
            Service::Constant { value } => return value.0,
            Service::Uniform { min, max } => {
                let (a, b) = (min.0.as_secs_f64(), max.0.as_secs_f64());
                if b > a {
                    rng.random_range(a..b)
                } else {
                    a
                }
            }
            Service::Exponential { mean } => {
                -mean.0.as_secs_f64() * (1.0 - rng.random::<f64>()).ln()
            }
            Service::Lognormal { mean, sigma } => {
                let m = mean.0.as_secs_f64();
                if m <= 0.0 {
                    return Duration::ZERO;
                }
                // E[e^(μ+σZ)] = e^(μ+σ²/2), so μ = ln(mean) − σ²/2 keeps the mean.
                let mu = m.ln() - sigma * sigma / 2.0;
                (mu + sigma * standard_normal(rng)).exp()
            }
        };
        // Caps a pathological tail draw: 50 × the mean is far past any percentile shown.
        Duration::from_secs_f64(s.clamp(0.0, (self.mean_s() * 50.0).max(0.0)))
    }
}

/// A standard normal draw (Box–Muller).
fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

impl Profile {
    /// A built-in profile by name, or a profile file by path.
    pub fn load(name_or_file: &str) -> Result<Profile, DriverError> {
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_file) {
            return Profile::parse(text);
        }
        let path = Path::new(name_or_file);
        if path.is_file() {
            let text = std::fs::read_to_string(path).map_err(|e| DriverError::io(path, e))?;
            return Profile::parse(&text)
                .map_err(|e| DriverError::Profile(format!("{}: {e}", path.display())));
        }
        let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        Err(DriverError::Profile(format!(
            "`{name_or_file}` is neither a built-in profile ({}) nor a file",
            names.join(", ")
        )))
    }

    /// Parses and checks profile TOML.
    pub fn parse(text: &str) -> Result<Profile, DriverError> {
        let p: Profile = toml::from_str(text)
            .map_err(|e| DriverError::Profile(crate::model::toml_error(text, &e)))?;
        if p.endpoints.is_empty() {
            return Err(DriverError::Profile("no [[endpoint]]".into()));
        }
        for e in &p.endpoints {
            if !e.path.starts_with('/') {
                return Err(DriverError::Profile(format!(
                    "endpoint path `{}` must start with /",
                    e.path
                )));
            }
            if !(e.weight.is_finite() && e.weight >= 0.0) {
                return Err(DriverError::Profile(format!(
                    "endpoint `{}`: bad weight",
                    e.path
                )));
            }
            if let Service::Lognormal { sigma, .. } = e.service {
                if !(sigma.is_finite() && (0.0..=3.0).contains(&sigma)) {
                    return Err(DriverError::Profile(format!(
                        "endpoint `{}`: sigma must be in [0, 3]",
                        e.path
                    )));
                }
            }
        }
        if let Some(r) = p.rate_limit_rps {
            if !(r.is_finite() && r > 0.0) {
                return Err(DriverError::Profile(
                    "rate_limit_rps must be positive".into(),
                ));
            }
        }
        Ok(p)
    }

    /// E\[S\]: the mix-weighted mean service time, s (plain mean when no weights).
    pub fn mean_service_s(&self) -> f64 {
        let total: f64 = self.endpoints.iter().map(|e| e.weight).sum();
        if total > 0.0 {
            self.endpoints
                .iter()
                .map(|e| e.weight * e.service.mean_s())
                .sum::<f64>()
                / total
        } else {
            self.endpoints
                .iter()
                .map(|e| e.service.mean_s())
                .sum::<f64>()
                / self.endpoints.len() as f64
        }
    }

    /// Theoretical capacity C = W ÷ E\[S\], req/s, for the profile's mix (the
    /// utilisation law's bound X ≤ W/E\[S\]); infinite without a worker limit or
    /// service time. A rate limit below it caps it.
    pub fn capacity_rps(&self) -> f64 {
        let s = self.mean_service_s();
        let c = if self.workers == 0 || s <= 0.0 {
            f64::INFINITY
        } else {
            f64::from(self.workers) / s
        };
        self.rate_limit_rps.map_or(c, |r| c.min(r))
    }

    /// Saturation concurrency N* = C·(E\[S\] + Z) for think time `think` (the
    /// closed-system knee where N/(E\[S\]+Z) meets C).
    pub fn saturation_users(&self, think: &ThinkTime) -> f64 {
        self.capacity_rps() * (self.mean_service_s() + think.mean_s())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn default_profile_capacity_is_200() {
        let p = Profile::load("default").unwrap();
        assert!((p.mean_service_s() - 0.160).abs() < 1e-9);
        assert!((p.capacity_rps() - 200.0).abs() < 1e-6);
        assert!((p.saturation_users(&ThinkTime::Between(0.05, 0.15)) - 52.0).abs() < 1e-6);
        assert!(Profile::load("fast").unwrap().capacity_rps().is_infinite());
        assert!(Profile::load("nope").is_err());
    }

    #[test]
    fn samples_keep_their_mean() {
        let mut rng = rand::rngs::SmallRng::seed_from_u64(3);
        let ms = |v| Secs(Duration::from_millis(v));
        for s in [
            Service::Lognormal {
                mean: ms(300),
                sigma: 0.6,
            },
            Service::Exponential { mean: ms(100) },
            Service::Uniform {
                min: ms(10),
                max: ms(30),
            },
        ] {
            let n = 40_000;
            let m = (0..n)
                .map(|_| s.sample(&mut rng).as_secs_f64())
                .sum::<f64>()
                / n as f64;
            assert!((m - s.mean_s()).abs() < 0.03 * s.mean_s(), "{s:?}: {m}");
        }
    }
}
