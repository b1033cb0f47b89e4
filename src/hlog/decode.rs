//! Histogram blob decoding for interval logs: base64, then the V2 encoding (by the
//! `hdrhistogram` crate, after rewriting other writers' V2 cookies to the one it
//! accepts) or the older V0/V1 encodings (decoded here), into raw buckets in the
//! writer's unit. A V0 encoding has a 32-byte header, V1 and V2 a 40-byte one
//! (cookie, payload length, normalizing index offset, significant digits, lowest and
//! highest trackable values, integer-to-double ratio); V0 and V1 counts are words of
//! the size the cookie gives (2, 4 or 8 bytes).

use std::io::Read;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use flate2::read::ZlibDecoder;
use hdrhistogram::serialization::Deserializer;
use hdrhistogram::Histogram;

use crate::model::{new_histogram, HIST_SIGFIG};

/// Encoding cookies with the word-size bits (`0xF0` of the low byte) masked out.
pub(crate) const V0: u32 = 0x1c84_9308;
pub(crate) const V0_COMPRESSED: u32 = 0x1c84_9309;
pub(crate) const V1: u32 = 0x1c84_9301;
pub(crate) const V1_COMPRESSED: u32 = 0x1c84_9302;
pub(crate) const V2: u32 = 0x1c84_9303;
pub(crate) const V2_COMPRESSED: u32 = 0x1c84_9304;
/// Java's DoubleHistogram wrappers (plain and compressed), `DHIST…` in base64.
pub(crate) const DOUBLE: [u32; 2] = [0x0c72_124e, 0x0c72_124f];
/// The only V2 cookie the crate accepts; other writers' V2 cookies are rewritten to it.
pub(crate) const CRATE_V2: u32 = V2 | 0x10;
/// A real interval histogram inflates to a few hundred kB at most; the cap keeps a
/// hostile or corrupt blob from exhausting memory.
pub(crate) const MAX_INFLATED_BYTES: u64 = 16 << 20;

// ---------------------------------------------------------------------------------
// Histogram encodings

/// A decoded histogram in the writer's unit: `(lowest, highest equivalent value,
/// count)` per non-empty bucket, ascending.
pub(crate) struct RawHist {
    pub(crate) buckets: Vec<(u64, u64, u64)>,
}

impl RawHist {
    /// The range of the highest non-empty bucket.
    pub(crate) fn max_bucket(&self) -> Option<(u64, u64)> {
        self.buckets.last().map(|b| (b.0, b.1))
    }

    /// The µs histogram. Each bucket is recorded at its *highest equivalent* value: that
    /// is what HdrHistogram's own percentiles and `Interval_Max` report, so the tool's
    /// figures are reproduced (never under-reported) and the error stays within one
    /// source bucket (0.1 % at 3 digits). The counts array is sized to this interval's
    /// max rather than the model's default hour: a log can hold thousands of intervals,
    /// and the bucket layout (lowest 1, same digits) is the model's, so merging works.
    pub(crate) fn to_us(&self, factor: f64) -> Histogram<u64> {
        let max_us = self.max_bucket().map_or(0, |m| raw_to_us(m.1, factor));
        let mut h = match Histogram::new_with_bounds(1, max_us.max(2), HIST_SIGFIG) {
            Ok(mut h) => {
                h.auto(true);
                h
            }
            Err(_) => new_histogram(),
        };
        for &(_, value, count) in &self.buckets {
            let us = raw_to_us(value, factor);
            if h.record_n(us, count).is_err() {
                // Only values beyond what any histogram can track fail; clamp them.
                let high = h.high();
                let _ = h.record_n(high, count);
            }
        }
        h
    }
}

/// A raw value to whole µs, rounding; like the model, a non-zero sub-µs value counts
/// as 1 µs. The float-to-int cast saturates.
pub(crate) fn raw_to_us(value: u64, factor: f64) -> u64 {
    if value == 0 {
        return 0;
    }
    ((value as f64 * factor).round() as u64).max(1)
}

pub(crate) fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

pub(crate) fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

pub(crate) fn truncated(what: &str) -> String {
    format!("truncated blob: too short for the {what}")
}

/// Base64 text to buckets. Padding is optional because some writers drop it.
pub(crate) fn decode_blob(b64: &str) -> Result<RawHist, String> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let bytes = LENIENT
        .decode(b64)
        .map_err(|e| format!("bad base64 in histogram: {e}"))?;
    decode_encoded(&bytes)
}

pub(crate) fn decode_encoded(bytes: &[u8]) -> Result<RawHist, String> {
    let cookie = be_u32(bytes, 0).ok_or_else(|| truncated("cookie"))?;
    match cookie & !0xF0 {
        base @ (V0_COMPRESSED | V1_COMPRESSED | V2_COMPRESSED) => {
            let len = be_u32(bytes, 4).ok_or_else(|| truncated("compressed length"))? as usize;
            let body = bytes.get(8..).unwrap_or_default();
            let deflated = body.get(..len).ok_or_else(|| {
                format!(
                    "truncated blob: compressed length {len} but {} bytes follow",
                    body.len()
                )
            })?;
            let mut inflated = Vec::new();
            ZlibDecoder::new(deflated)
                .take(MAX_INFLATED_BYTES + 1)
                .read_to_end(&mut inflated)
                .map_err(|e| format!("bad zlib data in histogram: {e}"))?;
            if inflated.len() as u64 > MAX_INFLATED_BYTES {
                return Err("histogram inflates to more than 16 MiB".into());
            }
            // Each compressed cookie base is its plain counterpart + 1.
            let inner = be_u32(&inflated, 0).ok_or_else(|| truncated("inner cookie"))?;
            if inner & !0xF0 != base - 1 {
                return Err(format!(
                    "bad cookie 0x{inner:08x} inside compressed histogram 0x{cookie:08x}"
                ));
            }
            decode_plain(&inflated)
        }
        V0 | V1 | V2 => decode_plain(bytes),
        _ if DOUBLE.contains(&cookie) => {
            Err("DoubleHistogram encoding: logs of floating-point values are not supported".into())
        }
        _ => Err(format!(
            "bad cookie 0x{cookie:08x}: not an HdrHistogram encoding"
        )),
    }
}

/// An uncompressed V0, V1 or V2 encoding.
pub(crate) fn decode_plain(b: &[u8]) -> Result<RawHist, String> {
    let cookie = be_u32(b, 0).ok_or_else(|| truncated("cookie"))?;
    let i32_at = |at: usize| be_u32(b, at).map(|v| v as i32);
    let i64_at = |at: usize| be_u64(b, at).map(|v| v as i64);
    if cookie & !0xF0 == V0 {
        // V0 header (32 bytes): cookie, digits, lowest, highest, total count. There is
        // no payload length: the counts run to the end of the encoding.
        let digits = i32_at(4).ok_or_else(|| truncated("V0 header"))?;
        let lowest = i64_at(8).ok_or_else(|| truncated("V0 header"))?;
        i64_at(24).ok_or_else(|| truncated("V0 header"))?;
        let layout = Layout::new(digits, lowest).map_err(|e| format!("V0 header: {e}"))?;
        return decode_words(b.get(32..).unwrap_or_default(), word_size(cookie)?, &layout);
    }
    // V1 and V2 header (40 bytes): cookie, payload length, normalizing index offset,
    // digits, lowest, highest, integer-to-double conversion ratio.
    let version = if cookie & !0xF0 == V1 { "V1" } else { "V2" };
    let payload_len = i32_at(4).ok_or_else(|| truncated("header"))?;
    let offset = i32_at(8).ok_or_else(|| truncated("header"))?;
    let digits = i32_at(12).ok_or_else(|| truncated("header"))?;
    let lowest = i64_at(16).ok_or_else(|| truncated("header"))?;
    let ratio = be_u64(b, 32)
        .map(f64::from_bits)
        .ok_or_else(|| truncated("header"))?;
    if ratio != 1.0 {
        return Err(format!(
            "{version} histogram with integer-to-double ratio {ratio}: DoubleHistogram logs are not supported"
        ));
    }
    if offset != 0 {
        return Err(format!(
            "{version} histogram with normalizing index offset {offset} is not supported"
        ));
    }
    let available = b.len().saturating_sub(40);
    let payload = usize::try_from(payload_len)
        .ok()
        .and_then(|len| b.get(40..40 + len))
        .ok_or_else(|| {
            format!(
                "truncated blob: header announces {payload_len} payload bytes, {available} present"
            )
        })?;
    let layout = Layout::new(digits, lowest).map_err(|e| format!("{version} header: {e}"))?;
    if version == "V1" {
        return decode_words(payload, word_size(cookie)?, &layout);
    }
    // V2: the crate decodes it, but only under its own cookie; the payload was checked
    // above so the crate never allocates for a length the blob does not hold.
    let mut v2 = b[..40 + payload.len()].to_vec();
    v2[..4].copy_from_slice(&CRATE_V2.to_be_bytes());
    let h: Histogram<u64> = Deserializer::new()
        .deserialize(&mut v2.as_slice())
        .map_err(|e| format!("bad V2 histogram: {e}"))?;
    Ok(RawHist {
        buckets: h
            .iter_recorded()
            .map(|v| {
                let hi = v.value_iterated_to();
                (h.lowest_equivalent(hi), hi, v.count_at_value())
            })
            .collect(),
    })
}

/// V0/V1 word size: bits `0xF0` of the cookie's low byte (Java masks the low bit away).
pub(crate) fn word_size(cookie: u32) -> Result<usize, String> {
    match ((cookie & 0xF0) >> 4) & 0xE {
        ws @ (2 | 4 | 8) => Ok(ws as usize),
        ws => Err(format!(
            "bad cookie 0x{cookie:08x}: word size {ws} is not 2, 4 or 8 bytes"
        )),
    }
}

/// Fixed-width big-endian signed counts, one per bucket index.
pub(crate) fn decode_words(payload: &[u8], ws: usize, layout: &Layout) -> Result<RawHist, String> {
    if !payload.len().is_multiple_of(ws) {
        return Err(format!(
            "truncated blob: {} payload bytes is not a whole number of {ws}-byte counts",
            payload.len()
        ));
    }
    let mut buckets = Vec::new();
    let mut total = 0u64;
    for (index, word) in payload.chunks_exact(ws).enumerate() {
        let count = word.iter().fold(0i64, |acc, &b| (acc << 8) | i64::from(b));
        // Sign-extend the word (2- and 4-byte counts are Java shorts and ints).
        let shift = 64 - 8 * ws as u32;
        let count = (count << shift) >> shift;
        if count < 0 {
            return Err(format!("negative count {count} at bucket index {index}"));
        }
        if count == 0 {
            continue;
        }
        total = total
            .checked_add(count as u64)
            .ok_or_else(|| "counts overflow a 64-bit total".to_string())?;
        let (lo, hi) = layout.bucket(index)?;
        buckets.push((lo, hi, count as u64));
    }
    Ok(RawHist { buckets })
}

/// Index-to-value geometry of an HdrHistogram: the sub-bucket count from the
/// significant digits (2^⌈log2(2·10^digits)⌉), the unit magnitude from the lowest
/// discernible value.
pub(crate) struct Layout {
    unit_mag: u32,
    sub_count_mag: u32,
    sub_half_mag: u32,
}

impl Layout {
    fn new(digits: i32, lowest: i64) -> Result<Layout, String> {
        if !(0..=5).contains(&digits) {
            return Err(format!("{digits} significant digits (must be 0 to 5)"));
        }
        if lowest < 1 {
            return Err(format!(
                "lowest discernible value {lowest} (must be at least 1)"
            ));
        }
        // subBucketCount = 2^ceil(log2(2 * 10^digits)).
        let largest_unit_resolution = 2 * 10u64.pow(digits as u32);
        let sub_count_mag = 64 - (largest_unit_resolution - 1).leading_zeros();
        let unit_mag = 63 - (lowest as u64).leading_zeros();
        if unit_mag + sub_count_mag > 62 {
            return Err(format!(
                "lowest discernible value {lowest} too large for {digits} digits"
            ));
        }
        Ok(Layout {
            unit_mag,
            sub_count_mag,
            sub_half_mag: sub_count_mag - 1,
        })
    }

    /// The lowest and highest values equivalent to bucket index `i`.
    fn bucket(&self, i: usize) -> Result<(u64, u64), String> {
        let half = 1u64 << self.sub_half_mag;
        let i = i as u64;
        let mut bucket = (i >> self.sub_half_mag) as i64 - 1;
        let mut sub = (i & (half - 1)) + half;
        if bucket < 0 {
            sub -= half;
            bucket = 0;
        }
        let shift = bucket as u32 + self.unit_mag;
        if shift + self.sub_count_mag > 63 {
            return Err(format!(
                "count at bucket index {i} lies beyond the 64-bit value range"
            ));
        }
        let lo = sub << shift;
        Ok((lo, lo + ((1u64 << shift) - 1)))
    }
}
