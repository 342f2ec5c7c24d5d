//! Pages of a metric's explanation and of customer eligibility.

use std::fmt::Write;

use axum::extract::{Path, Query, State};
use axum::response::Html;
use capscore_core::format_num;
use serde::Deserialize;

use crate::auth::PageCaller;
use crate::error::PageError;
use crate::explain;
use crate::html::{esc, page, url};
use crate::state::Shared;

/// Query of the explanation page.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ExplainQuery {
    /// `YYYY-MM` (default: the latest month).
    pub month: Option<String>,
    /// Track id (default: the counting track).
    pub track: Option<String>,
    /// Page of contributions and exclusions (from 1).
    pub page: Option<usize>,
}

fn entry_row(e: &capscore_engine::explain::Entry, with_amount: bool) -> String {
    let who = [
        e.tenant.as_deref().map(|t| match &e.tenant_name {
            Some(n) => format!("{t} ({n})"),
            None => t.to_string(),
        }),
        e.workload.clone(),
        e.subscription.clone(),
        e.service.clone(),
        e.person.clone(),
        e.certification.as_ref().map(|c| c.name_on_date.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let what = if with_amount {
        e.amount_exact
            .as_ref()
            .map_or_else(String::new, |a| format_num(a, true))
    } else {
        e.reason
            .map_or_else(String::new, |r| r.describe().to_string())
    };
    let sources = e
        .sources
        .iter()
        .map(|s| format!("{} line {}", s.table, s.line))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "<tr><td>{}</td><td{}>{}</td><td>{}</td><td>{}</td></tr>",
        esc(&who),
        if with_amount { " class=\"num\"" } else { "" },
        esc(&what),
        esc(&e.summary()),
        esc(&sources)
    )
}

/// `GET /w/{ws}/p/{partner}/a/{area}/m/{metric}`.
pub async fn metric(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path((ws, pid, area, metric)): Path<(i64, String, String, String)>,
    Query(q): Query<ExplainQuery>,
) -> Result<Html<String>, PageError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let d = explain::metric(
        &state,
        &c,
        &cur,
        &pid,
        &area,
        &metric,
        q.track.as_deref(),
        q.month.as_deref(),
        q.page,
    )
    .await?;
    let def = state.catalog.area_def(&area);
    let mname = def
        .and_then(|a| a.metric(&metric))
        .map_or_else(|| metric.clone(), |m| m.name.clone());
    let aname = def.map_or_else(|| area.clone(), |a| a.name.clone());
    let name = d.name.clone().unwrap_or_else(|| d.partner_id.clone());
    let m = &d.explanation;
    let base = format!("/w/{ws}/p/{}/a/{}", url(&d.partner_id), url(&area));
    let mut b = format!(
        "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Workspaces</a> › <a href=\"/w/{ws}\">{}</a> › <a href=\"/w/{ws}/p/{}\">{}</a> › <a href=\"{base}?month={}\">{}</a></nav>",
        esc(&cur.workspace.name),
        url(&d.partner_id),
        esc(&name),
        esc(&d.month),
        esc(&aname)
    );
    let _ = write!(
        b,
        "<h1>{} — why it is {}</h1><p>{}{}: {} of {} points; rule {} ({})</p>\
         <p><a href=\"/api/workspaces/{ws}/partners/{}/areas/{}/metrics/{}?month={}&amp;track={}&amp;format=csv\">Every entry as CSV</a></p>",
        esc(&mname),
        esc(&format_num(&m.value, true)),
        esc(&d.month),
        d.track.as_deref().map_or(String::new(), |t| format!(
            ", {} track",
            esc(def.map_or(t, |a| a.track_name(t)))
        )),
        esc(&format_num(&m.points, false)),
        esc(&format_num(&m.max_points, true)),
        esc(&m.rule.id),
        esc(&m.rule.reference),
        url(&d.partner_id),
        url(&area),
        url(&metric),
        esc(&d.month),
        url(d.track.as_deref().unwrap_or(""))
    );
    if d.tracks.len() > 1 {
        b.push_str("<p>Tracks: ");
        for t in d.tracks.iter().flatten() {
            let _ = write!(
                b,
                "<a href=\"{base}/m/{}?month={}&track={}\">{}</a> ",
                url(&metric),
                esc(&d.month),
                url(t),
                esc(def.map_or(t.as_str(), |a| a.track_name(t)))
            );
        }
        b.push_str("</p>");
    }
    for n in &m.notes {
        let _ = write!(b, "<p class=\"muted\">{}</p>", esc(n));
    }
    for o in &m.options {
        let _ = write!(
            b,
            "<section class=\"card\"><h2>{}{}</h2><p>Value {} against a target of {}: {} points</p>",
            esc(o.option.as_deref().unwrap_or("Value")),
            if o.chosen { " (winning)" } else { "" },
            esc(&format_num(&o.value_exact, true)),
            esc(&format_num(&o.target, true)),
            esc(&format_num(&o.points, false))
        );
        for (title, entries, amount) in [
            ("Contributions", &o.contributions, true),
            ("Not counted", &o.excluded, false),
        ] {
            if entries.is_empty() {
                continue;
            }
            let _ = write!(
                b,
                "<h3>{title}</h3><table><thead><tr><th scope=\"col\">Customer or person</th><th scope=\"col\">{}</th><th scope=\"col\">Details</th><th scope=\"col\">Source rows</th></tr></thead><tbody>",
                if amount { "Adds" } else { "Why not" }
            );
            for e in entries {
                b.push_str(&entry_row(e, amount));
            }
            b.push_str("</tbody></table>");
        }
        b.push_str("</section>");
    }
    if d.pages > 1 {
        let _ = write!(
            b,
            "<nav aria-label=\"Pages\"><p>Page {} of {}: ",
            d.page, d.pages
        );
        let link = |p: usize| {
            format!(
                "{base}/m/{}?month={}&track={}&page={p}",
                url(&metric),
                esc(&d.month),
                url(d.track.as_deref().unwrap_or(""))
            )
        };
        if d.page > 1 {
            let _ = write!(b, "<a href=\"{}\">Previous</a> ", link(d.page - 1));
        }
        if d.page < d.pages {
            let _ = write!(b, "<a href=\"{}\">Next</a>", link(d.page + 1));
        }
        b.push_str("</p></nav>");
    }
    Ok(page(
        &mname,
        Some((&c.user.username, c.csrf.as_deref().unwrap_or(""))),
        &b,
    ))
}

/// Query of the customer lookup.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct CustomerQuery {
    /// `YYYY-MM` (default: the latest month).
    pub month: Option<String>,
    /// Tenant id or name, or part of it.
    pub q: Option<String>,
}

/// `GET /w/{ws}/p/{partner}/customers`.
pub async fn customers(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path((ws, pid)): Path<(i64, String)>,
    Query(q): Query<CustomerQuery>,
) -> Result<Html<String>, PageError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let e = explain::customer_lookup(&state, &c, &cur, &pid, q.month.as_deref(), q.q.as_deref())
        .await?;
    let name = e.name.clone().unwrap_or_else(|| e.partner_id.clone());
    let mut b = format!(
        "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Workspaces</a> › <a href=\"/w/{ws}\">{}</a> › <a href=\"/w/{ws}/p/{}\">{}</a></nav>\
         <h1>Customers of {} — {}</h1>\
         <form method=\"get\" role=\"search\"><input type=\"hidden\" name=\"month\" value=\"{}\">\
         <label for=\"cq\">Tenant id or name</label><input id=\"cq\" name=\"q\" value=\"{}\"> <button type=\"submit\">Search</button></form>\
         <p>{} tenants</p><p><a href=\"/api/workspaces/{ws}/partners/{}/customers?month={}&amp;q={}&amp;format=csv\">Download as CSV</a></p>",
        esc(&cur.workspace.name),
        url(&e.partner_id),
        esc(&name),
        esc(&name),
        esc(&e.month.to_string()),
        esc(&e.month.to_string()),
        esc(q.q.as_deref().unwrap_or("")),
        e.tenants.len(),
        url(&e.partner_id),
        e.month,
        url(q.q.as_deref().unwrap_or(""))
    );
    for t in e.tenants.iter().take(100) {
        let _ = write!(
            b,
            "<section class=\"card\"><h2>{}{}</h2><table><thead><tr><th scope=\"col\">Area</th><th scope=\"col\">Metric</th><th scope=\"col\">Option</th><th scope=\"col\">Counts</th><th scope=\"col\">Adds</th><th scope=\"col\">Why not</th></tr></thead><tbody>",
            esc(&t.tenant),
            t.tenant_name
                .as_deref()
                .map_or(String::new(), |n| format!(" — {}", esc(n)))
        );
        for l in &t.lines {
            let def = state.catalog.area_def(&l.area);
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(def.map_or(l.area.as_str(), |a| a.name.as_str())),
                esc(def
                    .and_then(|a| a.metric(&l.metric))
                    .map_or(l.metric.as_str(), |m| m.name.as_str())),
                esc(l.option.as_deref().unwrap_or("")),
                if l.chosen { " (winning)" } else { "" },
                if l.counts { "yes" } else { "no" },
                esc(&format_num(&l.amount_exact, true)),
                esc(&l
                    .reasons
                    .iter()
                    .map(|r| r.describe())
                    .collect::<Vec<_>>()
                    .join("; "))
            );
        }
        b.push_str("</tbody></table></section>");
    }
    if e.tenants.len() > 100 {
        b.push_str("<p>Only the first 100 tenants are shown: narrow the search.</p>");
    }
    Ok(page(
        &format!("Customers of {name}"),
        Some((&c.user.username, c.csrf.as_deref().unwrap_or(""))),
        &b,
    ))
}

/// `GET /w/{ws}/p/{partner}/skilling`: people and certifications.
pub async fn skilling(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path((ws, pid)): Path<(i64, String)>,
    Query(q): Query<crate::pages::MonthQuery>,
) -> Result<Html<String>, PageError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let e = explain::skilling_of(&state, &c, &cur, &pid, q.month.as_deref()).await?;
    let name = e.name.clone().unwrap_or_else(|| e.partner_id.clone());
    let mut b = format!(
        "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Workspaces</a> › <a href=\"/w/{ws}\">{}</a> › <a href=\"/w/{ws}/p/{}\">{}</a></nav>\
         <h1>Skilling of {} — {}</h1><p>{} people</p><p><a href=\"/api/workspaces/{ws}/partners/{}/skilling?month={}&amp;format=csv\">Download as CSV</a></p>",
        esc(&cur.workspace.name),
        url(&e.partner_id),
        esc(&name),
        esc(&name),
        esc(&e.month.to_string()),
        e.people.len(),
        url(&e.partner_id),
        e.month
    );
    for p in &e.people {
        let _ = write!(b, "<section class=\"card\"><h2>{}</h2><ul>", esc(&p.person));
        for cert in &p.certifications {
            let _ = write!(
                b,
                "<li>{} — earned {}{}{}</li>",
                esc(&cert.name),
                esc(&cert.earned),
                cert.expires
                    .as_deref()
                    .map_or(String::new(), |x| format!(", expires {}", esc(x))),
                if cert.expiring_soon {
                    " <strong>(expiring soon)</strong>"
                } else {
                    ""
                }
            );
        }
        b.push_str("</ul><table><thead><tr><th scope=\"col\">Area</th><th scope=\"col\">Metric</th><th scope=\"col\">Counts</th><th scope=\"col\">Why not</th></tr></thead><tbody>");
        for l in &p.lines {
            let def = state.catalog.area_def(&l.area);
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(def.map_or(l.area.as_str(), |a| a.name.as_str())),
                esc(def
                    .and_then(|a| a.metric(&l.metric))
                    .map_or(l.metric.as_str(), |m| m.name.as_str())),
                if l.counts { "yes" } else { "no" },
                esc(l.reason.map_or("", |r| r.describe()))
            );
        }
        b.push_str("</tbody></table></section>");
    }
    Ok(page(
        &format!("Skilling of {name}"),
        Some((&c.user.username, c.csrf.as_deref().unwrap_or(""))),
        &b,
    ))
}
