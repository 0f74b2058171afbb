//! "3 minutes ago": relative times for timestamps stored as UTC `YYYY-MM-DD HH:MM:SS`.
//! Pure code, so the server renders the same words the browser would.

/// Seconds since the Unix epoch of a `YYYY-MM-DD HH:MM:SS` UTC timestamp.
pub fn parse_utc(timestamp: &str) -> Option<i64> {
    let (date, time) = timestamp.split_once(' ')?;
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (hh, mm, ss) = (t.next()??, t.next()??, t.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// The current time in seconds since the epoch.
pub fn now() -> i64 {
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default()
    }
    #[cfg(feature = "hydrate")]
    {
        (js_sys::Date::now() / 1000.0) as i64
    }
}

/// "a few seconds ago", "3 minutes ago", "2 days ago", … for `then` seen at `now`.
pub fn ago(then: i64, now: i64) -> String {
    let s = (now - then).max(0);
    let plural = |n: i64, unit: &str| {
        if n == 1 { format!("1 {unit} ago") } else { format!("{n} {unit}s ago") }
    };
    match s {
        0..45 => "a few seconds ago".to_owned(),
        45..3600 => plural((s / 60).max(1), "minute"),
        3600..86_400 => plural(s / 3600, "hour"),
        86_400..2_592_000 => plural(s / 86_400, "day"),
        2_592_000..31_536_000 => plural(s / 2_592_000, "month"),
        _ => plural(s / 31_536_000, "year"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utc_timestamps() {
        assert_eq!(parse_utc("1970-01-01 00:00:00"), Some(0));
        assert_eq!(parse_utc("2000-03-01 12:30:15"), Some(951_913_815));
        assert_eq!(parse_utc("2026-11-24 02:27:22"), Some(1_795_487_242));
        for bad in ["", "2026-13-01 00:00:00", "yesterday", "2026-11-24T02:27:22"] {
            assert_eq!(parse_utc(bad), None, "{bad}");
        }
    }

    #[test]
    fn words_for_each_range() {
        assert_eq!(ago(0, 10), "a few seconds ago");
        assert_eq!(ago(0, 60), "1 minute ago");
        assert_eq!(ago(0, 3 * 60 + 5), "3 minutes ago");
        assert_eq!(ago(0, 2 * 3600), "2 hours ago");
        assert_eq!(ago(0, 2 * 86_400 + 5), "2 days ago");
        assert_eq!(ago(0, 65 * 86_400), "2 months ago");
        assert_eq!(ago(0, 800 * 86_400), "2 years ago");
        assert_eq!(ago(100, 0), "a few seconds ago", "clock skew never says 'in the future'");
    }
}
