//! A reform for people: per area and track the partners qualifying before and after,
//! who gains and who loses (names), a text histogram of the totals, and the same
//! distribution as an SVG chart.

use std::fmt::Write;

use capscore_catalog::Catalog;

use crate::reform::{AreaChange, Bin, PartnerRef, Reform};

/// Text from the data with control characters escaped, so a name cannot break the
/// layout or drive the terminal.
fn clean(s: &str) -> String {
    s.chars().flat_map(char::escape_debug).collect::<String>()
}

fn partner(p: &PartnerRef) -> String {
    match &p.name {
        Some(n) if !n.is_empty() => format!("{} ({})", clean(n), clean(&p.partner_id)),
        _ => clean(&p.partner_id),
    }
}

fn count(n: usize) -> String {
    format!("{n} {}", if n == 1 { "partner" } else { "partners" })
}

fn delta(before: usize, after: usize) -> String {
    match after.cmp(&before) {
        std::cmp::Ordering::Equal => "no change".to_string(),
        std::cmp::Ordering::Greater => format!("+{}", after - before),
        std::cmp::Ordering::Less => format!("-{}", before - after),
    }
}

fn names(o: &mut String, indent: &str, what: &str, ps: &[PartnerRef]) {
    if ps.is_empty() {
        return;
    }
    let _ = writeln!(o, "{indent}{what} ({}):", ps.len());
    for p in ps {
        let _ = writeln!(o, "{indent}  {}", partner(p));
    }
}

/// Width of the longest histogram bar, in characters.
const BAR: usize = 30;

fn histogram(o: &mut String, bins: &[Bin]) {
    let top = bins
        .iter()
        .map(|b| b.before.max(b.after))
        .max()
        .unwrap_or(0)
        .max(1);
    let bar = |n: usize, c: char| c.to_string().repeat((n * BAR).div_ceil(top));
    let _ = writeln!(
        o,
        "    totals (points)   before{}after",
        " ".repeat(BAR + 2)
    );
    for b in bins {
        let range = format!("{:.2}-{:.2}", b.from, b.to);
        let line = format!(
            "    {range:<16}{:>6} {:<w$} {:>6} {}",
            b.before,
            bar(b.before, '#'),
            b.after,
            bar(b.after, '='),
            w = BAR
        );
        let _ = writeln!(o, "{}", line.trim_end());
    }
}

/// The reform as text.
#[must_use]
pub fn text(r: &Reform, catalog: &Catalog) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Reform \"{}\" for {} ({} scored)",
        clean(&r.overlay),
        r.month,
        count(r.partners)
    );
    if let Some(d) = &r.description {
        let _ = writeln!(o, "{}", clean(d));
    }
    let _ = writeln!(
        o,
        "rules before: catalog {}; after: catalog {} with the overlay",
        r.catalog_before, r.catalog_after
    );
    for a in &r.areas {
        area(&mut o, catalog, a);
    }
    if r.changes_nothing() {
        let _ = writeln!(o, "\nNo partner's total or qualification changes.");
    }
    o
}

fn area(o: &mut String, catalog: &Catalog, a: &AreaChange) {
    let _ = writeln!(
        o,
        "\n{}: {} qualify before, {} after ({})",
        catalog.area_name(&a.area),
        a.qualified_before,
        a.qualified_after,
        delta(a.qualified_before, a.qualified_after)
    );
    let def = catalog.area_def(&a.area);
    for t in &a.tracks {
        let name = def.map_or(t.track.as_str(), |d| d.track_name(&t.track));
        let _ = writeln!(
            o,
            "  {name} track: {} qualify before, {} after ({})",
            t.qualified_before,
            t.qualified_after,
            delta(t.qualified_before, t.qualified_after)
        );
        names(o, "    ", "gain the track", &t.gained);
        names(o, "    ", "lose the track", &t.lost);
    }
    names(o, "  ", "gain the designation", &a.gained);
    names(o, "  ", "lose the designation", &a.lost);
    if a.totals_changed == 0 {
        let _ = writeln!(o, "  no total changes");
    } else {
        let _ = writeln!(o, "  totals changed for {}", count(a.totals_changed));
        histogram(o, &a.totals);
    }
}

fn xml(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The distribution of totals per area, before (grey) and after (blue), as an SVG
/// document: one panel per area, a pair of bars per bin.
#[must_use]
pub fn svg(r: &Reform, catalog: &Catalog) -> String {
    let (width, panel, left, top_pad) = (760.0_f64, 190.0_f64, 60.0_f64, 50.0_f64);
    let plot_w = width - left - 20.0;
    let plot_h = panel - 70.0;
    let height = top_pad + panel * r.areas.len() as f64 + 10.0;
    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(
        o,
        r#"<text x="{left}" y="20" font-size="14">Totals before and after "{}", {}</text>"#,
        xml(&r.overlay),
        r.month
    );
    let _ = writeln!(
        o,
        r##"<rect x="{left}" y="30" width="10" height="10" fill="#9e9e9e"/><text x="{}" y="39">before</text><rect x="{}" y="30" width="10" height="10" fill="#1f77b4"/><text x="{}" y="39">after</text>"##,
        left + 14.0,
        left + 70.0,
        left + 84.0
    );
    for (i, a) in r.areas.iter().enumerate() {
        let y0 = top_pad + panel * i as f64;
        let base = y0 + 20.0 + plot_h;
        let _ = writeln!(
            o,
            r#"<text x="{left}" y="{}" font-size="12">{}: {} qualify before, {} after</text>"#,
            y0 + 12.0,
            xml(catalog.area_name(&a.area)),
            a.qualified_before,
            a.qualified_after
        );
        let _ = writeln!(
            o,
            r##"<line x1="{left}" y1="{base}" x2="{}" y2="{base}" stroke="#333"/>"##,
            left + plot_w
        );
        let top = a
            .totals
            .iter()
            .map(|b| b.before.max(b.after))
            .max()
            .unwrap_or(0)
            .max(1);
        let _ = writeln!(
            o,
            r#"<text x="{}" y="{}" text-anchor="end">{top}</text><text x="{}" y="{base}" text-anchor="end">0</text>"#,
            left - 4.0,
            y0 + 24.0,
            left - 4.0
        );
        let n = a.totals.len().max(1) as f64;
        let slot = plot_w / n;
        for (j, b) in a.totals.iter().enumerate() {
            let x = left + slot * j as f64;
            let bar_w = slot * 0.4;
            for (k, (v, color)) in [(b.before, "#9e9e9e"), (b.after, "#1f77b4")]
                .into_iter()
                .enumerate()
            {
                let h = plot_h * v as f64 / top as f64;
                let _ = writeln!(
                    o,
                    r#"<rect x="{:.1}" y="{:.1}" width="{bar_w:.1}" height="{h:.1}" fill="{color}"><title>{:.2}-{:.2} points: {v} partners</title></rect>"#,
                    x + slot * 0.1 + bar_w * k as f64,
                    base - h,
                    b.from,
                    b.to
                );
            }
            let _ = writeln!(
                o,
                r#"<text x="{:.1}" y="{}" text-anchor="middle">{:.0}</text>"#,
                x,
                base + 14.0,
                b.from
            );
        }
        if let Some(last) = a.totals.last() {
            let _ = writeln!(
                o,
                r#"<text x="{:.1}" y="{}" text-anchor="middle">{:.0}</text><text x="{:.1}" y="{}" text-anchor="middle">points</text>"#,
                left + plot_w,
                base + 14.0,
                last.to,
                left + plot_w / 2.0,
                base + 28.0
            );
        }
    }
    o.push_str("</svg>\n");
    o
}
