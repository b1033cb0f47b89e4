//! How the text formats (CSV, NDJSON) write a real number: its value to 15
//! significant digits — all a binary double holds for certain — in the shortest text
//! that reads back to that. A latency converted from seconds (hey's 0.0408 s × 1000)
//! or a mean of µs counts is a double a last bit away from the decimal it stands for
//! (40.800000000000004); the 15-digit value is that decimal (40.8), differs from the
//! double by less than one part in 10¹⁵, and reads back to the same figures. Parquet
//! keeps the double itself.

/// `x` to 15 significant digits (non-finite values as they are).
pub fn tidy(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{x:.14e}").parse().unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn binary_noise_goes_and_digits_stay() {
        assert_eq!(format!("{}", tidy(0.0408 * 1000.0)), "40.8");
        assert_eq!(format!("{}", tidy(0.1 + 0.2)), "0.3");
        assert_eq!(format!("{}", tidy(30.092640000000003)), "30.09264");
        assert_eq!(format!("{}", tidy(1732665600.123)), "1732665600.123");
        assert_eq!(
            format!("{}", tidy(0.0016638935108153079)),
            "0.00166389351081531"
        );
        assert_eq!(tidy(-2.5), -2.5);
        assert!(tidy(f64::NAN).is_nan());
    }
}
