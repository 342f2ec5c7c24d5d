//! One chunk: a run of consecutive partners with their own tenants, generated from
//! the chunk's own seeded RNG (so chunks can be made in parallel, in any order, and
//! the output is the same).

use std::collections::HashSet;
use std::ops::Range;

use capscore_core::{Month, NaiveDate, TimeDelta};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::plan::{Plan, rng};
use crate::profile::{PartnerShape, Profile, TenantShape};
use crate::rows::{Piece, Table, TableBuf};
use crate::vocab::Vocab;
use crate::{Format, GenError};

/// What every chunk shares.
pub(crate) struct Ctx {
    pub vocab: Vocab,
    pub partner: PartnerShape,
    pub tenant: TenantShape,
    pub countries: Vec<String>,
    pub markets: Vec<String>,
    /// The dataset's months, oldest first.
    pub months: Vec<Month>,
    pub month_text: Vec<String>,
    pub partners: usize,
    pub plan: Plan,
    pub seed: u64,
    pub format: Format,
}

impl Ctx {
    /// Builds the shared context.
    pub(crate) fn new(
        vocab: Vocab,
        profile: &Profile,
        months: Vec<Month>,
        partners: usize,
        plan: Plan,
        seed: u64,
        format: Format,
    ) -> Ctx {
        Ctx {
            vocab,
            partner: profile.partners.clone(),
            tenant: profile.tenants.clone(),
            countries: profile.names.countries.clone(),
            markets: profile.names.markets.clone(),
            month_text: months.iter().map(ToString::to_string).collect(),
            months,
            partners,
            plan,
            seed,
            format,
        }
    }

    /// Id of partner `p`.
    #[must_use]
    #[allow(clippy::unused_self)] // ids belong to the dataset being made
    pub(crate) fn partner_id(&self, p: usize) -> String {
        format!("P{:07}", p + 1)
    }

    /// Id of tenant `t`.
    #[must_use]
    #[allow(clippy::unused_self)] // ids belong to the dataset being made
    pub(crate) fn tenant_id(&self, t: u64) -> String {
        format!("T{:08}", t + 1)
    }

    /// Index of the month holding `d` (clamped to the dataset).
    #[must_use]
    pub(crate) fn month_index(&self, d: NaiveDate) -> usize {
        let i = Month::of(d).since(self.months[0]).max(0) as usize;
        i.min(self.months.len() - 1)
    }
}

/// What a partner is like.
pub(crate) struct Traits {
    /// Per catalog area in force: whether the partner focuses on it.
    pub focus: Vec<bool>,
    pub azure_focus: bool,
    pub bizapps_focus: bool,
    pub growing: bool,
}

/// The row buffers of a chunk, one per table.
pub(crate) struct Bufs {
    pub partners: TableBuf,
    pub tenants: TableBuf,
    pub associations: TableBuf,
    pub m365: TableBuf,
    pub azure: TableBuf,
    pub bizapps: TableBuf,
    pub certifications: TableBuf,
}

/// A generated chunk, encoded: one piece and its row count per table of [`Table::ALL`].
pub(crate) struct ChunkOut {
    pub pieces: Vec<(Piece, u64)>,
    pub tenants: u64,
}

fn traits(ctx: &Ctx, r: &mut ChaCha8Rng) -> Traits {
    let areas = ctx.vocab.areas.len();
    let s = &ctx.partner;
    let n = r
        .random_range(s.focus_areas_min..=s.focus_areas_max.max(s.focus_areas_min))
        .min(areas);
    let mut focus = vec![false; areas];
    while focus.iter().filter(|f| **f).count() < n {
        focus[r.random_range(0..areas)] = true;
    }
    Traits {
        azure_focus: ctx.vocab.azure_areas.iter().any(|&a| focus[a]),
        bizapps_focus: ctx.vocab.bizapps_areas.iter().any(|&a| focus[a]),
        focus,
        growing: r.random_bool(s.growing_share),
    }
}

/// A certification title as data files carry it: the title of the day it was earned
/// (a former name before a rename), sometimes with its official prefix or an alias.
fn title(ctx: &Ctx, r: &mut ChaCha8Rng, cert: usize, earned: NaiveDate) -> String {
    let c = &ctx.vocab.certs[cert];
    let name = c.name_on(earned);
    let roll: f64 = r.random();
    match &c.official_prefix {
        Some(prefix) if roll < 0.3 => format!("{prefix} {name}"),
        _ if roll > 0.9 && !c.aliases.is_empty() => {
            c.aliases[r.random_range(0..c.aliases.len())].clone()
        }
        _ => name.to_string(),
    }
}

fn certifications(ctx: &Ctx, r: &mut ChaCha8Rng, b: &mut Bufs, p: usize, tenants: u64, t: &Traits) {
    let s = &ctx.partner;
    let target = (f64::from(s.people_base) + s.people_per_tenant * tenants as f64) as u32
        + r.random_range(0..3);
    let target = target.min(s.people_max);
    let mut people: u32 = 0;
    let mut held: HashSet<(u32, usize)> = HashSet::new();
    let mut grants: Vec<(u32, usize)> = Vec::new();
    for (area, (_, groups)) in ctx.vocab.areas.iter().enumerate() {
        if !t.focus[area] {
            continue;
        }
        for g in groups {
            let n = if r.random_bool(0.25) {
                r.random_range(0..=g.people)
            } else {
                g.people + r.random_range(0..=2)
            };
            for _ in 0..n {
                let person = if people > 0 && r.random_bool(0.35) {
                    r.random_range(0..people)
                } else {
                    people += 1;
                    people - 1
                };
                let cert = g.certs[r.random_range(0..g.certs.len())];
                if held.insert((person, cert)) {
                    grants.push((person, cert));
                }
            }
        }
    }
    while people < target {
        let cert = r.random_range(0..ctx.vocab.certs.len());
        if held.insert((people, cert)) {
            grants.push((people, cert));
        }
        people += 1;
    }
    let first = ctx.months[0].first_day() - TimeDelta::days(730);
    let span = (ctx.months[ctx.months.len() - 1].last_day() - first).num_days();
    let pid = ctx.partner_id(p);
    for (person, cert) in grants {
        let earned = first + TimeDelta::days(r.random_range(0..=span));
        let expires = r.random_bool(0.35).then(|| earned + TimeDelta::days(365));
        let c = &mut b.certifications;
        c.text(Some(&pid));
        c.text(Some(&format!("{pid}-E{:04}", person + 1)));
        c.text(Some(&title(ctx, r, cert, earned)));
        c.date(Some(earned));
        c.date(expires);
        c.end();
    }
}

/// Generates chunk `index` (partners `range`).
///
/// # Errors
/// Encoding a table failed (a generator defect).
pub(crate) fn generate(ctx: &Ctx, index: usize, range: Range<usize>) -> Result<ChunkOut, GenError> {
    let mut r = rng(ctx.seed, index as u64 + 1);
    let buf = |t| TableBuf::new(t, ctx.format);
    let mut b = Bufs {
        partners: buf(Table::Partners),
        tenants: buf(Table::Tenants),
        associations: buf(Table::Associations),
        m365: buf(Table::M365Usage),
        azure: buf(Table::AzureUsage),
        bizapps: buf(Table::BizAppsUsage),
        certifications: buf(Table::Certifications),
    };
    let mut globals: Vec<usize> = Vec::new();
    let mut tenants_done = 0;
    for p in range {
        let t = traits(ctx, &mut r);
        let parent = (!globals.is_empty() && r.random_bool(ctx.partner.location_share))
            .then(|| globals[r.random_range(0..globals.len())]);
        if parent.is_none() {
            globals.push(p);
        }
        let market = if r.random_bool(ctx.partner.emerging_share) {
            &ctx.markets[1]
        } else {
            &ctx.markets[0]
        };
        let id = ctx.partner_id(p);
        b.partners.text(Some(&id));
        b.partners.text(Some(&format!("Partner {}", p + 1)));
        b.partners
            .text(parent.map(|q| ctx.partner_id(q)).as_deref());
        b.partners.text(Some(market));
        b.partners.end();
        let own = ctx.plan.tenants_of(p);
        certifications(ctx, &mut r, &mut b, p, own.end - own.start, &t);
        for tenant in own.clone() {
            crate::tenant::tenant(ctx, &mut r, &mut b, tenant, p, &t);
        }
        tenants_done += own.end - own.start;
    }
    let bufs = [
        b.partners,
        b.tenants,
        b.associations,
        b.m365,
        b.azure,
        b.bizapps,
        b.certifications,
    ];
    let pieces = bufs
        .into_iter()
        .map(|t| {
            let n = t.rows();
            t.finish().map(|p| (p, n))
        })
        .collect::<Result<_, _>>()?;
    Ok(ChunkOut {
        pieces,
        tenants: tenants_done,
    })
}
