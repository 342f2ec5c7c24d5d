//! The end of a load: ids renumbered in name order, every table sorted and checked
//! for duplicate keys, and the per-partner / per-tenant indexes built.

use std::collections::HashMap;
use std::ops::Range;

use capscore_core::{PersonIdx, TenantIdx};
use rayon::slice::ParallelSliceMut;

use crate::diag::{Diagnostic, Diags};
use crate::model::{
    Associations, AzureUsage, BizAppsUsage, Certifications, CustomerReferences, Dataset,
    Enrollments, Exams, Interner, M365Usage, ReferenceStatus, TenantInfo,
};
use crate::sort::sort_if_needed;
use crate::window::MonthTally;

use super::state::{
    AssocRow, AzureRow, BizRow, CertRow, EnrollRow, ExamRow, M365Row, RefRow, State, TenantRow,
};

/// The problems of finishing one table. Tables are finished on several threads, each
/// with its own report; the reports are then added to the load's problems in table
/// order, so the problems listed (and those only counted, past the limit) are those of
/// finishing the tables one after another.
struct Report<'a> {
    files: &'a HashMap<&'static str, String>,
    table: &'static str,
    diags: Diags,
}

impl<'a> Report<'a> {
    fn new(files: &'a HashMap<&'static str, String>, table: &'static str) -> Self {
        Report {
            files,
            table,
            diags: Diags::default(),
        }
    }

    /// A problem about the table's rows (duplicates, size), at a line.
    fn problem(&mut self, line: u32, message: String) {
        self.diags.error(Diagnostic {
            table: self.table.to_string(),
            file: self
                .files
                .get(self.table)
                .cloned()
                .unwrap_or_else(|| self.table.to_string()),
            line: Some(u64::from(line)),
            column: None,
            message,
        });
    }

    /// Reports each row whose key equals the previous row's (rows sorted by key, then
    /// line), naming the earlier line.
    fn duplicates<R, K: PartialEq>(
        &mut self,
        columns: &str,
        rows: &[R],
        key: impl Fn(&R) -> K,
        line: impl Fn(&R) -> u32,
    ) {
        for w in rows.windows(2) {
            if let [x, y] = w
                && key(x) == key(y)
            {
                let message = format!(
                    "duplicate row: same {columns} as {} {}",
                    unit_of(self.files, self.table),
                    line(x)
                );
                self.problem(line(y), message);
            }
        }
    }

    /// Row indexes are 32-bit: a table may hold at most `u32::MAX` rows.
    fn check_size(&mut self, rows: usize) {
        if rows > u32::MAX as usize {
            self.problem(
                0,
                format!("too many rows ({rows}); at most {} are supported", u32::MAX),
            );
        }
    }
}

/// Moves rows into columns, first row first, handing the row vector's memory back as
/// it goes (the vector is reversed in place, then emptied from its end), so that a
/// large table's rows and its columns are never both whole at once.
fn drain_in_order<R>(mut rows: Vec<R>, mut push: impl FnMut(R)) {
    const STEP: usize = 1 << 20;
    rows.reverse();
    let mut since = 0;
    while let Some(r) = rows.pop() {
        push(r);
        since += 1;
        if since == STEP {
            rows.shrink_to_fit();
            since = 0;
        }
    }
}

/// The old-to-new id maps of the interners renumbered in name order.
struct Maps {
    t: Vec<u32>,
    pe: Vec<u32>,
    su: Vec<u32>,
    se: Vec<u32>,
    of: Vec<u32>,
    n_partners: usize,
    n_tenants: usize,
}

fn tenant_info(rows: Vec<TenantRow>, x: &Maps) -> TenantInfo {
    let mut info = TenantInfo::default();
    for row in rows {
        let idx = TenantIdx(remap(&x.t, row.tenant));
        if let Some(n) = row.name {
            info.names.insert(idx, n);
        }
        if let Some(c) = row.country {
            info.countries.insert(idx, c);
        }
    }
    info
}

fn associations(mut rows: Vec<AssocRow>, x: &Maps, mut rep: Report<'_>) -> (Associations, Diags) {
    for r in &mut rows {
        r.tenant = remap(&x.t, r.tenant);
        r.subscription = r.subscription.map(|s| remap(&x.su, s));
    }
    sort_if_needed(&mut rows, |r| {
        (
            r.partner,
            r.tenant,
            r.start,
            r.kind,
            r.workload,
            r.subscription,
            r.end,
            r.line,
        )
    });
    rep.check_size(rows.len());
    let mut a = Associations {
        by_partner: ranges(x.n_partners, rows.iter().map(|r| r.partner.index())),
        ..Default::default()
    };
    let n = rows.len();
    a.partner.reserve_exact(n);
    a.tenant.reserve_exact(n);
    a.kind.reserve_exact(n);
    a.workload.reserve_exact(n);
    a.subscription.reserve_exact(n);
    a.start.reserve_exact(n);
    a.end.reserve_exact(n);
    a.line.reserve_exact(n);
    drain_in_order(rows, |r| {
        a.partner.push(r.partner);
        a.tenant.push(TenantIdx(r.tenant));
        a.kind.push(r.kind);
        a.workload.push(r.workload);
        a.subscription.push(r.subscription);
        a.start.push(r.start);
        a.end.push(r.end);
        a.line.push(r.line);
    });
    (a, rep.diags)
}

fn m365(mut rows: Vec<M365Row>, x: &Maps, mut rep: Report<'_>) -> (M365Usage, Diags) {
    for r in &mut rows {
        r.tenant = remap(&x.t, r.tenant);
    }
    sort_if_needed(&mut rows, |r| (r.tenant, r.month, r.workload, r.line));
    rep.duplicates(
        "tenant_id, workload and month",
        &rows,
        |r| (r.tenant, r.month, r.workload),
        |r| r.line,
    );
    rep.check_size(rows.len());
    let mut m = M365Usage {
        by_tenant: ranges(x.n_tenants, rows.iter().map(|r| r.tenant as usize)),
        ..Default::default()
    };
    let n = rows.len();
    m.tenant.reserve_exact(n);
    m.workload.reserve_exact(n);
    m.month.reserve_exact(n);
    m.paid_units.reserve_exact(n);
    m.active_users.reserve_exact(n);
    m.line.reserve_exact(n);
    drain_in_order(rows, |r| {
        m.tenant.push(TenantIdx(r.tenant));
        m.workload.push(r.workload);
        m.month.push(r.month);
        m.paid_units.push(r.paid);
        m.active_users.push(r.active);
        m.line.push(r.line);
    });
    (m, rep.diags)
}

fn azure(mut rows: Vec<AzureRow>, x: &Maps, mut rep: Report<'_>) -> (AzureUsage, Diags) {
    for r in &mut rows {
        r.tenant = remap(&x.t, r.tenant);
        r.subscription = r.subscription.map(|s| remap(&x.su, s));
        r.service = remap(&x.se, r.service);
        r.offer = remap(&x.of, r.offer);
    }
    sort_if_needed(&mut rows, |r| {
        (
            r.tenant,
            r.month,
            r.subscription,
            r.service,
            r.offer,
            r.line,
        )
    });
    rep.duplicates(
        "tenant_id, subscription_id, service, offer and month",
        &rows,
        |r| (r.tenant, r.month, r.subscription, r.service, r.offer),
        |r| r.line,
    );
    rep.check_size(rows.len());
    let mut az = AzureUsage {
        by_tenant: ranges(x.n_tenants, rows.iter().map(|r| r.tenant as usize)),
        ..Default::default()
    };
    let n = rows.len();
    az.tenant.reserve_exact(n);
    az.subscription.reserve_exact(n);
    az.service.reserve_exact(n);
    az.offer.reserve_exact(n);
    az.month.reserve_exact(n);
    az.acr_usd.reserve_exact(n);
    az.line.reserve_exact(n);
    drain_in_order(rows, |r| {
        az.tenant.push(TenantIdx(r.tenant));
        az.subscription.push(r.subscription);
        az.service.push(r.service);
        az.offer.push(r.offer);
        az.month.push(r.month);
        az.acr_usd.push(r.acr);
        az.line.push(r.line);
    });
    (az, rep.diags)
}

fn bizapps(mut rows: Vec<BizRow>, x: &Maps, mut rep: Report<'_>) -> (BizAppsUsage, Diags) {
    for r in &mut rows {
        r.tenant = remap(&x.t, r.tenant);
    }
    sort_if_needed(&mut rows, |r| (r.tenant, r.month, r.workload, r.line));
    rep.duplicates(
        "tenant_id, workload and month",
        &rows,
        |r| (r.tenant, r.month, r.workload),
        |r| r.line,
    );
    rep.check_size(rows.len());
    let mut bz = BizAppsUsage {
        by_tenant: ranges(x.n_tenants, rows.iter().map(|r| r.tenant as usize)),
        ..Default::default()
    };
    let n = rows.len();
    bz.tenant.reserve_exact(n);
    bz.workload.reserve_exact(n);
    bz.month.reserve_exact(n);
    bz.revenue_usd.reserve_exact(n);
    bz.units.reserve_exact(n);
    bz.line.reserve_exact(n);
    drain_in_order(rows, |r| {
        bz.tenant.push(TenantIdx(r.tenant));
        bz.workload.push(r.workload);
        bz.month.push(r.month);
        bz.revenue_usd.push(r.revenue);
        bz.units.push(r.units);
        bz.line.push(r.line);
    });
    (bz, rep.diags)
}

fn certifications(
    mut rows: Vec<CertRow>,
    x: &Maps,
    mut rep: Report<'_>,
) -> (Certifications, Diags) {
    for r in &mut rows {
        r.person = remap(&x.pe, r.person);
    }
    rows.sort_unstable_by(|x, y| {
        (x.partner, x.person, x.earned, x.cert, x.expires)
            .cmp(&(y.partner, y.person, y.earned, y.cert, y.expires))
            .then_with(|| x.title.cmp(&y.title))
            .then(x.line.cmp(&y.line))
    });
    rep.check_size(rows.len());
    let mut c = Certifications {
        by_partner: ranges(x.n_partners, rows.iter().map(|r| r.partner.index())),
        ..Default::default()
    };
    for r in rows {
        c.partner.push(r.partner);
        c.person.push(PersonIdx(r.person));
        c.cert.push(r.cert);
        c.title.push(r.title);
        c.earned.push(r.earned);
        c.expires.push(r.expires);
        c.line.push(r.line);
    }
    (c, rep.diags)
}

fn exams(mut rows: Vec<ExamRow>, x: &Maps, mut rep: Report<'_>) -> (Exams, Diags) {
    for r in &mut rows {
        r.person = remap(&x.pe, r.person);
    }
    rows.sort_unstable_by(|x, y| {
        (x.partner, x.person, x.passed)
            .cmp(&(y.partner, y.person, y.passed))
            .then_with(|| x.exam.cmp(&y.exam))
            .then(x.line.cmp(&y.line))
    });
    rep.check_size(rows.len());
    let mut ex = Exams {
        by_partner: ranges(x.n_partners, rows.iter().map(|r| r.partner.index())),
        ..Default::default()
    };
    for r in rows {
        ex.partner.push(r.partner);
        ex.person.push(PersonIdx(r.person));
        ex.exam.push(r.exam);
        ex.passed.push(r.passed);
        ex.line.push(r.line);
    }
    (ex, rep.diags)
}

fn enrollments(mut rows: Vec<EnrollRow>, x: &Maps, mut rep: Report<'_>) -> (Enrollments, Diags) {
    rows.sort_unstable_by(|x, y| {
        (x.partner, x.enrolled, x.anniversary)
            .cmp(&(y.partner, y.enrolled, y.anniversary))
            .then_with(|| {
                (&x.program, &x.level, &x.benefits).cmp(&(&y.program, &y.level, &y.benefits))
            })
            .then(x.line.cmp(&y.line))
    });
    rep.check_size(rows.len());
    let mut en = Enrollments {
        by_partner: ranges(x.n_partners, rows.iter().map(|r| r.partner.index())),
        ..Default::default()
    };
    for r in rows {
        en.partner.push(r.partner);
        en.program.push(r.program);
        en.level.push(r.level);
        en.enrolled.push(r.enrolled);
        en.anniversary.push(r.anniversary);
        en.benefits.push(r.benefits);
        en.line.push(r.line);
    }
    (en, rep.diags)
}

fn references(mut rows: Vec<RefRow>, x: &Maps, mut rep: Report<'_>) -> (CustomerReferences, Diags) {
    for r in &mut rows {
        r.tenant = r.tenant.map(|id| remap(&x.t, id));
    }
    rows.sort_unstable_by(|x, y| {
        (x.partner, x.submitted)
            .cmp(&(y.partner, y.submitted))
            .then_with(|| x.program.cmp(&y.program))
            .then_with(|| {
                (x.tenant, status_rank(x.status), x.reviewed).cmp(&(
                    y.tenant,
                    status_rank(y.status),
                    y.reviewed,
                ))
            })
            .then(x.line.cmp(&y.line))
    });
    rep.check_size(rows.len());
    let mut cr = CustomerReferences {
        by_partner: ranges(x.n_partners, rows.iter().map(|r| r.partner.index())),
        ..Default::default()
    };
    for r in rows {
        cr.partner.push(r.partner);
        cr.program.push(r.program);
        cr.tenant.push(r.tenant.map(TenantIdx));
        cr.submitted.push(r.submitted);
        cr.status.push(r.status);
        cr.reviewed.push(r.reviewed);
        cr.line.push(r.line);
    }
    (cr, rep.diags)
}

impl State<'_> {
    /// Renumbers ids in name order, sorts every table, checks duplicate keys and
    /// builds the indexes. The interners are renumbered, and then the tables finished,
    /// on both cores.
    pub(super) fn finish(mut self, diags: &mut Diags) -> Dataset {
        let (((tenants, t), (people, pe)), ((subscriptions, su), ((services, se), (offers, of)))) =
            rayon::join(
                || rayon::join(|| canonical(&self.tenants), || canonical(&self.people)),
                || {
                    rayon::join(
                        || canonical(&self.subscriptions),
                        || rayon::join(|| canonical(&self.services), || canonical(&self.offers)),
                    )
                },
            );
        let x = Maps {
            n_partners: self.partners.len(),
            n_tenants: tenants.len(),
            t,
            pe,
            su,
            se,
            of,
        };
        let files = &self.files;
        let rep = |table| Report::new(files, table);
        let (tenant_rows, assoc, m365_rows, azure_rows, biz_rows) = (
            std::mem::take(&mut self.tenant_rows),
            std::mem::take(&mut self.assoc),
            std::mem::take(&mut self.m365),
            std::mem::take(&mut self.azure),
            std::mem::take(&mut self.biz),
        );
        let (cert_rows, exam_rows, enroll_rows, ref_rows) = (
            std::mem::take(&mut self.cert_rows),
            std::mem::take(&mut self.exams),
            std::mem::take(&mut self.enroll),
            std::mem::take(&mut self.refs),
        );
        let (
            ((info, (a, da)), ((m, dm), (az, daz))),
            (((bz, dbz), (c, dc)), ((ex, dex), ((en, den), (cr, dcr)))),
        ) = rayon::join(
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || tenant_info(tenant_rows, &x),
                            || associations(assoc, &x, rep("associations")),
                        )
                    },
                    || {
                        rayon::join(
                            || m365(m365_rows, &x, rep("m365_usage")),
                            || azure(azure_rows, &x, rep("azure_usage")),
                        )
                    },
                )
            },
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || bizapps(biz_rows, &x, rep("bizapps_usage")),
                            || certifications(cert_rows, &x, rep("certifications")),
                        )
                    },
                    || {
                        rayon::join(
                            || exams(exam_rows, &x, rep("exams")),
                            || {
                                rayon::join(
                                    || enrollments(enroll_rows, &x, rep("enrollments")),
                                    || references(ref_rows, &x, rep("customer_references")),
                                )
                            },
                        )
                    },
                )
            },
        );
        for d in [da, dm, daz, dbz, dc, dex, den, dcr] {
            diags.append_errors(d);
        }

        let latest_month = self.tallies.iter().filter_map(MonthTally::last).max();
        let coverage = crate::coverage::Coverage::of_tables(&self.files, &self.tallies);
        Dataset {
            partners: self.partners,
            tenants,
            tenant_info: info,
            people,
            subscriptions,
            services,
            offers,
            associations: a,
            m365_usage: m,
            azure_usage: az,
            bizapps_usage: bz,
            certifications: c,
            exams: ex,
            enrollments: en,
            customer_references: cr,
            present: self.present,
            latest_month,
            coverage,
            usage_window: self.window,
        }
    }
}

/// "line" or "row" for the file of a table.
fn unit_of(files: &HashMap<&'static str, String>, table: &str) -> &'static str {
    match files.get(table) {
        Some(f) if f.to_ascii_lowercase().ends_with(".parquet") => "row",
        _ => "line",
    }
}

fn status_rank(s: ReferenceStatus) -> u8 {
    match s {
        ReferenceStatus::Approved => 0,
        ReferenceStatus::Rejected => 1,
        ReferenceStatus::Pending => 2,
    }
}

/// The interner with the same names numbered in name order, and the map from old to
/// new ids.
fn canonical(temp: &Interner) -> (Interner, Vec<u32>) {
    let n = u32::try_from(temp.len()).unwrap_or(u32::MAX);
    let mut order: Vec<u32> = (0..n).collect();
    order.par_sort_unstable_by(|a, b| temp.name(*a).cmp(temp.name(*b)));
    let mut out = Interner::default();
    let mut map = vec![0u32; order.len()];
    for old in order {
        let new = out.intern(temp.name(old));
        if let Some(m) = map.get_mut(old as usize) {
            *m = new;
        }
    }
    (out, map)
}

fn remap(map: &[u32], id: u32) -> u32 {
    map.get(id as usize).copied().unwrap_or(id)
}

/// Row ranges of each key `0..n`, given the keys of rows sorted by key (empty range
/// `0..0` for keys without rows).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_sorted_keys() {
        let r = ranges(4, [0usize, 0, 2, 2, 2].into_iter());
        assert_eq!(r, vec![0..2, 0..0, 2..5, 0..0]);
    }

    #[test]
    fn canonical_numbers_in_name_order() {
        let mut i = Interner::default();
        for n in ["b", "c", "a"] {
            i.intern(n);
        }
        let (c, map) = canonical(&i);
        assert_eq!(c.name(0), "a");
        assert_eq!(c.name(2), "c");
        assert_eq!(map, vec![1, 2, 0]);
    }
}
