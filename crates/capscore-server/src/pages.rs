//! The HTML pages: sign-in, workspaces, portfolio, partner overview, area detail
//! (imports: `import_pages.rs`). Every page checks the caller's access before reading anything.

use std::fmt::Write;
use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use capscore_core::{Num, format_amount, format_grouped, format_num};
use serde::Deserialize;

use crate::auth::{Caller, LOGIN_COOKIE, PageCaller, SESSION_COOKIE, cookie, same, set_cookie};
use crate::csv_out;
use crate::error::{AppError, PageError};
use crate::html::{bar, esc, page, sparkline, url};
use crate::state::Shared;
use crate::views::{self, PortfolioQuery};

/// How long a session lasts (seconds).
const SESSION_TTL: i64 = 8 * 60 * 60;

pub(crate) fn who(c: &Caller) -> (&str, &str) {
    (c.user.username.as_str(), c.csrf.as_deref().unwrap_or(""))
}

fn login_form(csrf: &str, message: Option<&str>) -> String {
    format!(
        "<h1>Sign in</h1>{}<form method=\"post\" action=\"/login\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <p><label for=\"username\">User name</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required></p>\
         <p><label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>\
         <p><button type=\"submit\">Sign in</button></p></form>",
        message.map_or(String::new(), |m| format!(
            "<p class=\"err\" role=\"alert\">{}</p>",
            esc(m)
        )),
        esc(csrf)
    )
}

fn login_page(state: &Shared, status: axum::http::StatusCode, message: Option<&str>) -> Response {
    let token = capscore_store::random_token(16).unwrap_or_default();
    let mut resp = (status, page("Sign in", None, &login_form(&token, message))).into_response();
    if let Ok(v) = HeaderValue::from_str(&set_cookie(
        LOGIN_COOKIE,
        &token,
        3600,
        state.secure_cookies,
    )) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// `GET /login`.
pub async fn login_get(State(state): State<Shared>) -> Response {
    login_page(&state, axum::http::StatusCode::OK, None)
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
}

/// `POST /login`: checks the form's CSRF token against its cookie, the rate limit,
/// then the password; opens a session.
pub async fn login_post(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    if !cookie(&headers, LOGIN_COOKIE).is_some_and(|c| same(c, &form.csrf)) {
        return Err(AppError::Csrf.into());
    }
    let ip = Some(addr.ip());
    let allowed = state
        .limiter
        .lock()
        .map_err(|_| AppError::Internal("limiter poisoned".into()))?
        .allowed(&form.username, ip);
    if !allowed {
        tracing::warn!(user = %form.username, ip = %addr.ip(), "sign-in refused: rate limited");
        return Ok(login_page(
            &state,
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            Some(&AppError::RateLimited.to_string()),
        ));
    }
    let user = state
        .store
        .check_login(&form.username, &form.password)
        .await?;
    let signed_in = {
        let mut limiter = state
            .limiter
            .lock()
            .map_err(|_| AppError::Internal("limiter poisoned".into()))?;
        match &user {
            Some(_) => limiter.succeeded(&form.username),
            None => limiter.failed(&form.username, ip),
        }
        user
    };
    let Some(user) = signed_in else {
        tracing::info!(user = %form.username, "sign-in failed");
        return Ok(login_page(
            &state,
            axum::http::StatusCode::UNAUTHORIZED,
            Some("Wrong user name or password."),
        ));
    };
    let (sid, _) = state.store.create_session(user.id, SESSION_TTL).await?;
    tracing::info!(user = %user.username, "signed in");
    let mut resp = Redirect::to("/").into_response();
    for c in [
        set_cookie(SESSION_COOKIE, &sid, SESSION_TTL, state.secure_cookies),
        set_cookie(LOGIN_COOKIE, "", 0, state.secure_cookies),
    ] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

/// A form that carries only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    c.check_csrf(Some(&form.csrf))?;
    if let Some(sid) = cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(sid).await?;
    }
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&set_cookie(SESSION_COOKIE, "", 0, state.secure_cookies)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// `GET /`: the workspaces the caller sees; an admin also gets the form to create one.
pub async fn home(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
) -> Result<Html<String>, PageError> {
    let mut b = String::from("<h1>Workspaces</h1>");
    let list: Vec<_> = state
        .store
        .workspaces()
        .await?
        .into_iter()
        .filter(|w| c.sees_workspace(w.id))
        .collect();
    if list.is_empty() {
        b.push_str("<p>No workspace is shared with you yet.</p>");
    } else {
        b.push_str("<ul>");
        for w in &list {
            let _ = write!(
                b,
                "<li><a href=\"/w/{}\">{}</a>{}</li>",
                w.id,
                esc(&w.name),
                if w.current_import.is_none() {
                    " <span class=\"muted\">(no data yet)</span>"
                } else {
                    ""
                }
            );
        }
        b.push_str("</ul>");
    }
    if c.admin().is_ok() {
        let _ = write!(
            b,
            "<p><a href=\"/admin/users\">Users, grants and API tokens</a></p><h2>New workspace</h2><form method=\"post\" action=\"/workspaces\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <label for=\"wsname\">Name</label><input id=\"wsname\" name=\"name\" required> \
             <button type=\"submit\">Create</button></form>",
            esc(c.csrf.as_deref().unwrap_or(""))
        );
    }
    Ok(page("Workspaces", Some(who(&c)), &b))
}

/// The new-workspace form.
#[derive(Debug, Deserialize)]
pub struct NewWorkspaceForm {
    csrf: String,
    name: String,
}

/// `POST /workspaces` (admin).
pub async fn create_workspace(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Form(form): Form<NewWorkspaceForm>,
) -> Result<Redirect, PageError> {
    c.check_csrf(Some(&form.csrf))?;
    c.admin()?;
    let ws = state.store.create_workspace(&form.name).await?;
    Ok(Redirect::to(&format!("/w/{}", ws.id)))
}

pub(crate) fn crumbs(ws: i64, ws_name: &str, partner: Option<(&str, &str)>) -> String {
    let mut o = format!(
        "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Workspaces</a> › <a href=\"/w/{ws}\">{}</a>",
        esc(ws_name)
    );
    if let Some((id, name)) = partner {
        let _ = write!(o, " › <a href=\"/w/{ws}/p/{}\">{}</a>", url(id), esc(name));
    }
    o.push_str("</nav>");
    o
}

fn month_select(months: &[String], chosen: &str) -> String {
    let mut o =
        String::from("<label for=\"month\">Month</label><select id=\"month\" name=\"month\">");
    for m in months.iter().rev() {
        let _ = write!(
            o,
            "<option{}>{}</option>",
            if m == chosen { " selected" } else { "" },
            esc(m)
        );
    }
    o.push_str("</select>");
    o
}

/// `GET /w/{ws}`: the portfolio.
pub async fn portfolio(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path(ws): Path<i64>,
    Query(q): Query<PortfolioQuery>,
) -> Result<Response, PageError> {
    c.workspace(ws)?;
    let cur = match state.current(ws).await {
        Ok(cur) => cur,
        Err(AppError::Unprocessable(m)) => {
            let mut b = format!(
                "{}<h1>Portfolio</h1><p>{}</p>",
                crumbs(ws, "workspace", None),
                esc(&m)
            );
            if c.can_import(ws) {
                let _ = write!(b, "<p><a href=\"/w/{ws}/import\">Import data</a></p>");
            }
            return Ok(page("Portfolio", Some(who(&c)), &b).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let p = views::portfolio(&state, &c, &cur, &q).await?;
    let mut b = crumbs(ws, &p.workspace, None);
    let _ = write!(
        b,
        "<h1>Portfolio of {} — {}</h1>",
        esc(&p.workspace),
        esc(&p.month)
    );
    let _ = write!(
        b,
        "<form method=\"get\" action=\"/w/{ws}\" aria-label=\"Filter partners\">{} \
         <label for=\"q\">Partner</label><input id=\"q\" name=\"q\" value=\"{}\"> \
         <label for=\"within\">Within points of {}</label><input id=\"within\" name=\"within\" type=\"number\" min=\"0\" step=\"any\" size=\"4\" value=\"{}\"> \
         <input id=\"renewal_due\" name=\"renewal_due\" type=\"checkbox\" value=\"true\"{}> <label for=\"renewal_due\">Renewal due in {} days</label> \
         <input id=\"loses_points\" name=\"loses_points\" type=\"checkbox\" value=\"true\"{}> <label for=\"loses_points\">Loses points next month</label> \
         <label for=\"date\">on</label><input id=\"date\" name=\"date\" type=\"date\" value=\"{}\"> \
         <label for=\"sort\">Sort by</label><select id=\"sort\" name=\"sort\"><option value=\"partner\">Partner id</option><option value=\"name\"{}>Name</option>",
        month_select(&p.months, &p.month),
        esc(q.q.as_deref().unwrap_or("")),
        p.qualifying_total,
        q.within.map_or(String::new(), |w| w.to_string()),
        if q.renewal_due == Some(true) {
            " checked"
        } else {
            ""
        },
        p.renewal_window_days,
        if q.loses_points == Some(true) {
            " checked"
        } else {
            ""
        },
        esc(&p.date),
        if q.sort.as_deref() == Some("name") {
            " selected"
        } else {
            ""
        }
    );
    for a in &p.areas {
        let _ = write!(
            b,
            "<option value=\"{}\"{}>{}</option>",
            esc(&a.id),
            if q.sort.as_deref() == Some(a.id.as_str()) {
                " selected"
            } else {
                ""
            },
            esc(&a.name)
        );
    }
    let _ = write!(
        b,
        "</select> <button type=\"submit\">Show</button></form>\
         <p><a href=\"/w/{ws}/portfolio.csv?{}\">Download as CSV</a> · <a href=\"/w/{ws}/imports\">Import history</a>{}</p>",
        portfolio_query(&q),
        if c.can_import(ws) {
            format!(" · <a href=\"/w/{ws}/import\">Import data</a>")
        } else {
            String::new()
        }
    );
    let _ = write!(
        b,
        "<table><caption class=\"muted\">{} partners; points out of 100, {} to qualify</caption><thead><tr><th scope=\"col\">Partner</th><th scope=\"col\">Name</th>",
        p.partners.len(),
        p.qualifying_total
    );
    for a in &p.areas {
        let _ = write!(b, "<th scope=\"col\">{}</th>", esc(&a.name));
    }
    b.push_str("</tr></thead><tbody>");
    for r in &p.partners {
        let _ = write!(
            b,
            "<tr><th scope=\"row\"><a href=\"/w/{ws}/p/{}?month={}\">{}</a></th><td>{}</td>",
            url(&r.partner_id),
            esc(&p.month),
            esc(&r.partner_id),
            esc(r.name.as_deref().unwrap_or(""))
        );
        for a in &p.areas {
            match r.areas.iter().find(|c| c.area == a.id) {
                Some(cell) => {
                    let _ = write!(
                        b,
                        "<td class=\"num\"><span class=\"{}\">{:.2} {}</span>{}{}</td>",
                        if cell.qualified { "q" } else { "nq" },
                        cell.total,
                        if cell.qualified {
                            "qualified"
                        } else {
                            "not qualified"
                        },
                        match (cell.loses_points, cell.next_total) {
                            (Some(true), Some(n)) =>
                                format!("<br><span class=\"nq\">{n:.2} next month</span>"),
                            _ => String::new(),
                        },
                        match (cell.renewal_due, &cell.anniversary_date) {
                            (Some(true), Some(a)) => format!(
                                "<br><span class=\"muted\">renewal due, anniversary {}</span>",
                                esc(a)
                            ),
                            _ => String::new(),
                        }
                    );
                }
                None => b.push_str("<td class=\"muted\">no data</td>"),
            }
        }
        b.push_str("</tr>");
    }
    b.push_str("</tbody></table>");
    Ok(page("Portfolio", Some(who(&c)), &b).into_response())
}

fn portfolio_query(q: &PortfolioQuery) -> String {
    let mut parts = Vec::new();
    if let Some(m) = &q.month {
        parts.push(format!("month={}", url(m)));
    }
    if let Some(w) = q.within {
        parts.push(format!("within={w}"));
    }
    if let Some(t) = &q.q {
        parts.push(format!("q={}", url(t)));
    }
    if let Some(s) = &q.sort {
        parts.push(format!("sort={}", url(s)));
    }
    if q.renewal_due == Some(true) {
        parts.push("renewal_due=true".to_string());
    }
    if q.loses_points == Some(true) {
        parts.push("loses_points=true".to_string());
    }
    if let Some(d) = q.date.as_deref().filter(|d| !d.is_empty()) {
        parts.push(format!("date={}", url(d)));
    }
    parts.join("&")
}

/// `GET /w/{ws}/portfolio.csv`.
pub async fn portfolio_csv(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path(ws): Path<i64>,
    Query(q): Query<PortfolioQuery>,
) -> Result<Response, PageError> {
    c.workspace(ws)?;
    let cur = state.current(ws).await?;
    let p = views::portfolio(&state, &c, &cur, &q).await?;
    Ok(csv_out::portfolio(&p)?)
}

/// A month asked in the query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MonthQuery {
    /// `YYYY-MM` (default: the latest month).
    pub month: Option<String>,
}

/// `GET /w/{ws}/p/{partner}`: the partner overview.
pub async fn partner(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path((ws, pid)): Path<(i64, String)>,
    Query(q): Query<MonthQuery>,
) -> Result<Html<String>, PageError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let o = views::partner(&state, &c, &cur, &pid, q.month.as_deref()).await?;
    let name = o.name.clone().unwrap_or_else(|| o.partner_id.clone());
    let mut b = crumbs(ws, &cur.workspace.name, None);
    let _ = write!(
        b,
        "<h1>{} <span class=\"muted\">({})</span></h1>\
         <form method=\"get\" aria-label=\"Month\">{} <button type=\"submit\">Show</button></form>\
         <p>Scores for {} · catalog {}{}</p>\
         <p><a href=\"/w/{ws}/p/{pid_url}/customers?month={m}\">Customers: which count and why</a> · \
         <a href=\"/w/{ws}/p/{pid_url}/skilling?month={m}\">Skilling</a> · \
         <a href=\"/w/{ws}/p/{pid_url}/simulate?month={m}\">Simulator and outlook</a> · \
         <a href=\"/w/{ws}/p/{pid_url}/recommendations?month={m}\">Recommendations</a> · \
         <a href=\"/w/{ws}/p/{pid_url}/trends\">Trends</a> · \
         <a href=\"/api/workspaces/{ws}/partners/{pid_url}?month={m}&amp;format=csv\">Score history as CSV</a></p>\
         <div class=\"cards\">",
        esc(&name),
        esc(&o.partner_id),
        month_select(
            &cur.months
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            &o.month
        ),
        esc(&o.month),
        esc(&o.catalog_version),
        if o.badges.is_empty() {
            String::new()
        } else {
            format!(" · badges: {}", esc(&o.badges.join(", ")))
        },
        pid_url = url(&o.partner_id),
        m = esc(&o.month),
    );
    for a in &o.areas {
        let hist: Vec<(String, f64)> = a
            .history
            .iter()
            .map(|h| (h.month.clone(), h.total))
            .collect();
        let spark = sparkline(
            &hist,
            o.qualifying_total,
            &format!("{} total points", a.name),
        );
        let (Some(total), Some(qualified)) = (a.total, a.qualified) else {
            let _ = write!(
                b,
                "<section class=\"card\" aria-labelledby=\"a-{id}\"><h2 id=\"a-{id}\">{name}</h2>\
                 <p class=\"muted\">No data for this area in this month.</p>\
                 <p class=\"muted\">History, {n} months stored</p>{spark}</section>",
                id = esc(&a.area),
                name = esc(&a.name),
                n = hist.len(),
            );
            continue;
        };
        let _ = write!(
            b,
            "<section class=\"card\" aria-labelledby=\"a-{id}\"><h2 id=\"a-{id}\"><a href=\"/w/{ws}/p/{p}/a/{id}?month={m}\">{name}</a></h2>\
             <p><span class=\"{cls}\">{status}</span>{track}</p>\
             <p>{total:.2} points ({qt} to qualify) {bar}</p>{designation}\
             <p class=\"muted\">History, {n} months stored</p>{spark}</section>",
            id = esc(&a.area),
            p = url(&o.partner_id),
            m = esc(&o.month),
            name = esc(&a.name),
            cls = if qualified { "q" } else { "nq" },
            status = if qualified {
                "Qualified"
            } else {
                "Not qualified"
            },
            track = a
                .track
                .as_ref()
                .map_or(String::new(), |t| format!(" · {} track", esc(t))),
            qt = o.qualifying_total,
            designation = a.designation.as_ref().map_or(String::new(), |d| format!(
                "<p>On {}: {}; qualification window {} to {}{}</p>",
                esc(&d.date),
                esc(&d.label),
                esc(&d.window_start),
                esc(&d.window_end),
                d.anniversary_date
                    .as_ref()
                    .map_or(String::new(), |x| format!("; anniversary {}", esc(x)))
            )),
            bar = bar(total, 100.0, &format!("{total:.2} points out of 100")),
            n = hist.len(),
        );
    }
    b.push_str("</div>");
    Ok(page(&name, Some(who(&c)), &b))
}

fn amount(state: &Shared, area: &str, metric: &str, v: &Num) -> String {
    match state.catalog.area_def(area).and_then(|a| a.metric(metric)) {
        Some(m) => format_amount(v, &m.unit.many, &m.unit.one),
        None => format_grouped(v),
    }
}

/// The area page of a month the data has no data for the area in.
fn no_area_data(
    state: &Shared,
    c: &Caller,
    cur: &crate::state::Current,
    pid: &str,
    area: &str,
    message: &str,
) -> Html<String> {
    let name = crate::whatif::partner_name(cur, pid);
    let area_name = crate::whatif::area_name(state, area);
    let b = format!(
        "{}<h1>{} — {}</h1><p class=\"muted\" role=\"status\">No data for this area in this month.</p><p class=\"muted\">{}</p>",
        crumbs(cur.workspace.id, &cur.workspace.name, Some((pid, &name))),
        esc(&area_name),
        esc(&name),
        esc(message)
    );
    page(&area_name, Some(who(c)), &b)
}

/// `GET /w/{ws}/p/{partner}/a/{area}`: a card per metric, every track.
pub async fn area(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path((ws, pid, area)): Path<(i64, String, String)>,
    Query(q): Query<MonthQuery>,
) -> Result<Html<String>, PageError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let d = match views::area(&state, &c, &cur, &pid, &area, q.month.as_deref()).await {
        Err(AppError::Unprocessable(m)) if m.starts_with("no data for this area") => {
            return Ok(no_area_data(&state, &c, &cur, &pid, &area, &m));
        }
        other => other?,
    };
    let name = d.name.clone().unwrap_or_else(|| d.partner_id.clone());
    let s = &d.score;
    let mut b = crumbs(ws, &cur.workspace.name, Some((&d.partner_id, &name)));
    let _ = write!(
        b,
        "<h1>{} — {}</h1><p>{}: <span class=\"{}\">{}</span>, {} points ({} to qualify)</p>",
        esc(&d.area_name),
        esc(&name),
        esc(&d.month),
        if s.qualified { "q" } else { "nq" },
        if s.qualified {
            "qualified"
        } else {
            "not qualified"
        },
        esc(&format_num(&s.total, false)),
        d.qualifying_total
    );
    for u in &s.unmet {
        let _ = write!(b, "<p class=\"nq\">Not met: {}</p>", esc(&u.to_string()));
    }
    let tracks: Vec<(Option<String>, &[capscore_engine::MetricScore], bool, &Num)> =
        if s.tracks.is_empty() {
            vec![(s.track.clone(), &s.metrics[..], s.qualified, &s.total)]
        } else {
            s.tracks
                .iter()
                .map(|t| (t.track.clone(), &t.metrics[..], t.qualified, &t.total))
                .collect()
        };
    for (track, metrics, qualified, total) in tracks {
        if let Some(t) = &track {
            let tname = state
                .catalog
                .area_def(&area)
                .map_or(t.as_str(), |a| a.track_name(t))
                .to_string();
            let counting = s.track.as_deref() == Some(t.as_str());
            let _ = write!(
                b,
                "<h2>{} track{} — {} points, {}</h2>",
                esc(&tname),
                if counting { " (counting)" } else { "" },
                esc(&format_num(total, false)),
                if qualified {
                    "qualified"
                } else {
                    "not qualified"
                }
            );
        }
        b.push_str("<div class=\"cards\">");
        for m in metrics {
            let mname = crate::advice::metric_name(&state, &area, &m.metric);
            let _ = write!(
                b,
                "<section class=\"card\"><h3><a href=\"/w/{ws}/p/{}/a/{}/m/{}?month={}&track={}\">{}</a></h3><p>{} of {} target</p><p>{} of {} points {}</p>",
                url(&d.partner_id),
                url(&area),
                url(&m.metric),
                esc(&d.month),
                url(track.as_deref().unwrap_or("")),
                esc(&mname),
                esc(&amount(&state, &area, &m.metric, &m.value)),
                esc(&amount(&state, &area, &m.metric, &m.target)),
                esc(&format_num(&m.points, false)),
                esc(&format_num(&m.max_points, true)),
                bar(
                    capscore_core::num_to_f64_2dp(&m.points),
                    capscore_core::num_to_f64_2dp(&m.max_points),
                    &format!("{} points", format_num(&m.points, false))
                )
            );
            if let Some(opt) = &m.option {
                let _ = write!(b, "<p>Winning option: <strong>{}</strong></p>", esc(opt));
            }
            if m.options.len() > 1 {
                b.push_str("<table><thead><tr><th scope=\"col\">Option</th><th scope=\"col\">Value</th><th scope=\"col\">Target</th><th scope=\"col\">Points</th></tr></thead><tbody>");
                for o in &m.options {
                    let _ = write!(
                        b,
                        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                        esc(o.option.as_deref().unwrap_or("")),
                        esc(&amount(&state, &area, &m.metric, &o.value)),
                        esc(&amount(&state, &area, &m.metric, &o.target)),
                        esc(&format_num(&o.points, false))
                    );
                }
                b.push_str("</tbody></table>");
            }
            for n in &m.notes {
                let _ = write!(b, "<p class=\"muted\">{}</p>", esc(n));
            }
            if let Some(inc) = &m.incomplete {
                let _ = write!(
                    b,
                    "<p class=\"err\">Incomplete: {}</p>",
                    esc(&serde_json::to_string(inc).unwrap_or_default())
                );
            }
            b.push_str("</section>");
        }
        b.push_str("</div>");
    }
    let _ = write!(
        b,
        "<p><a href=\"/api/workspaces/{ws}/partners/{}/areas/{}?month={}\">This area as JSON</a></p>",
        url(&d.partner_id),
        url(&area),
        esc(&d.month)
    );
    Ok(page(&d.area_name, Some(who(&c)), &b))
}
