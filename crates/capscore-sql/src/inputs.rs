//! The common tables of the query: the input views read as the native loader reads
//! the files (cells trimmed, names matched through the catalog's aliases after the
//! same normalisation, explicit casts so that views of strings work), partners rolled
//! up to their global account, and the rows each association type mask attributes.

use capscore_catalog::{AreaRules, Catalog, normalize};
use capscore_core::{Month, NaiveDate};

use crate::{lit, lits};

/// Parent links followed for the partner roll-up.
const ROLL_UP_DEPTH: usize = 8;

/// A name normalised as `capscore_catalog::normalize` does: white space runs folded,
/// trailing full stops and surrounding space dropped, lower case.
pub(crate) fn norm(e: &str) -> String {
    format!(
        "lower(trim(regexp_replace(trim(regexp_replace(CAST({e} AS STRING), '(?U)\\\\s+', ' ')), '\\\\.+$', '')))"
    )
}

/// A text cell: trimmed, empty as NULL.
pub(crate) fn text(e: &str) -> String {
    format!("NULLIF(trim(CAST({e} AS STRING)), '')")
}

fn date(e: &str) -> String {
    format!("CAST(substr({}, 1, 10) AS DATE)", text(e))
}

fn month(e: &str) -> String {
    format!("substr({}, 1, 7)", text(e))
}

/// A SQL date literal.
pub(crate) fn date_lit(d: NaiveDate) -> String {
    format!("DATE'{d}'")
}

/// The partner roll-up: `grp(id, root)` for every partner, and `roots(id)`, the global
/// accounts scored. Parent links longer than [`ROLL_UP_DEPTH`], or circular, stop the
/// query with an error.
pub(crate) fn partners(out: &mut Vec<(String, String)>) {
    out.push((
        "part".into(),
        format!(
            "SELECT {} AS id, {} AS parent FROM partners",
            text("partner_id"),
            text("parent_id")
        ),
    ));
    let joins: String = (1..=ROLL_UP_DEPTH)
        .map(|k| format!(" LEFT JOIN part a{k} ON a{k}.id = a{}.parent", k - 1))
        .collect();
    let chain: Vec<String> = (0..=ROLL_UP_DEPTH)
        .rev()
        .map(|k| format!("a{k}.id"))
        .collect();
    out.push((
        "grp".into(),
        format!(
            "SELECT a0.id, CASE WHEN a{d}.parent IS NULL THEN COALESCE({chain}) ELSE raise_error(concat(\
             'partners: the parent links of partner ', a0.id, \
             ' go round in a circle or are longer than {d} links')) END AS root \
             FROM part a0{joins}",
            d = ROLL_UP_DEPTH,
            chain = chain.join(", "),
        ),
    ));
    out.push(("roots".into(), "SELECT id FROM grp WHERE id = root".into()));
}

/// `assoc_g(partner, tenant, kind, workload, sub, start_d, end_d)`: associations of the
/// global accounts, types resolved to the catalog's ids.
pub(crate) fn associations(catalog: &Catalog, out: &mut Vec<(String, String)>) {
    let mut names: Vec<String> = Vec::new();
    for t in &catalog.association_types {
        for n in std::iter::once(&t.id).chain(&t.aliases) {
            names.push(format!("({}, {})", lit(&normalize(n)), lit(&t.id)));
        }
    }
    out.push((
        "atype".into(),
        format!("SELECT * FROM VALUES {} AS t(name, id)", names.join(", ")),
    ));
    out.push((
        "assoc_g".into(),
        format!(
            "SELECT g.root AS partner, {tenant} AS tenant, \
             CASE WHEN t.id IS NULL THEN raise_error(concat('associations: unknown association type ', \
             CAST(a.`type` AS STRING))) ELSE t.id END AS kind, \
             {workload} AS workload, {sub} AS sub, {start} AS start_d, {end} AS end_d \
             FROM associations a JOIN grp g ON {partner} = g.id \
             LEFT JOIN atype t ON {ty} = t.name",
            tenant = text("a.tenant_id"),
            workload = text("a.workload"),
            sub = text("a.subscription_id"),
            start = date("a.start_date"),
            end = date("a.end_date"),
            partner = text("a.partner_id"),
            ty = norm("a.`type`"),
        ),
    ));
}

/// `az(tenant, sub, svc, mon, acr)`: the Azure rows of `from ..= to` whose service and
/// offer the area counts, ACR in billionths of a dollar (whole numbers). A month of
/// the range without any row stops the query: the data does not cover it.
pub(crate) fn azure(area: &AreaRules, (from, to): (Month, Month), out: &mut Vec<(String, String)>) {
    let mut keep = Vec::new();
    match &area.eligible_services {
        None => {}
        Some(list) => keep.push(match lits(list.iter().map(String::as_str)) {
            Some(l) => format!("svc IN ({l})"),
            None => "FALSE".into(),
        }),
    }
    if let Some(l) = lits(area.excluded_offers.iter().map(String::as_str)) {
        keep.push(format!("offer NOT IN ({l})"));
    }
    let months: Vec<String> = Month::range(from, to).map(|m| m.to_string()).collect();
    out.push((
        "az_all".into(),
        format!(
            "SELECT {tenant} AS tenant, {sub} AS sub, {svc} AS svc, {offer} AS offer, \
             {mon} AS mon, CAST(CAST({acr} AS DECIMAL(38,9)) * 1000000000BD AS DECIMAL(38,0)) AS acr \
             FROM azure_usage WHERE {mon} BETWEEN {lo} AND {hi}",
            tenant = text("tenant_id"),
            sub = text("subscription_id"),
            svc = norm("service"),
            offer = norm("offer"),
            mon = month("`month`"),
            acr = text("acr_usd"),
            lo = lit(&from.to_string()),
            hi = lit(&to.to_string()),
        ),
    ));
    out.push((
        "az_cover".into(),
        format!(
            "SELECT CASE WHEN COUNT(DISTINCT mon) = {n} THEN 1 ELSE raise_error(\
             'azure_usage does not cover every month from {from} to {to}: the month cannot be scored') \
             END AS ok FROM az_all",
            n = months.len()
        ),
    ));
    let cond = if keep.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", keep.join(" AND "))
    };
    out.push((
        "az".into(),
        format!("SELECT tenant, sub, svc, mon, acr FROM az_all{cond}"),
    ));
}

/// `cnt_{i}(partner, tenant, svc, mon, acr)`: the rows of `az` each global account is
/// credited with through the association types `kinds`: an association of such a
/// type for the tenant, covering the whole tenant (no workload) and every
/// subscription or the row's, in force on the month's last day. A row counts once.
pub(crate) fn counted(i: usize, kinds: &[&str], out: &mut Vec<(String, String)>) {
    let kinds = lits(kinds.iter().copied())
        .map_or_else(|| "FALSE".to_string(), |l| format!("a.kind IN ({l})"));
    out.push((
        format!("cnt_{i}"),
        format!(
            "SELECT x.partner, x.tenant, x.svc, x.mon, x.acr FROM \
             (SELECT pt.partner, r.* FROM az r JOIN (SELECT DISTINCT partner, tenant FROM assoc_g) pt \
             ON r.tenant = pt.tenant) x \
             LEFT SEMI JOIN assoc_g a ON a.partner = x.partner AND a.tenant = x.tenant AND {kinds} \
             AND a.workload IS NULL AND (a.sub IS NULL OR a.sub = x.sub) \
             AND a.start_d <= last_day(CAST(concat(x.mon, '-01') AS DATE)) \
             AND (a.end_d IS NULL OR a.end_d >= last_day(CAST(concat(x.mon, '-01') AS DATE)))"
        ),
    ));
}

/// `held(partner, person, cert)`: certifications valid on `on` (earned by then, not
/// expired before), titles resolved as the loader does: a canonical name, alias or
/// former title, bare or after one of the catalog's title prefixes.
pub(crate) fn certifications(catalog: &Catalog, on: NaiveDate, out: &mut Vec<(String, String)>) {
    let mut names: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for c in &catalog.certifications {
        let titles = std::iter::once(&c.id)
            .chain(std::iter::once(&c.name))
            .chain(c.former_names.iter().map(|f| &f.name))
            .chain(&c.aliases);
        for t in titles {
            let key = normalize(t);
            if seen.insert(key.clone()) {
                names.push(format!("({}, {})", lit(&key), lit(&c.id)));
            }
        }
    }
    out.push((
        "cmap".into(),
        format!("SELECT * FROM VALUES {} AS t(name, id)", names.join(", ")),
    ));
    let mut joins = vec!["LEFT JOIN cmap m0 ON c.k = m0.name".to_string()];
    let mut ids = vec!["m0.id".to_string()];
    for (j, p) in catalog.title_prefixes.iter().enumerate() {
        let p = normalize(p);
        let m = format!("m{}", j + 1);
        joins.push(format!(
            "LEFT JOIN cmap {m} ON (CASE WHEN substr(c.k, 1, {len}) = {pl} THEN {rest} END) = {m}.name",
            len = p.chars().count(),
            pl = lit(&p),
            rest = norm(&format!("substr(c.k, {})", p.chars().count() + 1)),
        ));
        ids.push(format!("{m}.id"));
    }
    out.push((
        "cert".into(),
        format!(
            "SELECT g.root AS partner, c.person, COALESCE({ids}) AS cert, c.earned, c.expires \
             FROM (SELECT {partner} AS partner_id, {person} AS person, {k} AS k, \
             {earned} AS earned, {expires} AS expires FROM certifications) c \
             JOIN grp g ON c.partner_id = g.id {joins}",
            ids = ids.join(", "),
            partner = text("partner_id"),
            person = text("person_id"),
            k = norm("certification"),
            earned = date("earned_date"),
            expires = date("expires_date"),
            joins = joins.join(" "),
        ),
    ));
    out.push((
        "held".into(),
        format!(
            "SELECT partner, person, cert FROM cert WHERE cert IS NOT NULL AND earned <= {on} \
             AND (expires IS NULL OR expires >= {on})",
            on = date_lit(on)
        ),
    ));
}

/// `wmap(name, id)`: every workload name and alias of the catalog, normalised as the
/// loader matches them, to the workload's id.
pub(crate) fn workloads(catalog: &Catalog, out: &mut Vec<(String, String)>) {
    let mut names: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for w in &catalog.workloads {
        for n in std::iter::once(&w.id)
            .chain(std::iter::once(&w.name))
            .chain(&w.aliases)
        {
            let key = normalize(n);
            if seen.insert(key.clone()) {
                names.push(format!("({}, {})", lit(&key), lit(&w.id)));
            }
        }
    }
    out.push((
        "wmap".into(),
        format!("SELECT * FROM VALUES {} AS t(name, id)", names.join(", ")),
    ));
}

/// `m365(tenant, workload, mon, paid, active)`: the Microsoft 365 rows of `months`
/// whose workload the area counts, workloads resolved to the catalog's ids (an
/// unknown workload stops the query, as the loader refuses it). A month of `months`
/// without any row stops the query: the data does not cover it. Needs `wmap`.
pub(crate) fn m365(
    catalog: &Catalog,
    area: &AreaRules,
    months: &[Month],
    out: &mut Vec<(String, String)>,
) {
    let listed: Vec<String> = months.iter().map(ToString::to_string).collect();
    let wanted = lits(listed.iter().map(String::as_str)).unwrap_or_else(|| "NULL".into());
    out.push((
        "m365_all".into(),
        format!(
            "SELECT {tenant} AS tenant, CASE WHEN w.id IS NULL THEN raise_error(concat(\
             'm365_usage: unknown workload ', CAST(u.workload AS STRING))) ELSE w.id END AS workload, \
             {mon} AS mon, CAST({paid} AS BIGINT) AS paid, CAST({active} AS BIGINT) AS active \
             FROM m365_usage u LEFT JOIN wmap w ON {wk} = w.name WHERE {mon} IN ({wanted})",
            tenant = text("u.tenant_id"),
            mon = month("u.`month`"),
            paid = text("u.paid_units"),
            active = text("u.active_users"),
            wk = norm("u.workload"),
        ),
    ));
    out.push((
        "m365_cover".into(),
        format!(
            "SELECT CASE WHEN COUNT(DISTINCT mon) = {n} THEN 1 ELSE raise_error(\
             'm365_usage does not cover every month of {list}: the month cannot be scored') \
             END AS ok FROM m365_all",
            n = listed.len(),
            list = listed.join(", "),
        ),
    ));
    let eligible: Vec<&str> = area
        .eligible_workloads
        .iter()
        .filter_map(|w| catalog.workloads.get(w.index()).map(|x| x.id.as_str()))
        .collect();
    let keep = lits(eligible).map_or_else(|| "FALSE".to_string(), |l| format!("workload IN ({l})"));
    out.push((
        "m365".into(),
        format!("SELECT tenant, workload, mon, paid, active FROM m365_all WHERE {keep}"),
    ));
}
