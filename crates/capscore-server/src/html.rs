//! HTML building blocks: escaping, the page layout (inline style, no script, no
//! external resource) and server-side SVG charts.

use std::fmt::Write;

use axum::response::Html;

/// Escapes text for HTML content and attribute values.
#[must_use]
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Percent-encodes a path segment or query value.
#[must_use]
pub fn url(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            o.push(b as char);
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1b1b1b;background:#f7f7f8;font-size:15px}
header{background:#0f3a66;color:#fff;padding:.5rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}header .who{margin-left:auto}
main{max-width:1300px;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem}
a{color:#0b4f9c}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border:1px solid #c8c8cc;padding:.3rem .5rem;text-align:left}
th{background:#e9edf2}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.q{color:#0d5c23;font-weight:600}.nq{color:#8a1c1c}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1rem}
.card{background:#fff;border:1px solid #c8c8cc;border-radius:6px;padding:.75rem}
.card h2,.card h3{margin:.2rem 0 .5rem}
form.inline{display:inline}
label{font-weight:600;margin-right:.3rem}
input,select,button{font-size:1rem;padding:.25rem .4rem}
button{background:#0f3a66;color:#fff;border:0;border-radius:4px;padding:.35rem .8rem;cursor:pointer}
.muted{color:#555}.err{color:#8a1c1c;font-weight:600}
nav.crumbs{margin:.3rem 0}
:focus{outline:3px solid #f0a400;outline-offset:1px}
";

/// A page: title, optional signed-in bar (user name and the logout form with its CSRF
/// token) and body.
pub fn page(title: &str, who: Option<(&str, &str)>, body: &str) -> Html<String> {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · capscore</title><style>{STYLE}</style></head><body>\
         <header><a href=\"/\"><strong>capscore</strong></a>",
        esc(title)
    );
    if let Some((user, csrf)) = who {
        let _ = write!(
            o,
            "<span class=\"who\">Signed in as {}</span>\
             <form class=\"inline\" method=\"post\" action=\"/logout\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">Sign out</button></form>",
            esc(user),
            esc(csrf)
        );
    }
    let _ = write!(o, "</header><main>{body}</main></body></html>");
    Html(o)
}

/// A sparkline of totals (oldest first) against the qualifying line, as inline SVG
/// with a text alternative.
#[must_use]
pub fn sparkline(points: &[(String, f64)], qualifying: f64, label: &str) -> String {
    let (w, h) = (260.0_f64, 60.0_f64);
    let max = points
        .iter()
        .map(|p| p.1)
        .fold(qualifying.max(100.0), f64::max);
    let y = |v: f64| h - 4.0 - (v / max) * (h - 8.0);
    let n = points.len();
    let x = |i: usize| {
        if n <= 1 {
            w / 2.0
        } else {
            4.0 + (i as f64) * (w - 8.0) / ((n - 1) as f64)
        }
    };
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.1)))
        .collect();
    let desc = match (points.first(), points.last()) {
        (Some(a), Some(b)) => format!(
            "{label}: {:.2} points in {} to {:.2} points in {}",
            a.1, a.0, b.1, b.0
        ),
        _ => format!("{label}: no history"),
    };
    let mut o = format!(
        "<svg role=\"img\" aria-label=\"{}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\
         <line x1=\"0\" x2=\"{w}\" y1=\"{q:.1}\" y2=\"{q:.1}\" stroke=\"#8a1c1c\" stroke-dasharray=\"4 3\"/>",
        esc(&desc),
        q = y(qualifying)
    );
    if n == 1 {
        let _ = write!(
            o,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#0f3a66\"/>",
            x(0),
            y(points[0].1)
        );
    } else if n > 1 {
        let _ = write!(
            o,
            "<polyline fill=\"none\" stroke=\"#0f3a66\" stroke-width=\"2\" points=\"{}\"/>",
            path.join(" ")
        );
    }
    o.push_str("</svg>");
    o
}

/// A horizontal bar of `value` out of `max` (text alternative included).
#[must_use]
pub fn bar(value: f64, max: f64, label: &str) -> String {
    let frac = if max > 0.0 {
        (value / max).clamp(0.0, 1.0)
    } else {
        0.0
    };
    format!(
        "<svg role=\"img\" aria-label=\"{}\" width=\"200\" height=\"12\" viewBox=\"0 0 200 12\">\
         <rect width=\"200\" height=\"12\" fill=\"#e3e6ea\"/><rect width=\"{:.1}\" height=\"12\" fill=\"#0f3a66\"/></svg>",
        esc(label),
        200.0 * frac
    )
}

/// A line chart of values by month (inline SVG): the first and last months under the
/// x axis, the lowest and highest values beside the y axis, and a dashed reference line
/// (a qualifying total, a target) when given. `label` (with `unit`) names it for
/// screen readers; the caller prints the values as a table beside it.
#[must_use]
pub fn line_chart(
    points: &[(String, f64)],
    reference: Option<f64>,
    label: &str,
    unit: &str,
) -> String {
    let (w, h, left, bottom) = (560.0_f64, 150.0_f64, 64.0_f64, 20.0_f64);
    let values = points.iter().map(|p| p.1).chain(reference);
    let lo = values.clone().fold(f64::INFINITY, f64::min).min(0.0);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let y = |v: f64| 6.0 + (hi - v) / (hi - lo) * (h - bottom - 12.0);
    let n = points.len();
    let x = |i: usize| {
        if n <= 1 {
            left + (w - left) / 2.0
        } else {
            left + 4.0 + (i as f64) * (w - left - 12.0) / ((n - 1) as f64)
        }
    };
    let desc = match (points.first(), points.last()) {
        (Some(a), Some(b)) => format!(
            "{label}: {:.2} {unit} in {} to {:.2} {unit} in {}",
            a.1, a.0, b.1, b.0
        ),
        _ => format!("{label}: no month stored"),
    };
    let mut o = format!(
        "<svg role=\"img\" aria-label=\"{}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" class=\"chart\">\
         <line x1=\"{left}\" x2=\"{left}\" y1=\"4\" y2=\"{ax:.1}\" stroke=\"#555\"/>\
         <line x1=\"{left}\" x2=\"{w}\" y1=\"{ax:.1}\" y2=\"{ax:.1}\" stroke=\"#555\"/>\
         <text x=\"{lx:.1}\" y=\"{yhi:.1}\" font-size=\"11\" text-anchor=\"end\">{hi:.2}</text>\
         <text x=\"{lx:.1}\" y=\"{ylo:.1}\" font-size=\"11\" text-anchor=\"end\">{lo:.2}</text>",
        esc(&desc),
        ax = y(lo),
        lx = left - 4.0,
        yhi = y(hi) + 4.0,
        ylo = y(lo),
    );
    if let Some(r) = reference {
        let _ = write!(
            o,
            "<line x1=\"{left}\" x2=\"{w}\" y1=\"{q:.1}\" y2=\"{q:.1}\" stroke=\"#8a1c1c\" stroke-dasharray=\"4 3\"/>",
            q = y(r)
        );
    }
    if let (Some(a), Some(b)) = (points.first(), points.last()) {
        let _ = write!(
            o,
            "<text x=\"{:.1}\" y=\"{h}\" font-size=\"11\">{}</text><text x=\"{:.1}\" y=\"{h}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            left,
            esc(&a.0),
            w - 2.0,
            esc(&b.0)
        );
    }
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.1)))
        .collect();
    if n > 1 {
        let _ = write!(
            o,
            "<polyline fill=\"none\" stroke=\"#0f3a66\" stroke-width=\"2\" points=\"{}\"/>",
            path.join(" ")
        );
    }
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            o,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"#0f3a66\"/>",
            x(i),
            y(p.1)
        );
    }
    o.push_str("</svg>");
    o
}
