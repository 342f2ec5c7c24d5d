//! Security (docs/rules.md §2): two sources, Azure (ACR of security services through PAL)
//! and Microsoft 365 (security workloads through CPOR), computed separately and added
//! before the metric's cap.

use capscore_catalog::MetricRules;
use capscore_core::{Month, Num};

use crate::azure::Azure;
use crate::m365::Context;
use crate::outcome::{Outcome, count};

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

/// Net customer adds: Azure tenants over a TTM ACR (TTM at `m` vs the previous TTM)
/// plus Microsoft 365 tenants over a number of paid seats (at `m` vs `m-12`).
pub(crate) fn net_customer_adds(
    az: &Azure,
    mw: &Context,
    metric: &MetricRules,
    m: Month,
) -> Outcome {
    let s = &metric.options[0].settings;
    let (min_acr, min_paid) = (s.get("azure_min_ttm_acr_usd"), s.get("m365_min_paid_units"));
    let azure = count(az.tenants_over_ttm(metric.azure_assoc, m, min_acr))
        - count(az.tenants_over_ttm(metric.azure_assoc, m.year_ago(), min_acr));
    let seats = |x: Month| mw.tenants_where(metric.m365_assoc, x, |u| at_least(u.paid, min_paid));
    let m365 = count(seats(m)) - count(seats(m.year_ago()));
    Outcome::noted(azure + m365, note(azure, m365))
}

/// Usage growth, in points: security ACR growth per dollar amount plus growth in
/// protected users (active paid seats) per number of users.
pub(crate) fn usage_growth(az: &Azure, mw: &Context, metric: &MetricRules, m: Month) -> Outcome {
    let s = &metric.options[0].settings;
    let (usd, users) = (s.get("azure_usd_per_point"), s.get("m365_users_per_point"));
    let acr = az.total(metric.azure_assoc, m) - az.total(metric.azure_assoc, m.year_ago());
    let protected = Num::from_integer(
        mw.active_paid_users(metric.m365_assoc, m)
            - mw.active_paid_users(metric.m365_assoc, m.year_ago()),
    );
    let zero = Num::from_integer(0);
    let azure = if usd > zero { acr / usd } else { zero };
    let m365 = if users > zero {
        protected / users
    } else {
        zero
    };
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
pub(crate) fn deployments(az: &Azure, mw: &Context, metric: &MetricRules, m: Month) -> Outcome {
    let s = &metric.options[0].settings;
    let min_acr = s.get("azure_min_ttm_acr_usd");
    let (min_paid, pct) = (
        s.get("m365_min_paid_units"),
        s.get("m365_active_percent_at_least"),
    );
    let azure = count(az.tenants_over_ttm(metric.azure_assoc, m, min_acr))
        - count(az.tenants_over_ttm(metric.azure_assoc, m.year_ago(), min_acr));
    let deployed = |x: Month| {
        mw.tenants_where(metric.m365_assoc, x, |u| {
            at_least(u.paid, min_paid) && pct_ok(u.active, u.paid, pct)
        })
    };
    let m365 = count(deployed(m)) - count(deployed(m.year_ago()));
    Outcome::noted(azure + m365, note(azure, m365))
}
