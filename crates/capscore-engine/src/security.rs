//! Security (docs/rules.md §2): two sources, Azure (ACR of security services through PAL)
//! and Microsoft 365 (security workloads through CPOR), computed separately and added
//! before the metric's cap.

use capscore_catalog::MetricRules;
use capscore_core::{Month, Num};

use crate::azure::Azure;
use crate::m365::Context;
use crate::outcome::{Outcome, count};
use crate::trace::{Item, Rule, Src, Tracer};

/// `active / paid >= pct / 100`, cross-multiplied in integers.
fn pct_ok(active: u64, paid: u64, pct: Num) -> bool {
    i128::from(active) * 100 * *pct.denom() >= *pct.numer() * i128::from(paid)
}

fn at_least(units: u64, min: Num) -> bool {
    Num::from_integer(i128::from(units)) >= min
}

fn note(azure: Num, m365: Num) -> String {
    format!(
        "Azure {} + Microsoft 365 {}",
        capscore_core::format_num(&azure, true),
        capscore_core::format_num(&m365, true)
    )
}

/// Explain: the associations of every tenant, sorted for the two sources (an
/// association counts when it serves either).
fn trace_assocs<T: Tracer>(az: &Azure, mw: &Context, metric: &MetricRules, m: Month, tr: &mut T) {
    if !T::ON {
        return;
    }
    let y = m.year_ago();
    let mut months: Vec<Month> = Month::range(y.ttm_start(), m).collect();
    months.dedup();
    let mask = metric.azure_assoc.union(metric.m365_assoc);
    for (t, assocs) in &az.view.tenants {
        let kept = crate::view::trace_assocs(tr, *t, assocs, mask, &months, |a| {
            let azure = metric.azure_assoc.contains(a.kind) && a.workload.is_none();
            let m365 = metric.m365_assoc.contains(a.kind) && mw.covers_eligible(a);
            (!azure && !m365).then_some(crate::trace::Reason::WorkloadOutsideArea)
        });
        tr.attach_tenant(*t, kept);
    }
}

/// Net customer adds: Azure tenants over a TTM ACR (TTM at `m` vs the previous TTM)
/// plus Microsoft 365 tenants over a number of paid seats (at `m` vs `m-12`).
pub(crate) fn net_customer_adds<T: Tracer>(
    az: &Azure,
    mw: &Context,
    metric: &MetricRules,
    m: Month,
    tr: &mut T,
) -> Outcome {
    let s = &metric.options[0].settings;
    let (min_acr, min_paid) = (s.get("azure_min_ttm_acr_usd"), s.get("m365_min_paid_units"));
    let acr_rule = Rule::Setting("azure_min_ttm_acr_usd");
    let azure = count(az.tenants_over_ttm(metric.azure_assoc, m, min_acr, tr, (1, "m", acr_rule)))
        - count(az.tenants_over_ttm(
            metric.azure_assoc,
            m.year_ago(),
            min_acr,
            tr,
            (-1, "m-12", acr_rule),
        ));
    let seats_rule = Rule::Setting("m365_min_paid_units");
    let seats = |x: Month, sign: i128, role: &'static str, tr: &mut T| {
        mw.tenants_where(
            metric.m365_assoc,
            x,
            |u| at_least(u.paid, min_paid),
            tr,
            (sign, role, seats_rule),
        )
    };
    let m365 = count(seats(m, 1, "m", tr)) - count(seats(m.year_ago(), -1, "m-12", tr));
    trace_assocs(az, mw, metric, m, tr);
    Outcome::noted(azure + m365, note(azure, m365))
}

/// Usage growth, in points: security ACR growth per dollar amount plus growth in
/// protected users (active paid seats) per number of users.
pub(crate) fn usage_growth<T: Tracer>(
    az: &Azure,
    mw: &Context,
    metric: &MetricRules,
    m: Month,
    tr: &mut T,
) -> Outcome {
    let s = &metric.options[0].settings;
    let (usd, users) = (s.get("azure_usd_per_point"), s.get("m365_users_per_point"));
    let (mut acr_m, mut acr_y) = (Vec::new(), Vec::new());
    let acr = az.total(metric.azure_assoc, m, tr, ("m", &mut acr_m))
        - az.total(metric.azure_assoc, m.year_ago(), tr, ("m-12", &mut acr_y));
    let (mut mau_m, mut mau_y) = (Vec::new(), Vec::new());
    let protected = Num::from_integer(
        mw.active_paid_users(metric.m365_assoc, m, tr, ("m", &mut mau_m))
            - mw.active_paid_users(metric.m365_assoc, m.year_ago(), tr, ("m-12", &mut mau_y)),
    );
    let zero = Num::from_integer(0);
    let per = |amount: Num, unit: Num| if unit > zero { amount / unit } else { zero };
    let azure = per(acr, usd);
    let m365 = per(protected, users);
    if T::ON {
        let u = &az.data.azure_usage;
        for (rows, sign, role) in [(&acr_m, 1, "m"), (&acr_y, -1, "m-12")] {
            for &i in rows {
                let mut item = az.row_item(i, Rule::Setting("azure_usd_per_point"), role);
                item.amount = per(u.acr_usd[i], usd) * Num::from_integer(sign);
                tr.add(item.amount("usd_per_point", usd));
            }
        }
        for (rows, sign, role) in [(&mau_m, 1, "m"), (&mau_y, -1, "m-12")] {
            for u in rows {
                let active = Num::from_integer(i128::from(u.active));
                let item = Item::new(
                    Rule::Setting("m365_users_per_point"),
                    per(active, users) * Num::from_integer(sign),
                )
                .tenant(mw.tenant_of(u.row))
                .workload(u.workload)
                .month(role, if sign > 0 { m } else { m.year_ago() })
                .int("active_users", u.active)
                .int("paid", u.paid)
                .amount("users_per_point", users)
                .src([Src::M365(u.row)]);
                tr.add(item);
            }
        }
        trace_assocs(az, mw, metric, m, tr);
    }
    Outcome::noted(
        azure + m365,
        format!(
            "ACR growth {} / {} + protected users {} / {}",
            capscore_core::format_amount(&acr, "USD", "USD"),
            capscore_core::format_amount(&usd, "USD", "USD"),
            capscore_core::format_grouped(&protected),
            capscore_core::format_grouped(&users)
        ),
    )
}

/// Deployments: Azure tenants over a TTM ACR plus Microsoft 365 tenants with enough
/// paid seats of which a share is active, each at `m` minus at `m-12`.
pub(crate) fn deployments<T: Tracer>(
    az: &Azure,
    mw: &Context,
    metric: &MetricRules,
    m: Month,
    tr: &mut T,
) -> Outcome {
    let s = &metric.options[0].settings;
    let min_acr = s.get("azure_min_ttm_acr_usd");
    let (min_paid, pct) = (
        s.get("m365_min_paid_units"),
        s.get("m365_active_percent_at_least"),
    );
    let acr_rule = Rule::Setting("azure_min_ttm_acr_usd");
    let azure = count(az.tenants_over_ttm(metric.azure_assoc, m, min_acr, tr, (1, "m", acr_rule)))
        - count(az.tenants_over_ttm(
            metric.azure_assoc,
            m.year_ago(),
            min_acr,
            tr,
            (-1, "m-12", acr_rule),
        ));
    let rule = Rule::Setting("m365_active_percent_at_least");
    let deployed = |x: Month, sign: i128, role: &'static str, tr: &mut T| {
        mw.tenants_where(
            metric.m365_assoc,
            x,
            |u| at_least(u.paid, min_paid) && pct_ok(u.active, u.paid, pct),
            tr,
            (sign, role, rule),
        )
    };
    let m365 = count(deployed(m, 1, "m", tr)) - count(deployed(m.year_ago(), -1, "m-12", tr));
    trace_assocs(az, mw, metric, m, tr);
    Outcome::noted(azure + m365, note(azure, m365))
}
