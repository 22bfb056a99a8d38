//! Time as the office reads it: China Standard Time, dates as 2026年12月4日.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};

/// Milliseconds since the Unix epoch, UTC; how every moment is stored.
pub type Millis = i64;

pub fn china() -> FixedOffset {
    // 8 hours east of UTC is always valid.
    FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"))
}

pub fn to_china(ms: Millis) -> DateTime<FixedOffset> {
    let utc = Utc.timestamp_millis_opt(ms).single().unwrap_or_default();
    utc.with_timezone(&china())
}

/// The calendar date in China for a moment.
pub fn china_date(ms: Millis) -> NaiveDate {
    to_china(ms).date_naive()
}

/// 2026年12月4日
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 2026年12月4日 15:04
pub fn cn_datetime(ms: Millis) -> String {
    let t = to_china(ms);
    format!("{} {}", cn_date(t.date_naive()), t.format("%H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_the_chinese_way() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 4).expect("date");
        assert_eq!(cn_date(d), "2026年12月4日");
        // 2026-12-04T16:00:00Z is already the 5th in Beijing.
        let ms = Utc
            .with_ymd_and_hms(2026, 12, 4, 16, 0, 0)
            .single()
            .expect("t")
            .timestamp_millis();
        assert_eq!(cn_date(china_date(ms)), "2026年12月5日");
        assert_eq!(cn_datetime(ms), "2026年12月5日 00:00");
    }
}
