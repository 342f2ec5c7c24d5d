//! Datasets made from loaded ones in memory, without text: a partner's rows only
//! ([`restrict`]), a loaded patch of a few tenants put in place of their rows
//! ([`splice`]), the usage of the last month repeated for the months after it
//! ([`repeat_last`]).
//!
//! The result is what the loader would give for the same rows: ids of tenants, people,
//! subscriptions, services and offers numbered in name order, every table sorted on the
//! loader's keys, the per-partner and per-tenant indexes, the latest month and each usage
//! table's coverage counted on its rows. Nothing here checks a value: rows come from
//! datasets the loader accepted (a patch is loaded through the loader first), so every
//! value in the result went through the loader's checks.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use capscore_core::{Month, PartnerIdx, PersonIdx, TenantIdx};
use capscore_data::{
    Associations, AzureUsage, BizAppsUsage, Certifications, Coverage, CustomerReferences, Dataset,
    Enrollments, Exams, Interner, M365Usage, TABLES, TableCoverage, TenantInfo, UsageTable,
    rows_of,
};

/// Which rows of a source dataset go into the new one. Partner indexes are the
/// source's; `partner` maps them to the new dataset's.
struct Part<'a> {
    d: &'a Dataset,
    /// The new index of each of the source's partners (`None`: its rows are left out).
    partner: Vec<Option<PartnerIdx>>,
    /// Associations kept, by (partner, tenant).
    assoc: &'a dyn Fn(PartnerIdx, TenantIdx) -> bool,
    /// Tenants whose usage rows and `tenants` details are kept.
    tenant: &'a dyn Fn(TenantIdx) -> bool,
    /// Usage months kept, per table.
    month: &'a dyn Fn(UsageTable, Month) -> bool,
    /// Certifications, exams and enrollments kept, by partner.
    partner_rows: &'a dyn Fn(PartnerIdx) -> bool,
    /// Customer references kept, by partner and tenant.
    refs: &'a dyn Fn(PartnerIdx, Option<TenantIdx>) -> bool,
    /// Usage rows of this month are also repeated for the given number of months after it.
    repeat: Option<(Month, u32)>,
}

/// Which tenants a partner's rows keep.
pub(crate) enum Tenants<'a> {
    /// The tenants associated with the partner's accounts (only those of the set, when
    /// given).
    Associated(Option<&'a BTreeSet<TenantIdx>>),
    /// Exactly these tenants, associated or not.
    Exactly(&'a BTreeSet<TenantIdx>),
}

/// The partner `partner` and its location accounts, at any depth.
#[must_use]
pub(crate) fn accounts(d: &Dataset, partner: PartnerIdx) -> Vec<bool> {
    let n = d.partners.len();
    let mut mine = vec![false; n];
    if let Some(m) = mine.get_mut(partner.index()) {
        *m = true;
    }
    loop {
        let mut more = false;
        for i in 0..n {
            if !mine[i] && d.partners.parent[i].is_some_and(|p| mine[p.index()]) {
                mine[i] = true;
                more = true;
            }
        }
        if !more {
            return mine;
        }
    }
}

/// The rows of a partner's accounts (`accounts`, by partner index) and of the tenants
/// `tenants` selects, their usage from the month `from` gives per table (all months
/// when `None`; a table it does not name keeps no row). The partners table is kept
/// whole, so partner indexes stay those of `d`.
#[must_use]
pub(crate) fn restrict(
    d: &Dataset,
    accounts: &[bool],
    tenants: &Tenants<'_>,
    from: Option<&HashMap<UsageTable, Month>>,
) -> Dataset {
    let mine = |p: PartnerIdx| accounts.get(p.index()).copied().unwrap_or(false);
    let mut keep = vec![false; d.tenants.len()];
    match tenants {
        Tenants::Associated(only) => {
            let a = &d.associations;
            for (p, _) in accounts.iter().enumerate().filter(|(_, m)| **m) {
                for r in rows_of(&a.by_partner, p) {
                    let t = a.tenant[r];
                    if only.is_none_or(|o| o.contains(&t))
                        && let Some(k) = keep.get_mut(t.index())
                    {
                        *k = true;
                    }
                }
            }
        }
        Tenants::Exactly(set) => {
            for t in *set {
                if let Some(k) = keep.get_mut(t.index()) {
                    *k = true;
                }
            }
        }
    }
    let kept = |t: TenantIdx| keep.get(t.index()).copied().unwrap_or(false);
    let filter_refs = matches!(tenants, Tenants::Associated(Some(_)));
    let month =
        |table: UsageTable, m: Month| from.is_none_or(|f| f.get(&table).is_some_and(|x| m >= *x));
    let assoc = |p: PartnerIdx, t: TenantIdx| mine(p) && kept(t);
    let refs =
        |p: PartnerIdx, t: Option<TenantIdx>| mine(p) && (!filter_refs || t.is_some_and(kept));
    let part = Part {
        d,
        partner: (0..d.partners.len())
            .map(|p| Some(PartnerIdx(u32::try_from(p).unwrap_or(u32::MAX))))
            .collect(),
        assoc: &assoc,
        tenant: &kept,
        month: &month,
        partner_rows: &mine,
        refs: &refs,
        repeat: None,
    };
    build(d, &[part])
}

/// `base` with the rows of the tenants `touched` (and the certifications of the
/// partner's `accounts`) replaced by those of `patch`: its usage rows, `tenants`
/// details, the partner's associations of those tenants and its certifications. The
/// patch holds exactly those rows (a dataset loaded from them, changed by a scenario);
/// its partners are found in `base` by id.
#[must_use]
pub(crate) fn splice(
    base: &Dataset,
    patch: &Dataset,
    accounts: &[bool],
    touched: &BTreeSet<TenantIdx>,
) -> Dataset {
    let mine = |p: PartnerIdx| accounts.get(p.index()).copied().unwrap_or(false);
    let hit = |t: TenantIdx| touched.contains(&t);
    let all_months = |_: UsageTable, _: Month| true;
    let no_refs = |_: PartnerIdx, _: Option<TenantIdx>| false;
    let everyone = |_: PartnerIdx, _: Option<TenantIdx>| true;
    let base_assoc = |p: PartnerIdx, t: TenantIdx| !(mine(p) && hit(t));
    let base_tenant = |t: TenantIdx| !hit(t);
    let base_rows = |p: PartnerIdx| !mine(p);
    let any_assoc = |_: PartnerIdx, _: TenantIdx| true;
    let any_tenant = |_: TenantIdx| true;
    let certs_only = |_: PartnerIdx| true;
    let from_base = Part {
        d: base,
        partner: (0..base.partners.len())
            .map(|p| Some(PartnerIdx(u32::try_from(p).unwrap_or(u32::MAX))))
            .collect(),
        assoc: &base_assoc,
        tenant: &base_tenant,
        month: &all_months,
        partner_rows: &base_rows,
        refs: &everyone,
        repeat: None,
    };
    let from_patch = Part {
        d: patch,
        partner: patch
            .partners
            .ids
            .iter()
            .map(|id| base.partners.find(id))
            .collect(),
        assoc: &any_assoc,
        tenant: &any_tenant,
        month: &all_months,
        partner_rows: &certs_only,
        refs: &no_refs,
        repeat: None,
    };
    build(base, &[from_base, from_patch])
}

/// `d` with every usage row of month `last` repeated for each of the `months` months
/// after it.
#[must_use]
pub(crate) fn repeat_last(d: &Dataset, last: Month, months: u32) -> Dataset {
    let yes = |_: PartnerIdx, _: TenantIdx| true;
    let any = |_: TenantIdx| true;
    let all = |_: UsageTable, _: Month| true;
    let rows = |_: PartnerIdx| true;
    let refs = |_: PartnerIdx, _: Option<TenantIdx>| true;
    let part = Part {
        d,
        partner: (0..d.partners.len())
            .map(|p| Some(PartnerIdx(u32::try_from(p).unwrap_or(u32::MAX))))
            .collect(),
        assoc: &yes,
        tenant: &any,
        month: &all,
        partner_rows: &rows,
        refs: &refs,
        repeat: Some((last, months)),
    };
    build(d, &[part])
}

/// The latest month of any usage row.
#[must_use]
pub(crate) fn latest_usage_month(d: &Dataset) -> Option<Month> {
    [
        d.m365_usage.month.iter().max(),
        d.azure_usage.month.iter().max(),
        d.bizapps_usage.month.iter().max(),
    ]
    .into_iter()
    .flatten()
    .max()
    .copied()
}

/// The tenants a scenario may name: those of the `tenants` table, of associations and
/// of usage rows (as the scenario code reads the tables).
#[must_use]
pub(crate) fn named_tenants(d: &Dataset) -> Vec<bool> {
    let mut seen = vec![false; d.tenants.len()];
    let mut mark = |t: TenantIdx| {
        if let Some(s) = seen.get_mut(t.index()) {
            *s = true;
        }
    };
    d.tenant_info.names.keys().for_each(|t| mark(*t));
    d.tenant_info.countries.keys().for_each(|t| mark(*t));
    d.associations.tenant.iter().for_each(|t| mark(*t));
    d.m365_usage.tenant.iter().for_each(|t| mark(*t));
    d.azure_usage.tenant.iter().for_each(|t| mark(*t));
    d.bizapps_usage.tenant.iter().for_each(|t| mark(*t));
    seen
}

/// A row of a part: (part, row), with its month for usage (a repeat moves it).
type At = (usize, usize);

/// Names of one kind of id used by the kept rows of each part, numbered together in
/// name order: the new interner and, per part, the new id of each old id.
fn merge(interners: &[(&Interner, Vec<bool>)]) -> (Interner, Vec<Vec<u32>>) {
    let mut names: Vec<(&str, usize, u32)> = Vec::new();
    for (k, (i, used)) in interners.iter().enumerate() {
        for (id, u) in used.iter().enumerate() {
            if *u {
                let id = u32::try_from(id).unwrap_or(u32::MAX);
                names.push((i.name(id), k, id));
            }
        }
    }
    names.sort_unstable();
    let mut out = Interner::default();
    let mut maps: Vec<Vec<u32>> = interners.iter().map(|(i, _)| vec![0; i.len()]).collect();
    for (name, k, id) in names {
        let new = out.intern(name);
        if let Some(m) = maps.get_mut(k).and_then(|m| m.get_mut(id as usize)) {
            *m = new;
        }
    }
    (out, maps)
}

fn ranges(n: usize, keys: impl Iterator<Item = usize>) -> Vec<Range<u32>> {
    let mut out = vec![0..0; n];
    for (row, key) in keys.enumerate() {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        if let Some(r) = out.get_mut(key) {
            if r.end == 0 {
                *r = row..row.saturating_add(1);
            } else {
                r.end = row.saturating_add(1);
            }
        }
    }
    out
}

fn mark(used: &mut [bool], id: u32) {
    if let Some(u) = used.get_mut(id as usize) {
        *u = true;
    }
}

/// Kept rows of every table of every part.
#[derive(Default)]
struct Kept {
    assoc: Vec<At>,
    m365: Vec<(usize, usize, Month)>,
    azure: Vec<(usize, usize, Month)>,
    biz: Vec<(usize, usize, Month)>,
    certs: Vec<At>,
    exams: Vec<At>,
    enroll: Vec<At>,
    refs: Vec<At>,
    info: Vec<(usize, TenantIdx)>,
}

fn usage_rows(
    k: usize,
    part: &Part<'_>,
    table: UsageTable,
    by_tenant: &[Range<u32>],
    months: &[Month],
    out: &mut Vec<(usize, usize, Month)>,
) {
    for (t, range) in by_tenant.iter().enumerate() {
        if range.is_empty() || !(part.tenant)(TenantIdx(u32::try_from(t).unwrap_or(u32::MAX))) {
            continue;
        }
        let (lo, hi) = (range.start as usize, range.end as usize);
        for (r, &m) in months.iter().enumerate().take(hi).skip(lo) {
            if !(part.month)(table, m) {
                continue;
            }
            out.push((k, r, m));
            if let Some((last, n)) = part.repeat
                && m == last
            {
                for j in 1..=n {
                    out.push((k, r, m.offset(i32::try_from(j).unwrap_or(i32::MAX))));
                }
            }
        }
    }
}

fn kept(parts: &[Part<'_>]) -> Kept {
    let mut out = Kept::default();
    for (k, part) in parts.iter().enumerate() {
        let d = part.d;
        let in_new = |p: usize| part.partner.get(p).copied().flatten().is_some();
        for p in (0..d.partners.len()).filter(|p| in_new(*p)) {
            let pi = PartnerIdx(u32::try_from(p).unwrap_or(u32::MAX));
            let a = &d.associations;
            out.assoc.extend(
                rows_of(&a.by_partner, p)
                    .filter(|r| (part.assoc)(pi, a.tenant[*r]))
                    .map(|r| (k, r)),
            );
            if (part.partner_rows)(pi) {
                out.certs
                    .extend(rows_of(&d.certifications.by_partner, p).map(|r| (k, r)));
                out.exams
                    .extend(rows_of(&d.exams.by_partner, p).map(|r| (k, r)));
                out.enroll
                    .extend(rows_of(&d.enrollments.by_partner, p).map(|r| (k, r)));
            }
            let c = &d.customer_references;
            out.refs.extend(
                rows_of(&c.by_partner, p)
                    .filter(|r| (part.refs)(pi, c.tenant[*r]))
                    .map(|r| (k, r)),
            );
        }
        let u = &d.m365_usage;
        usage_rows(
            k,
            part,
            UsageTable::M365Usage,
            &u.by_tenant,
            &u.month,
            &mut out.m365,
        );
        let u = &d.azure_usage;
        usage_rows(
            k,
            part,
            UsageTable::AzureUsage,
            &u.by_tenant,
            &u.month,
            &mut out.azure,
        );
        let u = &d.bizapps_usage;
        usage_rows(
            k,
            part,
            UsageTable::BizappsUsage,
            &u.by_tenant,
            &u.month,
            &mut out.biz,
        );
        let mut info: BTreeSet<TenantIdx> = BTreeSet::new();
        info.extend(d.tenant_info.names.keys().filter(|t| (part.tenant)(**t)));
        info.extend(
            d.tenant_info
                .countries
                .keys()
                .filter(|t| (part.tenant)(**t)),
        );
        out.info.extend(info.into_iter().map(|t| (k, t)));
    }
    out
}

/// Per part: the ids of each interner its kept rows use.
struct Used {
    tenants: Vec<bool>,
    people: Vec<bool>,
    subscriptions: Vec<bool>,
    services: Vec<bool>,
    offers: Vec<bool>,
}

fn used(parts: &[Part<'_>], kept: &Kept) -> Vec<Used> {
    let mut out: Vec<Used> = parts
        .iter()
        .map(|p| Used {
            tenants: vec![false; p.d.tenants.len()],
            people: vec![false; p.d.people.len()],
            subscriptions: vec![false; p.d.subscriptions.len()],
            services: vec![false; p.d.services.len()],
            offers: vec![false; p.d.offers.len()],
        })
        .collect();
    for &(k, r) in &kept.assoc {
        let a = &parts[k].d.associations;
        mark(&mut out[k].tenants, a.tenant[r].0);
        if let Some(s) = a.subscription[r] {
            mark(&mut out[k].subscriptions, s);
        }
    }
    for &(k, r, _) in &kept.m365 {
        mark(&mut out[k].tenants, parts[k].d.m365_usage.tenant[r].0);
    }
    for &(k, r, _) in &kept.azure {
        let a = &parts[k].d.azure_usage;
        mark(&mut out[k].tenants, a.tenant[r].0);
        if let Some(s) = a.subscription[r] {
            mark(&mut out[k].subscriptions, s);
        }
        mark(&mut out[k].services, a.service[r]);
        mark(&mut out[k].offers, a.offer[r]);
    }
    for &(k, r, _) in &kept.biz {
        mark(&mut out[k].tenants, parts[k].d.bizapps_usage.tenant[r].0);
    }
    for &(k, r) in &kept.certs {
        mark(&mut out[k].people, parts[k].d.certifications.person[r].0);
    }
    for &(k, r) in &kept.exams {
        mark(&mut out[k].people, parts[k].d.exams.person[r].0);
    }
    for &(k, r) in &kept.refs {
        if let Some(t) = parts[k].d.customer_references.tenant[r] {
            mark(&mut out[k].tenants, t.0);
        }
    }
    for &(k, t) in &kept.info {
        mark(&mut out[k].tenants, t.0);
    }
    out
}

/// The new dataset from the kept rows of each part; `first` gives the partners table,
/// the tables present (with those of the other parts) and the usage window.
#[allow(clippy::too_many_lines)]
fn build(first: &Dataset, parts: &[Part<'_>]) -> Dataset {
    let kept = kept(parts);
    let used = used(parts, &kept);
    let (tenants, tm) = merge(
        &parts
            .iter()
            .zip(&used)
            .map(|(p, u)| (&p.d.tenants, u.tenants.clone()))
            .collect::<Vec<_>>(),
    );
    let (people, pm) = merge(
        &parts
            .iter()
            .zip(&used)
            .map(|(p, u)| (&p.d.people, u.people.clone()))
            .collect::<Vec<_>>(),
    );
    let (subscriptions, sm) = merge(
        &parts
            .iter()
            .zip(&used)
            .map(|(p, u)| (&p.d.subscriptions, u.subscriptions.clone()))
            .collect::<Vec<_>>(),
    );
    let (services, svm) = merge(
        &parts
            .iter()
            .zip(&used)
            .map(|(p, u)| (&p.d.services, u.services.clone()))
            .collect::<Vec<_>>(),
    );
    let (offers, om) = merge(
        &parts
            .iter()
            .zip(&used)
            .map(|(p, u)| (&p.d.offers, u.offers.clone()))
            .collect::<Vec<_>>(),
    );
    let tid = |k: usize, t: TenantIdx| TenantIdx(tm[k].get(t.index()).copied().unwrap_or(0));
    let sid = |k: usize, s: Option<u32>| s.map(|s| sm[k].get(s as usize).copied().unwrap_or(0));
    let pid = |k: usize, p: PartnerIdx| parts[k].partner[p.index()].unwrap_or(p);
    let person = |k: usize, p: PersonIdx| PersonIdx(pm[k].get(p.index()).copied().unwrap_or(0));
    let n_partners = first.partners.len();
    let n_tenants = tenants.len();

    let mut tenant_info = TenantInfo::default();
    for &(k, t) in &kept.info {
        let info = &parts[k].d.tenant_info;
        if let Some(n) = info.names.get(&t) {
            tenant_info.names.insert(tid(k, t), n.clone());
        }
        if let Some(c) = info.countries.get(&t) {
            tenant_info.countries.insert(tid(k, t), c.clone());
        }
    }

    // associations
    let mut rows = kept.assoc;
    rows.sort_by_key(|&(k, r)| {
        let a = &parts[k].d.associations;
        (
            pid(k, a.partner[r]),
            tid(k, a.tenant[r]),
            a.start[r],
            a.kind[r],
            a.workload[r],
            sid(k, a.subscription[r]),
            a.end[r],
            a.line[r],
        )
    });
    let mut a = Associations::default();
    for &(k, r) in &rows {
        let s = &parts[k].d.associations;
        a.partner.push(pid(k, s.partner[r]));
        a.tenant.push(tid(k, s.tenant[r]));
        a.kind.push(s.kind[r]);
        a.workload.push(s.workload[r]);
        a.subscription.push(sid(k, s.subscription[r]));
        a.start.push(s.start[r]);
        a.end.push(s.end[r]);
        a.line.push(s.line[r]);
    }
    a.by_partner = ranges(n_partners, a.partner.iter().map(|p| p.index()));

    // m365_usage
    let mut rows = kept.m365;
    rows.sort_by_key(|&(k, r, m)| {
        let u = &parts[k].d.m365_usage;
        (tid(k, u.tenant[r]), m, u.workload[r], u.line[r])
    });
    let mut m365 = M365Usage::default();
    for &(k, r, m) in &rows {
        let s = &parts[k].d.m365_usage;
        m365.tenant.push(tid(k, s.tenant[r]));
        m365.workload.push(s.workload[r]);
        m365.month.push(m);
        m365.paid_units.push(s.paid_units[r]);
        m365.active_users.push(s.active_users[r]);
        m365.line.push(s.line[r]);
    }
    m365.by_tenant = ranges(n_tenants, m365.tenant.iter().map(|t| t.index()));

    // azure_usage
    let mut rows = kept.azure;
    let svc = |k: usize, x: u32| svm[k].get(x as usize).copied().unwrap_or(0);
    let ofr = |k: usize, x: u32| om[k].get(x as usize).copied().unwrap_or(0);
    rows.sort_by_key(|&(k, r, m)| {
        let u = &parts[k].d.azure_usage;
        (
            tid(k, u.tenant[r]),
            m,
            sid(k, u.subscription[r]),
            svc(k, u.service[r]),
            ofr(k, u.offer[r]),
            u.line[r],
        )
    });
    let mut azure = AzureUsage::default();
    for &(k, r, m) in &rows {
        let s = &parts[k].d.azure_usage;
        azure.tenant.push(tid(k, s.tenant[r]));
        azure.subscription.push(sid(k, s.subscription[r]));
        azure.service.push(svc(k, s.service[r]));
        azure.offer.push(ofr(k, s.offer[r]));
        azure.month.push(m);
        azure.acr_usd.push(s.acr_usd[r]);
        azure.line.push(s.line[r]);
    }
    azure.by_tenant = ranges(n_tenants, azure.tenant.iter().map(|t| t.index()));

    // bizapps_usage
    let mut rows = kept.biz;
    rows.sort_by_key(|&(k, r, m)| {
        let u = &parts[k].d.bizapps_usage;
        (tid(k, u.tenant[r]), m, u.workload[r], u.line[r])
    });
    let mut biz = BizAppsUsage::default();
    for &(k, r, m) in &rows {
        let s = &parts[k].d.bizapps_usage;
        biz.tenant.push(tid(k, s.tenant[r]));
        biz.workload.push(s.workload[r]);
        biz.month.push(m);
        biz.revenue_usd.push(s.revenue_usd[r]);
        biz.units.push(s.units[r]);
        biz.line.push(s.line[r]);
    }
    biz.by_tenant = ranges(n_tenants, biz.tenant.iter().map(|t| t.index()));

    // certifications
    let mut rows = kept.certs;
    rows.sort_by(|&(k, r), &(j, q)| {
        let (x, y) = (&parts[k].d.certifications, &parts[j].d.certifications);
        (
            pid(k, x.partner[r]),
            person(k, x.person[r]),
            x.earned[r],
            x.cert[r],
            x.expires[r],
        )
            .cmp(&(
                pid(j, y.partner[q]),
                person(j, y.person[q]),
                y.earned[q],
                y.cert[q],
                y.expires[q],
            ))
            .then_with(|| x.title[r].cmp(&y.title[q]))
            .then(x.line[r].cmp(&y.line[q]))
    });
    let mut certs = Certifications::default();
    for &(k, r) in &rows {
        let s = &parts[k].d.certifications;
        certs.partner.push(pid(k, s.partner[r]));
        certs.person.push(person(k, s.person[r]));
        certs.cert.push(s.cert[r]);
        certs.title.push(s.title[r].clone());
        certs.earned.push(s.earned[r]);
        certs.expires.push(s.expires[r]);
        certs.line.push(s.line[r]);
    }
    certs.by_partner = ranges(n_partners, certs.partner.iter().map(|p| p.index()));

    // exams
    let mut rows = kept.exams;
    rows.sort_by(|&(k, r), &(j, q)| {
        let (x, y) = (&parts[k].d.exams, &parts[j].d.exams);
        (pid(k, x.partner[r]), person(k, x.person[r]), x.passed[r])
            .cmp(&(pid(j, y.partner[q]), person(j, y.person[q]), y.passed[q]))
            .then_with(|| x.exam[r].cmp(&y.exam[q]))
            .then(x.line[r].cmp(&y.line[q]))
    });
    let mut exams = Exams::default();
    for &(k, r) in &rows {
        let s = &parts[k].d.exams;
        exams.partner.push(pid(k, s.partner[r]));
        exams.person.push(person(k, s.person[r]));
        exams.exam.push(s.exam[r].clone());
        exams.passed.push(s.passed[r]);
        exams.line.push(s.line[r]);
    }
    exams.by_partner = ranges(n_partners, exams.partner.iter().map(|p| p.index()));

    // enrollments and customer references keep their order within a partner (only
    // whole partners' rows are taken from one part).
    let mut rows = kept.enroll;
    rows.sort_by_key(|&(k, r)| (pid(k, parts[k].d.enrollments.partner[r]), k, r));
    let mut enroll = Enrollments::default();
    for &(k, r) in &rows {
        let s = &parts[k].d.enrollments;
        enroll.partner.push(pid(k, s.partner[r]));
        enroll.program.push(s.program[r].clone());
        enroll.level.push(s.level[r].clone());
        enroll.enrolled.push(s.enrolled[r]);
        enroll.anniversary.push(s.anniversary[r]);
        enroll.benefits.push(s.benefits[r].clone());
        enroll.line.push(s.line[r]);
    }
    enroll.by_partner = ranges(n_partners, enroll.partner.iter().map(|p| p.index()));
    let mut rows = kept.refs;
    rows.sort_by_key(|&(k, r)| (pid(k, parts[k].d.customer_references.partner[r]), k, r));
    let mut refs = CustomerReferences::default();
    for &(k, r) in &rows {
        let s = &parts[k].d.customer_references;
        refs.partner.push(pid(k, s.partner[r]));
        refs.program.push(s.program[r].clone());
        refs.tenant.push(s.tenant[r].map(|t| tid(k, t)));
        refs.submitted.push(s.submitted[r]);
        refs.status.push(s.status[r]);
        refs.reviewed.push(s.reviewed[r]);
        refs.line.push(s.line[r]);
    }
    refs.by_partner = ranges(n_partners, refs.partner.iter().map(|p| p.index()));

    let present: Vec<String> = TABLES
        .iter()
        .filter(|t| parts.iter().any(|p| p.d.present.iter().any(|x| x == *t)))
        .map(|t| (*t).to_string())
        .collect();
    let file = |t: UsageTable| {
        parts
            .iter()
            .find_map(|p| p.d.coverage.table(t).map(|c| c.file.clone()))
            .unwrap_or_else(|| format!("{}.csv", t.name()))
    };
    let mut coverage = Coverage::default();
    for (t, months, lines) in [
        (UsageTable::M365Usage, &m365.month, &m365.line),
        (UsageTable::AzureUsage, &azure.month, &azure.line),
        (UsageTable::BizappsUsage, &biz.month, &biz.line),
    ] {
        if present.iter().any(|p| p == t.name()) {
            coverage
                .tables
                .push(TableCoverage::of(t, &file(t), months, lines));
        }
    }
    let mut dataset = Dataset {
        partners: first.partners.clone(),
        tenants,
        tenant_info,
        people,
        subscriptions,
        services,
        offers,
        associations: a,
        m365_usage: m365,
        azure_usage: azure,
        bizapps_usage: biz,
        certifications: certs,
        exams,
        enrollments: enroll,
        customer_references: refs,
        present,
        latest_month: None,
        coverage,
        usage_window: first.usage_window.clone(),
    };
    dataset.latest_month = latest_usage_month(&dataset);
    dataset
}
