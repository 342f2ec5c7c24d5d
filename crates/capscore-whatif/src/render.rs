//! Text for people: the catalog's names and units, never ids alone.

use std::fmt::Write as _;

use capscore_catalog::Catalog;
use capscore_core::{Num, format_amount, format_num};

use crate::outlook::{Cause, Outlook};
use crate::simulate::Simulation;

fn qualified(q: bool) -> &'static str {
    if q { "qualified" } else { "not qualified" }
}

/// A metric's value with its unit.
#[must_use]
pub fn value(catalog: &Catalog, area: &str, metric: &str, v: &Num) -> String {
    match catalog.area_def(area).and_then(|a| a.metric(metric)) {
        Some(m) => format_amount(v, &m.unit.many, &m.unit.one),
        None => format_num(v, true),
    }
}

/// A metric's display name.
#[must_use]
pub fn metric_name<'a>(catalog: &'a Catalog, area: &str, metric: &'a str) -> &'a str {
    catalog
        .area_def(area)
        .and_then(|a| a.metric(metric))
        .map_or(metric, |m| m.name.as_str())
}

fn track_name<'a>(catalog: &'a Catalog, area: &str, track: Option<&'a str>) -> String {
    match (track, catalog.area_def(area)) {
        (Some(t), Some(a)) => format!(", {} track", a.track_name(t)),
        (Some(t), None) => format!(", {t} track"),
        _ => String::new(),
    }
}

/// `simulate` as a table.
#[must_use]
pub fn simulation(sim: &Simulation, catalog: &Catalog) -> String {
    let mut s = String::new();
    let name = sim.name.as_deref().unwrap_or(&sim.partner_id);
    let _ = writeln!(
        s,
        "{name} ({}): {} before, {} after the scenario",
        sim.partner_id, sim.month_before, sim.month_after
    );
    for a in &sim.areas {
        let _ = writeln!(
            s,
            "\n{}: {} → {} points; {} → {}",
            catalog.area_name(&a.area),
            format_num(&a.total_before, false),
            format_num(&a.total_after, false),
            qualified(a.qualified_before),
            qualified(a.qualified_after)
        );
        for u in &a.unmet_after {
            let _ = writeln!(s, "  still unmet: {u}");
        }
        if let Some(d) = sim
            .status
            .as_ref()
            .and_then(|st| st.designations.iter().find(|d| d.area == a.area))
        {
            let _ = writeln!(s, "  status: {}", d.describe());
        }
        for t in &a.tracks {
            let counts = if t.track == a.track_after {
                " (counts)"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  {}{}{counts}: {} → {} points",
                catalog.area_name(&a.area),
                track_name(catalog, &a.area, t.track.as_deref()),
                format_num(&t.total_before, false),
                format_num(&t.total_after, false)
            );
            for m in &t.metrics {
                let mark = if m.points_before == m.points_after {
                    " "
                } else {
                    "*"
                };
                let _ = writeln!(
                    s,
                    "   {mark} {}: {} → {}; {} → {} points",
                    metric_name(catalog, &a.area, &m.metric),
                    value(catalog, &a.area, &m.metric, &m.value_before),
                    value(catalog, &a.area, &m.metric, &m.value_after),
                    format_num(&m.points_before, false),
                    format_num(&m.points_after, false)
                );
            }
        }
    }
    if let Some(st) = &sim.status {
        if let (Some(d0), Some(d1)) = (st.date_before, st.date_after) {
            let on = if d0 == d1 {
                format!("on {d0}")
            } else {
                format!("on {d0} before, {d1} after")
            };
            let _ = writeln!(
                s,
                "\nstatus as `capscore status` gives it {on}, the day the month's data is published"
            );
            if st.badges_before != st.badges_after {
                let _ = writeln!(
                    s,
                    "status badges: [{}] → [{}]",
                    st.badges_before.join(", "),
                    st.badges_after.join(", ")
                );
            }
        }
        if let Some(r) = &st.refused {
            let _ = writeln!(s, "\nstatus: not worked out: {r}");
        }
    }
    if sim.badges_before != sim.badges_after {
        let _ = writeln!(
            s,
            "\nbadges: [{}] → [{}]",
            sim.badges_before.join(", "),
            sim.badges_after.join(", ")
        );
    }
    s
}

/// A cause of `outlook` in words.
fn cause(c: &Cause) -> String {
    match c {
        Cause::CertificationExpired {
            person,
            certification,
        } => format!("{certification} of person {person} expired"),
        Cause::AssociationEnded {
            tenant,
            tenant_name,
        } => format!(
            "association of {} ended",
            tenant_name
                .as_ref()
                .map_or(tenant.clone(), |n| format!("{n} ({tenant})"))
        ),
        Cause::UsageChanged => "the data's usage changed and the months compared moved".to_string(),
        Cause::BaselineMoved => "the months compared moved (m-12, TTM, claim baseline)".to_string(),
    }
}

/// `outlook` as a table.
#[must_use]
pub fn outlook(o: &Outlook, catalog: &Catalog) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Outlook of {} from {}{}",
        o.partner_id,
        o.from,
        o.last_data_month
            .map(|l| format!(" (data until {l}; later months projected)"))
            .unwrap_or_default()
    );
    let _ = writeln!(s, "assumption: {}", o.assumption);
    for m in &o.months {
        let tag = if m.projected { " (projected)" } else { "" };
        let _ = writeln!(s, "\n{}{tag}", m.month);
        for a in &m.areas {
            let _ = writeln!(
                s,
                "  {}{}: {} points, {}",
                catalog.area_name(&a.area),
                track_name(catalog, &a.area, a.track.as_deref()),
                format_num(&a.total, false),
                qualified(a.qualified)
            );
        }
        for c in &m.changes {
            let causes: Vec<String> = c.causes.iter().map(cause).collect();
            let _ = writeln!(
                s,
                "    {}{} · {}: {} → {}, {} → {} points; because {}",
                catalog.area_name(&c.area),
                track_name(catalog, &c.area, c.track.as_deref()),
                metric_name(catalog, &c.area, &c.metric),
                value(catalog, &c.area, &c.metric, &c.value_before),
                value(catalog, &c.area, &c.metric, &c.value_after),
                format_num(&c.points_before, false),
                format_num(&c.points_after, false),
                causes.join("; ")
            );
        }
    }
    s
}

fn area_track(catalog: &Catalog, area: &str, track: Option<&str>) -> String {
    format!(
        "{}{}",
        catalog.area_name(area),
        track_name(catalog, area, track)
    )
}

/// For an action whose points come from other metrics than the one it was found for
/// (a tenant entering a band also counts as a customer): which ones, so that the
/// action is not read as raising its own metric (which `plan` would contradict).
fn points_elsewhere(a: &crate::recommend::Action, catalog: &Catalog) -> String {
    let zero = Num::from_integer(0);
    if a.metric_points > zero || a.points <= zero {
        return String::new();
    }
    let others: Vec<&str> = a
        .deltas
        .iter()
        .filter(|(id, d)| *id != a.metric && d.iter().any(|x| *x != zero))
        .map(|(id, _)| metric_name(catalog, &a.area, id))
        .collect();
    if others.is_empty() {
        format!(
            "; {} itself gains no points",
            metric_name(catalog, &a.area, &a.metric)
        )
    } else {
        format!(
            "; {} itself gains no points, the points come from {}",
            metric_name(catalog, &a.area, &a.metric),
            others.join(", ")
        )
    }
}

/// `recommend` as a table.
#[must_use]
pub fn recommendations(r: &crate::recommend::Recommendations, catalog: &Catalog) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Recommendations for {} in {} (costs in {}, from {})",
        r.partner_id,
        r.month,
        r.cost_unit,
        r.cost_sources.join(" + ")
    );
    for a in &r.areas {
        let _ = writeln!(
            s,
            "  {}: {} points, {}",
            area_track(catalog, &a.area, a.track.as_deref()),
            format_num(&a.total, false),
            qualified(a.qualified)
        );
    }
    if r.actions.is_empty() {
        let _ = writeln!(
            s,
            "\nno action found adds points ({} candidates screened)",
            r.candidates_simulated
        );
    } else {
        let _ = writeln!(
            s,
            "\nactions, each simulated ({} candidates screened; best first):",
            r.candidates_simulated
        );
    }
    for (i, a) in r.actions.iter().enumerate() {
        let _ = writeln!(
            s,
            "{:>3}. {}: +{} points → {} ({}), cost {} {}",
            i + 1,
            catalog.area_name(&a.area),
            format_num(&a.points, false),
            format_num(&a.total_after, false),
            qualified(a.qualified_after),
            format_num(&a.cost, false),
            r.cost_unit
        );
        let _ = writeln!(
            s,
            "     {} (for {} · {}){}",
            a.description,
            area_track(catalog, &a.area, a.track.as_deref()),
            metric_name(catalog, &a.area, &a.metric),
            points_elsewhere(a, catalog)
        );
    }
    if r.risk_months > 0 {
        if r.risks.is_empty() {
            let _ = writeln!(
                s,
                "\nno points at risk in the next {} months if nothing changes",
                r.risk_months
            );
        } else {
            let _ = writeln!(
                s,
                "\nrisks: points lost in the next {} months if nothing changes",
                r.risk_months
            );
        }
        for k in &r.risks {
            let _ = writeln!(
                s,
                "  {} {} · {}: {} → {} points; because {}",
                k.month,
                area_track(catalog, &k.area, k.track.as_deref()),
                metric_name(catalog, &k.area, &k.metric),
                format_num(&k.points_before, false),
                format_num(&k.points_after, false),
                k.causes.iter().map(cause).collect::<Vec<_>>().join("; ")
            );
        }
    }
    s
}

/// `plan` as a table.
#[must_use]
pub fn plan(p: &crate::plan::Plan, catalog: &Catalog) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Plan for {} to qualify in {} in {}: now {} points, {}",
        p.partner_id,
        catalog.area_name(&p.area),
        p.month,
        format_num(&p.total_before, false),
        qualified(p.qualified_before)
    );
    if let Some(r) = &p.reason
        && p.actions.is_empty()
    {
        if p.qualified_before {
            let _ = writeln!(s, "{r}");
            return s;
        }
        let _ = writeln!(s, "no plan: {r}");
        let _ = writeln!(
            s,
            "({} candidate actions screened, {} plan{} tried)",
            p.candidates_simulated,
            p.plans_tried,
            if p.plans_tried == 1 { "" } else { "s" }
        );
        return s;
    }
    let _ = writeln!(
        s,
        "cheapest plan, {} track: {} action{}, cost {} {}",
        p.track
            .as_deref()
            .and_then(|t| catalog
                .area_def(&p.area)
                .map(|a| a.track_name(t).to_string()))
            .unwrap_or_else(|| "the area's".to_string()),
        p.actions.len(),
        if p.actions.len() == 1 { "" } else { "s" },
        format_num(&p.cost, false),
        p.cost_unit
    );
    for (i, a) in p.actions.iter().enumerate() {
        let _ = writeln!(
            s,
            "{:>3}. {} ({} · +{} points alone), cost {} {}",
            i + 1,
            a.description,
            metric_name(catalog, &a.area, &a.metric),
            format_num(&a.metric_points, false),
            format_num(&a.cost, false),
            p.cost_unit
        );
    }
    let _ = writeln!(
        s,
        "applied together (simulated): {} → {} points, {}",
        format_num(&p.total_before, false),
        format_num(&p.total_after, false),
        qualified(p.qualified_after)
    );
    let _ = writeln!(
        s,
        "({} candidate actions screened, {} plan{} tried)",
        p.candidates_simulated,
        p.plans_tried,
        if p.plans_tried == 1 { "" } else { "s" }
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::Action;

    fn action(metric_points: i64, deltas: Vec<(String, Vec<Num>)>) -> Action {
        Action {
            kind: "reach_band",
            area: "modern_work".to_string(),
            track: Some("smb".to_string()),
            metric: "usage_growth".to_string(),
            description: "1 more paid seats".to_string(),
            scenario: String::new(),
            cost: Num::from_integer(1),
            cost_lines: Vec::new(),
            points: Num::from_integer(10),
            metric_points: Num::from_integer(metric_points.into()),
            total_before: Num::from_integer(55),
            total_after: Num::from_integer(65),
            qualified_after: false,
            key: String::new(),
            deltas,
        }
    }

    #[test]
    fn an_action_whose_points_come_from_another_metric_says_which() {
        let catalog = Catalog::embedded().unwrap();
        let one = vec![Num::from_integer(1)];
        let a = action(
            0,
            vec![
                ("net_customer_adds".to_string(), one.clone()),
                ("usage_growth".to_string(), vec![Num::from_integer(0)]),
            ],
        );
        let said = points_elsewhere(&a, &catalog);
        assert!(
            said.contains("Usage growth itself gains no points"),
            "{said}"
        );
        assert!(said.contains("come from Net customer adds"), "{said}");
        let own = action(10, vec![("usage_growth".to_string(), one)]);
        assert_eq!(points_elsewhere(&own, &catalog), "");
    }
}
