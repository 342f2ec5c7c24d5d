//! One customer tenant: its row, its Microsoft 365, Azure and Business Applications
//! usage month by month, and its associations with partners (arrivals and departures,
//! claims, renewals and hand-overs).

use capscore_core::{NaiveDate, TimeDelta};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::chunk::{Bufs, Ctx, Traits};
use crate::plan::pareto;
use crate::vocab::Spellings;

/// A standard normal draw (Box-Muller).
fn normal(r: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = r.random::<f64>().max(1e-12);
    let u2: f64 = r.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A spelling of a name: the canonical one, or with `alias_share` one of its aliases.
pub(crate) fn spell<'a>(r: &mut ChaCha8Rng, s: &'a Spellings, alias_share: f64) -> &'a str {
    if s.all.len() > 1 && r.random_bool(alias_share) {
        &s.all[r.random_range(1..s.all.len())]
    } else {
        &s.all[0]
    }
}

/// `n` distinct indexes below `len`, the first being `first` when given.
fn pick(r: &mut ChaCha8Rng, len: usize, n: usize, first: Option<usize>) -> Vec<usize> {
    let mut out: Vec<usize> = first.into_iter().collect();
    let n = n.min(len);
    while out.len() < n {
        let i = r.random_range(0..len);
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// A day of month `i` of the dataset.
fn day_in(ctx: &Ctx, r: &mut ChaCha8Rng, i: usize) -> NaiveDate {
    ctx.months[i].first_day() + TimeDelta::days(r.random_range(0..28))
}

/// One association row.
struct Assoc<'a> {
    partner: usize,
    kind: &'a Spellings,
    workload: Option<&'a str>,
    subscription: Option<&'a str>,
    start: NaiveDate,
    end: Option<NaiveDate>,
}

fn write_assoc(ctx: &Ctx, r: &mut ChaCha8Rng, b: &mut Bufs, tenant: &str, a: &Assoc) {
    let t = &mut b.associations;
    t.text(Some(&ctx.partner_id(a.partner)));
    t.text(Some(tenant));
    t.text(Some(spell(r, a.kind, ctx.tenant.alias_share)));
    t.text(a.workload);
    t.text(a.subscription);
    t.date(Some(a.start));
    t.date(a.end);
    t.end();
}

/// An association that may end before the last month and be renewed or handed over.
fn with_life(
    ctx: &Ctx,
    r: &mut ChaCha8Rng,
    b: &mut Bufs,
    tenant: &str,
    a: Assoc,
    gone: Option<NaiveDate>,
) {
    let last = ctx.months.len() - 1;
    let shape = &ctx.tenant;
    if gone.is_none() && r.random_bool(shape.association_end_share) {
        let first = ctx.month_index(a.start);
        if first < last {
            let e = r.random_range(first..last);
            let end =
                (ctx.months[e].last_day() - TimeDelta::days(r.random_range(0..10))).max(a.start);
            let next = end + TimeDelta::days(1);
            let roll: f64 = r.random();
            write_assoc(
                ctx,
                r,
                b,
                tenant,
                &Assoc {
                    end: Some(end),
                    ..a
                },
            );
            if roll < shape.handover_share {
                let other = r.random_range(0..ctx.partners);
                write_assoc(
                    ctx,
                    r,
                    b,
                    tenant,
                    &Assoc {
                        partner: other,
                        start: next,
                        end: None,
                        ..a
                    },
                );
            } else if roll < shape.handover_share + shape.renew_share {
                write_assoc(
                    ctx,
                    r,
                    b,
                    tenant,
                    &Assoc {
                        start: next,
                        end: None,
                        ..a
                    },
                );
            }
            return;
        }
    }
    write_assoc(ctx, r, b, tenant, &Assoc { end: gone, ..a });
}

/// Writes tenant `t`, owned by partner `home`, with its usage and associations.
pub(crate) fn tenant(
    ctx: &Ctx,
    r: &mut ChaCha8Rng,
    b: &mut Bufs,
    t: u64,
    home: usize,
    traits: &Traits,
) {
    let shape = &ctx.tenant;
    let k = ctx.months.len();
    let id = ctx.tenant_id(t);
    b.tenants.text(Some(&id));
    b.tenants.text(Some(&format!("Tenant {}", t + 1)));
    b.tenants
        .text(Some(&ctx.countries[r.random_range(0..ctx.countries.len())]));
    b.tenants.end();

    // Life: months arrive..leave.
    let arrive = if r.random_bool(shape.present_from_start) {
        0
    } else if traits.growing && r.random_bool(0.6) {
        k - 1 - r.random_range(0..k.min(12))
    } else {
        r.random_range(0..k)
    };
    let leave = if arrive + 1 < k && r.random_bool(shape.leaving_share) {
        r.random_range(arrive + 1..k)
    } else {
        k
    };
    let gone = (leave < k).then(|| ctx.months[leave - 1].last_day());
    let seats = (shape.seats_scale * (pareto(r, shape.seats_alpha) - 0.9))
        .round()
        .clamp(1.0, shape.seats_max as f64);
    let drift = |r: &mut ChaCha8Rng| -> f64 {
        if traits.growing {
            r.random_range(0.01..0.05)
        } else {
            r.random_range(-0.02..0.02)
        }
    };

    // Microsoft 365.
    let n = r.random_range(shape.m365_workloads_min..=shape.m365_workloads_max);
    let core = ctx.vocab.m365_core[r.random_range(0..ctx.vocab.m365_core.len())];
    let workloads = pick(r, ctx.vocab.m365.len(), n, Some(core));
    let mut spelled = Vec::with_capacity(workloads.len());
    for &w in &workloads {
        let name = spell(r, &ctx.vocab.m365[w], shape.alias_share).to_string();
        let base = (seats * r.random_range(0.5..1.0)).max(1.0);
        let g = drift(r);
        let mut ratio: f64 = r.random_range(shape.active_ratio_lo..shape.active_ratio_hi);
        let trend = if traits.growing {
            shape.active_ratio_trend_growing
        } else {
            0.0
        };
        for i in arrive..leave {
            let pau = (base * (1.0 + g).powi((i - arrive) as i32))
                .round()
                .max(1.0);
            ratio = (ratio
                + trend
                + r.random_range(-shape.active_ratio_step..=shape.active_ratio_step))
            .clamp(0.0, 1.0);
            let u = &mut b.m365;
            u.text(Some(&id));
            u.text(Some(&name));
            u.text(Some(&ctx.month_text[i]));
            u.int(pau as i64);
            u.int((pau * ratio).round() as i64);
            u.end();
        }
        spelled.push(name);
    }

    // Azure.
    let azure_share = if traits.azure_focus {
        shape.azure_share_focus
    } else {
        shape.azure_share_other
    };
    let mut subs: Vec<(String, usize)> = Vec::new();
    if r.random_bool(azure_share) {
        for s in 0..r.random_range(1..=shape.subscriptions_max) {
            let sub = format!("{id}-S{}", s + 1);
            let offer = if !ctx.vocab.excluded_offers.is_empty()
                && r.random_bool(shape.excluded_offer_share)
            {
                &ctx.vocab.excluded_offers[r.random_range(0..ctx.vocab.excluded_offers.len())]
            } else {
                &ctx.vocab.offers[r.random_range(0..ctx.vocab.offers.len())]
            };
            let start = r.random_range(arrive..leave);
            let n = r.random_range(1..=shape.services_per_subscription_max);
            for svc in pick(r, ctx.vocab.services.len(), n, None) {
                let base = shape.acr_median_usd * (shape.acr_sigma * normal(r)).exp();
                let g = drift(r) * 1.5;
                for i in start..leave {
                    let acr = base * (1.0 + g).powi((i - start) as i32) * r.random_range(0.8..1.2);
                    let u = &mut b.azure;
                    u.text(Some(&id));
                    u.text(Some(&sub));
                    u.text(Some(&ctx.vocab.services[svc]));
                    u.text(Some(offer));
                    u.text(Some(&ctx.month_text[i]));
                    u.usd((acr * 100.0).round() as i64);
                    u.end();
                }
            }
            subs.push((sub, start));
        }
    }

    // Business Applications.
    let biz_share = if traits.bizapps_focus {
        shape.bizapps_share_focus
    } else {
        shape.bizapps_share_other
    };
    let mut biz: Vec<String> = Vec::new();
    if r.random_bool(biz_share) {
        let n = r.random_range(1..=shape.bizapps_workloads_max);
        for w in pick(r, ctx.vocab.bizapps.len(), n, None) {
            let name = spell(r, &ctx.vocab.bizapps[w], shape.alias_share).to_string();
            let base = shape.revenue_median_usd * normal(r).exp();
            let per_unit = r.random_range(20.0..200.0);
            let g = drift(r) * 1.5;
            for i in arrive..leave {
                let rev = base * (1.0 + g).powi((i - arrive) as i32) * r.random_range(0.9..1.1);
                let u = &mut b.bizapps;
                u.text(Some(&id));
                u.text(Some(&name));
                u.text(Some(&ctx.month_text[i]));
                u.usd((rev * 100.0).round() as i64);
                u.int((rev / per_unit).round().max(1.0) as i64);
                u.end();
            }
            biz.push(name);
        }
    }

    // Partners of the tenant: the home partner and others anywhere in the dataset.
    let weights = &shape.partners_weights;
    let total: u32 = weights.iter().sum();
    let mut x = r.random_range(0..total);
    let mut count = 1;
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            count = i + 1;
            break;
        }
        x -= w;
    }
    let mut partners = vec![home];
    for _ in 1..count.min(ctx.partners) {
        for _ in 0..4 {
            let p = r.random_range(0..ctx.partners);
            if !partners.contains(&p) {
                partners.push(p);
                break;
            }
        }
    }
    let a = &ctx.vocab.assoc;
    for (j, &p) in partners.iter().enumerate() {
        let roll: f64 = r.random();
        let kind = if j == 0 {
            Some(if roll < 0.45 {
                &a.csp_t1
            } else if roll < 0.65 {
                &a.csp_t2
            } else {
                &a.dpor
            })
        } else if roll < 0.35 {
            Some(&a.dpor)
        } else if roll < 0.6 {
            Some(&a.csp_t2)
        } else {
            None
        };
        let start_month = if j == 0 {
            arrive
        } else {
            r.random_range(arrive..leave)
        };
        if let Some(kind) = kind {
            let start = day_in(ctx, r, start_month);
            with_life(
                ctx,
                r,
                b,
                &id,
                Assoc {
                    partner: p,
                    kind,
                    workload: None,
                    subscription: None,
                    start,
                    end: None,
                },
                gone,
            );
        }
    }
    // Claims per workload (CPOR), many inside the last twelve months.
    let recent = leave.saturating_sub(18).max(arrive);
    for name in &spelled {
        if r.random_bool(shape.cpor_share) {
            let p = partners[r.random_range(0..partners.len())];
            let from = if traits.growing { recent } else { arrive };
            let month = r.random_range(from..leave);
            let start = day_in(ctx, r, month);
            with_life(
                ctx,
                r,
                b,
                &id,
                Assoc {
                    partner: p,
                    kind: &a.cpor,
                    workload: Some(name),
                    subscription: None,
                    start,
                    end: None,
                },
                gone,
            );
        }
    }
    for (sub, start) in &subs {
        if r.random_bool(0.6) {
            let start = day_in(ctx, r, *start);
            with_life(
                ctx,
                r,
                b,
                &id,
                Assoc {
                    partner: home,
                    kind: &a.pal,
                    workload: None,
                    subscription: Some(sub),
                    start,
                    end: None,
                },
                gone,
            );
        }
    }
    for name in &biz {
        if r.random_bool(0.5) {
            let month = r.random_range(arrive..leave);
            let start = day_in(ctx, r, month);
            with_life(
                ctx,
                r,
                b,
                &id,
                Assoc {
                    partner: home,
                    kind: &a.cpor,
                    workload: Some(name),
                    subscription: None,
                    start,
                    end: None,
                },
                gone,
            );
        }
    }
}
