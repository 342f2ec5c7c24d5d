//! The import pages: the upload form (capscore tables or Partner Center downloads) and
//! the import history with each import's report (the importer's report for Partner
//! Center downloads, and the areas without data in a month).

use std::fmt::Write;

use axum::extract::{Multipart, Path, State};
use axum::response::{Html, Redirect};

use crate::auth::PageCaller;
use crate::error::{AppError, PageError};
use crate::html::{esc, page};
use crate::pages::{crumbs, who};
use crate::state::Shared;
use crate::upload;

/// `GET /w/{ws}/import`: the upload form.
pub async fn import_form(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path(ws): Path<i64>,
) -> Result<Html<String>, PageError> {
    c.workspace(ws)?;
    if !c.can_import(ws) {
        return Err(
            AppError::Forbidden("your role cannot import into this workspace".into()).into(),
        );
    }
    let w = state
        .store
        .workspace(ws)
        .await?
        .ok_or_else(|| AppError::NotFound("workspace".to_string()))?;
    let b = format!(
        "{}<h1>Import into {}</h1><p>Upload either the capscore tables (<code>partners.csv</code>, <code>m365_usage.parquet</code>, …) \
         or the files downloaded from Partner Center (Insights and Solutions Partner downloads: each file's kind is recognised by its columns). \
         They are checked first; if any has a problem nothing is imported and the current data keeps serving. \
         Every area of every month the data answers for is scored; an area without data in a month is shown as such.</p>\
         <form method=\"post\" action=\"/w/{ws}/import\" enctype=\"multipart/form-data\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <fieldset><legend>What the files are</legend>\
         <p><input type=\"radio\" id=\"kind-tables\" name=\"kind\" value=\"tables\" checked> <label for=\"kind-tables\">capscore tables</label></p>\
         <p><input type=\"radio\" id=\"kind-pc\" name=\"kind\" value=\"partner_center\"> <label for=\"kind-pc\">Partner Center downloads</label></p></fieldset>\
         <p><label for=\"files\">Files</label><input id=\"files\" name=\"files\" type=\"file\" multiple required></p>\
         <details><summary>Partner Center options</summary>\
         <p><label for=\"partner_global_id\">Global account (PGA) whose data this is (optional)</label><input id=\"partner_global_id\" name=\"partner_global_id\"></p>\
         <p><label for=\"date_order\">Slashed dates such as 01/06/2024</label><select id=\"date_order\" name=\"date_order\">\
         <option value=\"\">found from each file's values</option><option value=\"dmy\">day/month/year</option><option value=\"mdy\">month/day/year</option></select></p></details>\
         <p><button type=\"submit\">Import</button></p></form>",
        crumbs(ws, &w.name, None),
        esc(&w.name),
        esc(c.csrf.as_deref().unwrap_or(""))
    );
    Ok(page("Import", Some(who(&c)), &b))
}

/// `POST /w/{ws}/import` (multipart: `csrf`, `kind`, `files`, and for Partner Center
/// `partner_global_id`, `date_order`).
pub async fn import_post(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path(ws): Path<i64>,
    multipart: Multipart,
) -> Result<Redirect, PageError> {
    c.workspace(ws)?;
    let up = upload::read(multipart).await?;
    c.check_csrf(up.csrf.as_deref())?;
    if !c.can_import(ws) {
        return Err(
            AppError::Forbidden("your role cannot import into this workspace".into()).into(),
        );
    }
    let row = crate::import::import_upload(&state, ws, c.user.id, up.import).await?;
    crate::flags::warm(&state, ws);
    Ok(Redirect::to(&format!("/w/{ws}/imports#import-{}", row.id)))
}

/// The months where some area has no data, in words.
fn without_data(state: &Shared, report: &serde_json::Value) -> String {
    let Some(map) = report["areas_without_data"].as_object() else {
        return String::new();
    };
    let mut b = String::from(
        "<p>No data for these areas in these months (not scored, the other areas are):</p><ul>",
    );
    for (month, areas) in map {
        let names: Vec<String> = areas
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .map(|id| crate::whatif::area_name(state, id))
                    .collect()
            })
            .unwrap_or_default();
        let _ = write!(b, "<li>{}: {}</li>", esc(month), esc(&names.join(", ")));
    }
    b.push_str("</ul>");
    b
}

/// `GET /w/{ws}/imports`: import history with each report.
pub async fn imports(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path(ws): Path<i64>,
) -> Result<Html<String>, PageError> {
    c.workspace(ws)?;
    if !c.sees_all(ws) {
        return Err(AppError::Forbidden(
            "the import history is for users granted every partner of the workspace".into(),
        )
        .into());
    }
    let w = state
        .store
        .workspace(ws)
        .await?
        .ok_or_else(|| AppError::NotFound("workspace".to_string()))?;
    let mut b = format!(
        "{}<h1>Imports of {}</h1>",
        crumbs(ws, &w.name, None),
        esc(&w.name)
    );
    let list = state.store.imports(ws).await?;
    if list.is_empty() {
        b.push_str("<p>No import yet.</p>");
    }
    for i in list {
        let report: serde_json::Value = serde_json::from_str(&i.report).unwrap_or_default();
        let files = report["files"].as_array().map_or(String::new(), |f| {
            f.iter()
                .map(|e| {
                    format!(
                        "{} ({} bytes)",
                        e["name"].as_str().unwrap_or(""),
                        e["bytes"]
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        });
        let warnings = report["warnings"].as_array().map_or(0, Vec::len);
        let kind = if i.kind == "partner_center" {
            "Partner Center downloads"
        } else {
            "capscore tables"
        };
        let _ = write!(
            b,
            "<section class=\"card\" id=\"import-{id}\"><h2>Version {id}{serving}</h2>\
             <p>{when} by {by}: {kind}</p><p>Files: {files}</p><p>Partners: {partners}; months scored: {months}</p>{without}<p>Warnings: {warnings}</p>",
            id = i.id,
            serving = if w.current_import == Some(i.id) {
                " (serving)"
            } else {
                ""
            },
            when = esc(&chrono::DateTime::from_timestamp(i.created_at, 0)
                .map_or(String::new(), |t| t
                    .format("%Y-%m-%d %H:%M UTC")
                    .to_string())),
            by = esc(&i.created_by),
            files = esc(&files),
            partners = report["partners"],
            months = esc(&i.months.replace(',', ", ")),
            without = without_data(&state, &report),
        );
        if let Some(text) = report["importer_text"].as_str() {
            let _ = write!(
                b,
                "<details><summary>The importer's report</summary><pre class=\"report\">{}</pre></details>",
                esc(text)
            );
        }
        b.push_str("</section>");
    }
    Ok(page("Imports", Some(who(&c)), &b))
}
