//! The interval-log reader's tests: hand-made logs in every encoding, the codec's
//! writer (the driver's) round-tripped, and the real samples (ignored: they need
//! `/work/shared`).

use std::io::Write as _;
use std::time::{Duration, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry};
use hdrhistogram::serialization::{Serializer as _, V2DeflateSerializer, V2Serializer};

use super::*;
use crate::hlog::decode::*;
use crate::hlog::{encode_tag, percent_decode, tag_to_key, HlogWriter};
use crate::model::{new_histogram, EndpointKey, FailureKind};
use hdrhistogram::Histogram;

fn path() -> PathBuf {
    PathBuf::from("runs/latency.hlog")
}

fn parse(text: &str, unit: TimeUnit) -> Result<HlogFile, Problem> {
    parse_hlog(
        &path(),
        text.as_bytes(),
        Some(unit).filter(|u| *u != TimeUnit::Ns),
    )
}

/// Deterministic pseudo-random numbers (xorshift) so tests need no seed plumbing.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(bytes).unwrap();
    z.finish().unwrap()
}

fn wrap_compressed(cookie: u32, plain: &[u8]) -> Vec<u8> {
    let deflated = zlib(plain);
    let mut out = cookie.to_be_bytes().to_vec();
    out.extend((deflated.len() as u32).to_be_bytes());
    out.extend(deflated);
    out
}

/// Java's `countsArrayIndex(value)`, written independently of the decoder's
/// index-to-value mapping so the two check each other.
fn java_index(value: u64, digits: u32, lowest: u64) -> usize {
    let unit_mag = 63 - lowest.leading_zeros();
    let sub_count_mag = (2.0 * 10f64.powi(digits as i32)).log2().ceil() as u32;
    let sub_half_mag = sub_count_mag - 1;
    let sub_mask = ((1u64 << sub_count_mag) - 1) << unit_mag;
    let lz_base = 64 - unit_mag - sub_count_mag;
    let bucket = lz_base - (value | sub_mask).leading_zeros();
    let sub = value >> (bucket + unit_mag);
    (((bucket + 1) << sub_half_mag) as u64 + sub - (1u64 << sub_half_mag)) as usize
}

/// Dense fixed-width counts for `values` (the V0/V1 payload).
fn counts_payload(values: &[(u64, u64)], digits: u32, lowest: u64, ws: usize) -> Vec<u8> {
    let len = values
        .iter()
        .map(|v| java_index(v.0, digits, lowest))
        .max()
        .unwrap()
        + 1;
    let mut counts = vec![0u64; len];
    for &(v, c) in values {
        counts[java_index(v, digits, lowest)] += c;
    }
    counts
        .iter()
        .flat_map(|c| c.to_be_bytes()[8 - ws..].to_vec())
        .collect()
}

fn v1_blob(values: &[(u64, u64)], lowest: u64, ws: usize, compressed: bool) -> String {
    let payload = counts_payload(values, 3, lowest, ws);
    let mut b = (V1 | ((ws as u32) << 4)).to_be_bytes().to_vec();
    b.extend((payload.len() as u32).to_be_bytes());
    b.extend(0u32.to_be_bytes());
    b.extend(3u32.to_be_bytes());
    b.extend(lowest.to_be_bytes());
    b.extend(3_600_000_000_000u64.to_be_bytes());
    b.extend(1.0f64.to_bits().to_be_bytes());
    b.extend(payload);
    if compressed {
        b = wrap_compressed(V1_COMPRESSED | ((ws as u32) << 4), &b);
    }
    STANDARD.encode(b)
}

fn v0_blob(values: &[(u64, u64)], lowest: u64, compressed: bool) -> String {
    let total: u64 = values.iter().map(|v| v.1).sum();
    let mut b = (V0 | 0x80).to_be_bytes().to_vec();
    b.extend(3u32.to_be_bytes());
    b.extend(lowest.to_be_bytes());
    b.extend(3_600_000_000_000u64.to_be_bytes());
    b.extend(total.to_be_bytes());
    b.extend(counts_payload(values, 3, lowest, 8));
    if compressed {
        b = wrap_compressed(V0_COMPRESSED | 0x80, &b);
    }
    STANDARD.encode(b)
}

fn v2_blob(values: &[(u64, u64)]) -> String {
    let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).unwrap();
    for &(v, c) in values {
        h.record_n(v, c).unwrap();
    }
    let mut out = Vec::new();
    V2DeflateSerializer::new().serialize(&h, &mut out).unwrap();
    STANDARD.encode(out)
}

const SAMPLE_US: [(u64, u64); 9] = [
    (0, 2),
    (1, 3),
    (7, 1),
    (1000, 40),
    (2047, 5),
    (2048, 6),
    (3001, 7),
    (123_457, 8),
    (2_999_999_999, 1),
];

fn assert_counts(h: &Histogram<u64>, values: &[(u64, u64)]) {
    assert_eq!(h.len(), values.iter().map(|v| v.1).sum::<u64>());
    for &(v, c) in values {
        assert_eq!(h.count_at(v), c, "count at {v}");
    }
}

#[test]
fn writer_round_trip() {
    let start = 1_700_000_000_123;
    let keys = [
        EndpointKey::new(Some("GET"), "/users/{id}?a=b,c"),
        EndpointKey::new(None, "checkout flow 100%"),
        EndpointKey::new(Some("POST"), "/orders"),
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut written = Vec::new();
    // The driver's writer: the one headroom writes logs with.
    let start_time = UNIX_EPOCH + Duration::from_millis(start as u64);
    let mut w = HlogWriter::new(Vec::new(), start_time).unwrap();
    for i in 0..3i64 {
        for key in &keys {
            let mut h = new_histogram();
            for _ in 0..5000 {
                h.record(100 + rng.next() % 2_000_000).unwrap();
            }
            let (s, e) = (start + 1000 * i + 7, start + 1000 * (i + 1) + 7);
            let (start_s, len_s) = ((s - start) as f64 / 1000.0, (e - s) as f64 / 1000.0);
            w.interval(&key.to_string(), start_s, len_s, &h).unwrap();
            written.push((key.clone(), s, e, h));
        }
    }
    w.flush().unwrap();
    let bytes = w.into_inner();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(looks_like_hlog(&text));
    assert!(text.contains("Tag=GET%20/users/{id}?a=b%2Cc,"), "{text}");
    // An independent reader (the crate's) agrees: the driver writes BaseTime = StartTime
    // and interval starts relative to it.
    let mut crate_starts = Vec::new();
    let (mut base, mut start_time) = (None, None);
    for entry in IntervalLogIterator::new(&bytes) {
        match entry.unwrap() {
            LogEntry::BaseTime(b) => base = Some(b),
            LogEntry::Interval(iv) => crate_starts.push(base.unwrap() + iv.start_timestamp()),
            LogEntry::StartTime(t) => start_time = Some(t),
        }
    }
    assert_eq!(base, start_time);
    let ours: Vec<_> = written
        .iter()
        .map(|w| Duration::from_millis(w.1 as u64))
        .collect();
    assert_eq!(crate_starts, ours);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("driver.hlog");
    std::fs::write(&file, &bytes).unwrap();
    // The `#[unit: us]` comment overrides the ns default.
    let log = read_hlog(&file, None).unwrap();
    assert_eq!(log.unit, TimeUnit::Us);
    assert_eq!(log.format_version.as_deref(), Some("1.3"));
    assert!(log.warnings.is_empty(), "{:?}", log.warnings);
    assert_eq!(log.intervals.len(), written.len());
    for (iv, (key, s, e, h)) in log.intervals.iter().zip(&written) {
        assert_eq!(&iv.key, key);
        assert_eq!((iv.start_ms, iv.end_ms), (*s, *e));
        assert_eq!(iv.histogram.len(), h.len());
        for q in [0.5, 0.9, 0.99, 0.999, 1.0] {
            let (a, b) = (iv.histogram.value_at_quantile(q), h.value_at_quantile(q));
            assert!(
                (a as f64 - b as f64).abs() <= 0.001 * b as f64,
                "q{q}: {a} vs {b}"
            );
        }
    }
    let mut seen = 0;
    log.replay(&mut |o| {
        if let Observation::Histogram { histogram, .. } = o {
            seen += histogram.len();
        }
    })
    .unwrap();
    assert_eq!(seen, 45_000);
}

#[test]
fn decodes_hand_built_v1_blobs() {
    for ws in [2, 4, 8] {
        for compressed in [true, false] {
            let blob = v1_blob(&SAMPLE_US, 1, ws, compressed);
            let text = format!("#[unit: us]\n0.000,1.000,3000000.000,{blob}\n");
            let log = parse(&text, TimeUnit::Ns).unwrap();
            assert_counts(&log.intervals[0].histogram, &SAMPLE_US);
            assert!(log.warnings.is_empty(), "{:?}", log.warnings);
        }
    }
}

#[test]
fn decodes_hand_built_v0_blobs_with_a_coarse_lowest_value() {
    // jHiccup style: ns values, lowest discernible 1000 ns.
    let ns = [(1_000_000, 10), (2_500_000, 3), (1_569_718_271, 1)];
    for compressed in [true, false] {
        let text = format!("0.0,1.0,1569.718,{}\n", v0_blob(&ns, 1000, compressed));
        let h = &parse(&text, TimeUnit::Ns).unwrap().intervals[0].histogram;
        assert_eq!(h.len(), 14);
        assert_eq!(h.count_at(1000), 10);
        assert_eq!(h.count_at(2500), 3);
        let max = h.max() as f64;
        assert!((max - 1_569_718.0).abs() < 0.002 * 1_569_718.0, "{max}");
    }
}

#[test]
fn unit_comment_overrides_default_and_odd_max_warns() {
    let blob = v2_blob(&[(2_500_000, 10)]);
    let ns = parse(&format!("0.0,1.0,2.500,{blob}\n"), TimeUnit::Ns).unwrap();
    assert_eq!(ns.unit, TimeUnit::Ns);
    assert_eq!(ns.intervals[0].histogram.count_at(2500), 10);
    assert!(ns.warnings.is_empty(), "{:?}", ns.warnings);

    let us = parse(
        &format!("#[unit: us]\n0.0,1.0,2.500,{blob}\n"),
        TimeUnit::Ns,
    )
    .unwrap();
    assert_eq!(us.unit, TimeUnit::Us);
    assert_eq!(us.intervals[0].histogram.count_at(2_500_000), 10);
    assert_eq!(us.warnings.len(), 1);
    assert!(us.warnings[0].starts_with("line 2:"), "{}", us.warnings[0]);
    assert!(
        us.warnings[0].contains("look like ns"),
        "{}",
        us.warnings[0]
    );

    // The C writer's raw integer max agrees whatever the unit.
    let c = parse(
        &format!("#[unit: us]\n0.0,1.0,2500000.0,{blob}\n"),
        TimeUnit::Ns,
    )
    .unwrap();
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn timestamps_relative_absolute_and_end_times() {
    let b = v2_blob(&[(1000, 1)]);
    let start = "#[StartTime: 1441812279.474 (seconds since epoch), Wed Sep 09 2015]";
    let rel = parse(&format!("{start}\n0.127,1.007,0.001,{b}\n"), TimeUnit::Us).unwrap();
    let iv = &rel.intervals[0];
    assert_eq!(
        (iv.start_ms, iv.end_ms),
        (1_441_812_279_601, 1_441_812_280_608)
    );

    let abs = parse(
        &format!("{start}\n1441812280.000,1.000,0.001,{b}\n"),
        TimeUnit::Us,
    );
    assert_eq!(abs.unwrap().intervals[0].start_ms, 1_441_812_280_000);

    let go = parse(
        &format!("#[Basetime: 1000 (seconds since epoch)]\n2.5,1,0.001,{b}\n"),
        TimeUnit::Us,
    );
    assert_eq!(go.unwrap().intervals[0].start_ms, 1_002_500);

    // BaseTime 0 with relative stamps would mean 1970: read relative to StartTime.
    let zero = parse(
        &format!("{start}\n#[BaseTime: 0.000]\n1.000,1.000,0.001,{b}\n"),
        TimeUnit::Us,
    );
    assert_eq!(zero.unwrap().intervals[0].start_ms, 1_441_812_280_474);

    let none = parse(&format!("1.000,2.000,0.001,{b}\n"), TimeUnit::Us).unwrap();
    assert_eq!(
        (none.intervals[0].start_ms, none.intervals[0].end_ms),
        (1000, 3000)
    );

    // The C writer's end-time column.
    let lines: String = (0..4)
        .map(|i| format!("{i}.000,{}.000,0.001,{b}\n", i + 1))
        .collect();
    let c = parse(&lines, TimeUnit::Us).unwrap();
    let spans: Vec<_> = c
        .intervals
        .iter()
        .map(|iv| (iv.start_ms, iv.end_ms))
        .collect();
    assert_eq!(spans, [(0, 1000), (1000, 2000), (2000, 3000), (3000, 4000)]);
    let c_abs = parse(
        &format!("1403476110.183 1403476115.187 1.0 {b}\n"),
        TimeUnit::Us,
    )
    .unwrap();
    assert_eq!(
        c_abs.intervals[0].end_ms - c_abs.intervals[0].start_ms,
        5004
    );
}

#[test]
fn tags_become_endpoint_keys() {
    let b = v2_blob(&[(1000, 1)]);
    let text = format!(
        "Tag=GET%20/a%2Cb,0,1,0.001,{b}\nTag=A,0,1,0.001,{b}\nTag=get%20x,0,1,0.001,{b}\n\
         Tag=50%25%20off,0,1,0.001,{b}\n0,1,0.001,{b}\n"
    );
    let keys: Vec<_> = parse(&text, TimeUnit::Us)
        .unwrap()
        .intervals
        .into_iter()
        .map(|iv| iv.key)
        .collect();
    assert_eq!(
        keys,
        [
            EndpointKey::new(Some("GET"), "/a,b"),
            EndpointKey::new(None, "A"),
            EndpointKey::new(None, "get x"),
            EndpointKey::new(None, "50% off"),
            EndpointKey::new(None, "latency"),
        ]
    );
    let odd = EndpointKey::new(Some("POST"), "/a\tb\nc é");
    for key in keys.iter().chain([&odd]) {
        let tag = encode_tag(&key.to_string());
        assert!(
            !tag.contains(|c: char| c == ',' || c.is_whitespace()),
            "{tag}"
        );
        assert_eq!(&tag_to_key(&tag), key);
    }
    assert_eq!(percent_decode("100%zz%4"), "100%zz%4");
}

#[test]
fn malformed_lines_are_line_numbered_problems() {
    let good = v2_blob(&[(1000, 1)]);
    let raw = STANDARD.decode(&good).unwrap();
    let cases = [
        ("0.1,1.0,0.001,HIST@@@@".to_string(), "bad base64"),
        ("0.1,1.0,0.001,AAAAAAAAAAA=".to_string(), "bad cookie"),
        (
            format!("0.1,1.0,0.001,{}", STANDARD.encode(&raw[..20])),
            "truncated blob",
        ),
        (
            format!("abc,1.0,0.001,{good}"),
            "non-numeric start timestamp `abc`",
        ),
        (format!("0.1,1.0,{good}"), "expected 4 fields"),
        (
            "0,1,1,DHISTwAAAAMAAAAAAAAAAA==".to_string(),
            "DoubleHistogram encoding",
        ),
        (format!("0.1,-1.0,0.001,{good}"), "negative interval length"),
        ("#[StartTime: soon]".to_string(), "StartTime comment"),
        ("#[unit: parsecs]".to_string(), "unknown time unit"),
    ];
    for (line, reason) in cases {
        // Between two whole intervals (a bad last line is a cut: see the CLI tests).
        let text = format!(
            "#[Histogram log format version 1.3]\n0,1,0.001,{good}\n{line}\n2,1,0.001,{good}\n"
        );
        let p = parse(&text, TimeUnit::Us).unwrap_err();
        assert_eq!(p.line, Some(3), "{line}");
        assert!(p.reason.contains(reason), "{line}: {}", p.reason);
        assert_eq!(p.path, path());
    }
    for empty in [
        "",
        "#[Histogram log format version 1.3]\n\"StartTimestamp\",\"x\"\n",
    ] {
        let p = parse(empty, TimeUnit::Us).unwrap_err();
        assert_eq!(
            (p.line, p.reason.as_str()),
            (None, "no histogram intervals")
        );
    }
    let dbl = {
        let mut b = STANDARD.decode(v1_blob(&SAMPLE_US, 1, 8, false)).unwrap();
        b[32..40].copy_from_slice(&0.001f64.to_bits().to_be_bytes());
        STANDARD.encode(b)
    };
    let p = parse(&format!("0,1,1,{dbl}\n"), TimeUnit::Us).unwrap_err();
    assert!(p.reason.contains("DoubleHistogram"), "{}", p.reason);
}

#[test]
fn garbage_never_panics() {
    let mut rng = Rng(42);
    for len in 0..400 {
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let _ = parse_hlog(&path(), &bytes, None);
        let line = format!("0.1,1.0,1.0,HIST{}\n", STANDARD.encode(&bytes));
        let _ = parse(&line, TimeUnit::Ns);
    }
    // Corrupt valid encodings of every version, plain and recompressed.
    let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).unwrap();
    for &(v, c) in &SAMPLE_US {
        h.record_n(v, c).unwrap();
    }
    let mut v2 = Vec::new();
    V2Serializer::new().serialize(&h, &mut v2).unwrap();
    let v1 = STANDARD.decode(v1_blob(&SAMPLE_US, 1, 4, false)).unwrap();
    let v0 = STANDARD.decode(v0_blob(&SAMPLE_US, 1, false)).unwrap();
    for plain in [v2, v1, v0] {
        for _ in 0..1500 {
            let mut b = plain.clone();
            for _ in 0..1 + rng.next() % 4 {
                let i = (rng.next() as usize) % b.len();
                b[i] = rng.next() as u8;
            }
            if rng.next().is_multiple_of(4) {
                b.truncate((rng.next() as usize) % b.len());
            }
            let cookie = be_u32(&b, 0).unwrap_or(0);
            for blob in [b.clone(), wrap_compressed(cookie.wrapping_add(1), &b)] {
                let line = format!("0.1,1.0,1.0,{}\n", STANDARD.encode(&blob));
                let _ = parse(&line, TimeUnit::Ns);
            }
        }
    }
}

#[test]
fn detects_hlog_heads() {
    assert!(looks_like_hlog(
        "#[Logged with x]\n#[Histogram log format version 1.2]\n"
    ));
    assert!(looks_like_hlog("Tag=A,0.127,1.007,2.769,HISTFAAAAEV42"));
    assert!(looks_like_hlog("\u{feff}0.127,1.007,2.769,HISTFAAAAEV42"));
    assert!(!looks_like_hlog("Tag=,0.127,1.007,2.769,HISTFAAAAEV42"));
    assert!(!looks_like_hlog("timeStamp,elapsed,label\n1,2,x,HIST"));
    assert!(!looks_like_hlog("0.127,1.007,HISTFAAAAEV42"));
}

/// Reads the real logs in the shared samples. Totals for the V0 and V1 jHiccup
/// files are the ones HdrHistogram's own reader test asserts for the same files.
#[test]
#[ignore]
fn reads_shared_hlog_samples() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/hdrhistogram");
    let mut files = Vec::new();
    let mut dirs = vec![dir];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "hlog") {
                files.push(p);
            }
        }
    }
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        match read_hlog(&file, None) {
            Ok(log) => {
                assert!(!log.intervals.is_empty());
                let mut all = new_histogram();
                for iv in &log.intervals {
                    all.add(&iv.histogram).unwrap();
                }
                let first = log.intervals.first().map(|iv| iv.start_ms).unwrap_or(0);
                let last = log.intervals.last().map(|iv| iv.end_ms).unwrap_or(0);
                println!(
                    "{name}: version {:?}, {} intervals, {} values, p99.9 {} us, max {} us, \
                     span {first}..{last} ms, warnings {:?}",
                    log.format_version,
                    log.intervals.len(),
                    all.len(),
                    all.value_at_quantile(0.999),
                    all.max(),
                    log.warnings
                );
                // HdrHistogram's test figures (ns): total, p99.9, max.
                let expected = match name.as_str() {
                    "jHiccup-2.0.1.logV0.hlog" => Some((61_256, 1_510_998_015, 1_569_718_271)),
                    "jHiccup-2.0.6.logV1.hlog" => Some((65_964, 1_829_765_119, 1_888_485_375)),
                    _ => None,
                };
                if let Some((count, p999_ns, max_ns)) = expected {
                    assert_eq!(all.len(), count, "{name}");
                    // Java accumulates each source bucket at its lowest value, this
                    // reader at its highest; these logs hold 2-digit histograms whose
                    // buckets are up to 1/128 wide, hence the 1 % allowance upwards.
                    for (ours, ns) in [(all.value_at_quantile(0.999), p999_ns), (all.max(), max_ns)]
                    {
                        let java = ns as f64 / 1000.0;
                        let ours = ours as f64;
                        assert!(
                            ours >= java * 0.999 && ours <= java * 1.01,
                            "{name}: {ours} vs {java}"
                        );
                    }
                }
                assert!(log.warnings.is_empty(), "{name}: {:?}", log.warnings);
                // Read as µs, every max is 1000 times too large for its column.
                let wrong = read_hlog(&file, Some(TimeUnit::Us)).unwrap();
                assert!(
                    wrong.warnings[0].contains("look like ns"),
                    "{:?}",
                    wrong.warnings
                );
            }
            Err(p) => {
                println!("{name}: {p}");
                assert!(
                    p.reason.contains("encoding") || p.reason.contains("cookie"),
                    "{p}"
                );
            }
        }
    }
}

#[test]
fn failures_comments_attach_to_their_interval() {
    let mut h = new_histogram();
    h.record(1500).unwrap();
    h.record(2500).unwrap();
    let mut bytes = Vec::new();
    V2DeflateSerializer::new()
        .serialize(&h, &mut bytes)
        .unwrap();
    let blob = STANDARD.encode(bytes);
    let log = format!(
        "#[StartTime: 1700000000.000 (seconds since epoch)]\n#[unit: us]\n\
         Tag=GET%20/a,1.000,1.000,0.003,{blob}\n\
         #[failures: Tag=GET%20/a,1.000,status:503=1;timeout=1]\n"
    );
    let f = parse_hlog(Path::new("x.hlog"), log.as_bytes(), None).unwrap();
    assert_eq!(
        f.intervals[0].failures,
        vec![(FailureKind::Status(503), 1), (FailureKind::Timeout, 1)]
    );
    let bad = "#[failures: Tag=GET%20/a,1.000,status:503=x]\n";
    assert_eq!(
        parse_hlog(Path::new("x.hlog"), bad.as_bytes(), None)
            .unwrap_err()
            .line,
        Some(1)
    );
}
