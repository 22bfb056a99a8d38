//! Charts drawn as SVG on the server (no chart library, nothing from the internet): a line chart
//! of rates over months and a horizontal bar chart comparing units. Every label is escaped.

use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A series of rates (0–1), one value per x label; `None` where nothing was due.
pub struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub values: Vec<Option<f64>>,
}

/// Rates over time, with a legend; readable on a phone (it scales to the width).
pub fn line_chart(title: &str, x: &[String], series: &[Series<'_>]) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 260.0, 44.0, 12.0, 28.0, 44.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let n = x.len().max(1);
    let px = |i: usize| left + plot_w * (i as f64 + 0.5) / n as f64;
    let py = |v: f64| top + plot_h * (1.0 - v.clamp(0.0, 1.0));
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(title)
    );
    for k in 0..=4 {
        let v = k as f64 / 4.0;
        let y = py(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e5e7eb"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#6b7280">{}%</text>"##,
            w - right,
            left - 6.0,
            y + 4.0,
            k * 25
        );
    }
    for (i, label) in x.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#6b7280">{}</text>"##,
            px(i),
            h - bottom + 16.0,
            esc(label)
        );
    }
    for (j, se) in series.iter().enumerate() {
        let mut d = String::new();
        let mut pen_up = true;
        for (i, v) in se.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{:.1},{:.1} ",
                        if pen_up { "M" } else { "L" },
                        px(i),
                        py(*v)
                    );
                    pen_up = false;
                }
                None => pen_up = true,
            }
        }
        let _ = write!(
            s,
            r#"<path d="{d}" fill="none" stroke="{}" stroke-width="2"/>"#,
            esc(se.color)
        );
        for (i, v) in se.values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"><title>{} {}：{:.1}%</title></circle>"#,
                    px(i),
                    py(*v),
                    esc(se.color),
                    esc(se.name),
                    esc(x.get(i).map(String::as_str).unwrap_or("")),
                    v * 100.0
                );
            }
        }
        let lx = left + 8.0 + j as f64 * 130.0;
        let _ = write!(
            s,
            r##"<rect x="{lx:.1}" y="8" width="12" height="3" fill="{}"/><text x="{:.1}" y="14" font-size="12" fill="#1f2937">{}</text>"##,
            esc(se.color),
            lx + 16.0,
            esc(se.name)
        );
    }
    s.push_str("</svg>");
    s
}

/// A bar per item (rate 0–1), longest first as given; each bar links to `href`.
pub fn bar_chart(title: &str, items: &[(String, Option<f64>, String)]) -> String {
    let row = 24.0;
    let (w, left, right) = (640.0, 120.0, 56.0);
    let h = 12.0 + row * items.len().max(1) as f64;
    let plot_w = w - left - right;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {w} {h:.0}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(title)
    );
    for (i, (label, v, href)) in items.iter().enumerate() {
        let y = 6.0 + row * i as f64;
        let len = plot_w * v.unwrap_or(0.0).clamp(0.0, 1.0);
        let color = match v {
            Some(v) if *v >= 0.9 => "#16a34a",
            Some(v) if *v >= 0.7 => "#eab308",
            Some(_) => "#dc2626",
            None => "#d1d5db",
        };
        let text = v
            .map(|v| format!("{:.1}%", v * 100.0))
            .unwrap_or_else(|| "—".into());
        let _ = write!(
            s,
            r##"<a href="{}"><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#1f2937">{}</text><rect x="{left}" y="{y:.1}" width="{len:.1}" height="16" rx="2" fill="{color}"/><text x="{:.1}" y="{:.1}" font-size="12" fill="#374151">{text}</text></a>"##,
            esc(href),
            left - 6.0,
            y + 12.5,
            esc(label),
            left + len + 4.0,
            y + 12.5
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_gaps_lift_the_pen() {
        let svg = line_chart(
            "<x>",
            &["1月".into(), "2月".into(), "3月".into()],
            &[Series {
                name: "办结率",
                color: "#1d4ed8",
                values: vec![Some(0.5), None, Some(1.0)],
            }],
        );
        assert!(svg.contains("&lt;x&gt;") && !svg.contains("<x>"));
        // Two segments: one that starts the path, one after the gap.
        assert!(svg.contains("d=\"M"), "{svg}");
        assert_eq!(svg.matches(" M").count(), 1, "{svg}");
        let bars = bar_chart("b", &[("A&B".into(), Some(0.95), "/ledger?unit=1".into())]);
        assert!(bars.contains("A&amp;B") && bars.contains("95.0%") && bars.contains("#16a34a"));
    }
}
