//! wrk's printed quantities: its times (`1.90ms`, `777.72us`, `3.02s`, `1.00m`), byte
//! counts (`223.10KB`, binary multiples), and a run's length. wrk prints the length
//! rounded to two decimals in the largest unit that fits (`in 3.02s`, `in 1.00m`: up to
//! 0.3 s off), and its `Requests/sec` as the completed requests ÷ the exact length
//! (`req_per_s = complete / runtime_s` in wrk.c), so the length is taken as the
//! completed requests ÷ `Requests/sec` when that agrees with the printed one within its
//! rounding: the throughput is then wrk's own `Requests/sec`, not a figure up to 0.5 %
//! off it. On a slow run `Requests/sec` (`0.13`) is the rougher figure: then the
//! printed length stands, and the throughput is the completed requests ÷ it.

/// A wrk time (`1.90ms`, `777.72us`, `1.16s`, `0.92m`, `1.00h`) in ms; `-nan` is unknown.
pub fn duration_ms(text: &str) -> Result<Option<f64>, String> {
    Ok(time(text)?.map(|(ms, _)| ms))
}

/// A wrk time in ms and the step of its last printed digit in ms (`3.02s`: 10 ms).
fn time(text: &str) -> Result<Option<(f64, f64)>, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("-nan") || t.eq_ignore_ascii_case("nan") {
        return Ok(None);
    }
    let split = t
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| format!("time `{t}` has no unit (us, ms, s, m, h)"))?;
    let (num, unit) = t.split_at(split);
    let v: f64 = num.trim().parse().map_err(|_| format!("bad time `{t}`"))?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        other => return Err(format!("unknown time unit `{other}` in `{t}`")),
    };
    let decimals = num.trim().split_once('.').map_or(0, |(_, d)| d.len());
    let step = factor / 10f64.powi(decimals.min(9) as i32);
    Ok(Some((v * factor, step)))
}

/// The run's length in seconds from `N requests in <printed>` and `Requests/sec:
/// <rps>`: `completed ÷ rps` when that is within the printed length's rounding (its
/// last digit's step), else the printed length and why (a file edited by hand, or
/// figures of two runs mixed). `printed` is the `in …` text.
pub fn run_length(
    completed: u64,
    printed: &str,
    rps: Option<f64>,
) -> Result<(Option<f64>, Option<String>), String> {
    let Some((ms, step_ms)) = time(printed)? else {
        return Ok((None, None));
    };
    let printed_s = ms / 1000.0;
    let Some(rps) = rps.filter(|r| *r > 0.0 && completed > 0) else {
        return Ok((Some(printed_s), None));
    };
    let exact = completed as f64 / rps;
    // `Requests/sec` is printed to 0.01: its own rounding moves the length a little,
    // and a lot on a slow run (40 requests at `0.13` leave 296 … 320 s open).
    let rps_slack = exact * 0.005 / rps;
    let slack = step_ms / 1000.0 + rps_slack;
    if (exact - printed_s).abs() <= slack {
        // The figure whose rounding leaves the length less open (`5.00m`: ±0.3 s).
        let length = if rps_slack > step_ms / 2000.0 {
            printed_s
        } else {
            exact
        };
        return Ok((Some(length), None));
    }
    let why = format!(
        "{completed} requests ÷ Requests/sec {rps} = {exact:.3} s, which is not the {} wrk \
         printed (`requests in {}`): the figures do not belong together (edited by hand, or \
         two runs mixed), so the printed length is kept",
        format_secs(printed_s),
        printed.trim()
    );
    Ok((Some(printed_s), Some(why)))
}

/// `10 s`, `2.5 s`.
pub fn format_secs(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

/// A wrk byte count (`170.17MB`, `756.66KB`, `512.00B`: binary multiples) in bytes.
pub fn bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let v: f64 = num.parse().map_err(|_| format!("bad byte count `{t}`"))?;
    let factor = match unit {
        "" | "B" => 1.0,
        "KB" => 1024.0,
        "MB" => 1024.0 * 1024.0,
        "GB" => 1024.0 * 1024.0 * 1024.0,
        "TB" => 1024.0f64.powi(4),
        "PB" => 1024.0f64.powi(5),
        other => return Err(format!("unknown byte unit `{other}` in `{t}`")),
    };
    Ok((v * factor).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(duration_ms("1.90ms"), Ok(Some(1.9)));
        let us = duration_ms("777.72us").unwrap().unwrap();
        assert!((us - 0.77772).abs() < 1e-12, "{us}");
        assert_eq!(duration_ms("1.16s"), Ok(Some(1160.0)));
        assert_eq!(duration_ms("0.92m"), Ok(Some(55_200.0)));
        assert_eq!(duration_ms("-nan"), Ok(None));
        assert!(duration_ms("12").is_err());
        assert_eq!(bytes("1.50KB"), Ok(1536));
        assert_eq!(bytes("2.00MB"), Ok(2 * 1024 * 1024));
    }

    #[test]
    fn length_from_requests_per_second() {
        // 1128 ÷ 376.36 = 2.99713 s, printed `3.00s`.
        let (s, why) = run_length(1128, "3.00s", Some(376.36)).unwrap();
        assert!((s.unwrap() - 1128.0 / 376.36).abs() < 1e-12);
        assert!(why.is_none());
        // `1.00m` is 60 s ± 0.3 s: 22700 ÷ 378.0 = 60.053 s is in, 40000 ÷ 378.0 out.
        assert_eq!(
            run_length(22_700, "1.00m", Some(378.0))
                .unwrap()
                .0
                .map(|s| (s * 1e3).round()),
            Some(60_053.0)
        );
        let (s, why) = run_length(40_000, "1.00m", Some(378.0)).unwrap();
        assert_eq!(s, Some(60.0));
        assert!(why.unwrap().contains("printed length is kept"));
        // No Requests/sec, or nothing completed: the printed length.
        assert_eq!(
            run_length(0, "3.00s", Some(0.0)).unwrap(),
            (Some(3.0), None)
        );
        assert_eq!(run_length(5, "3.00s", None).unwrap(), (Some(3.0), None));
        // A slow run: `0.13` req/s says 296 … 320 s, `5.00m` 299.7 … 300.3 s.
        assert_eq!(
            run_length(40, "5.00m", Some(0.13)).unwrap(),
            (Some(300.0), None)
        );
    }
}
