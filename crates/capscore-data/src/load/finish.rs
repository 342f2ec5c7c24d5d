//! The end of a load: ids renumbered in name order, every table sorted and checked
//! for duplicate keys, and the per-partner / per-tenant indexes built.

use std::collections::HashMap;
use std::ops::Range;

use capscore_core::{Month, PersonIdx, TenantIdx, WorkloadId};

use rayon::iter::{
    IndexedParallelIterator as _, IntoParallelRefMutIterator as _, ParallelIterator as _,
};
use rayon::slice::ParallelSlice as _;

use crate::diag::{Diagnostic, Diags};
use crate::model::{
    Associations, AzureUsage, BizAppsUsage, Certifications, CustomerReferences, Dataset,
    Enrollments, Exams, Interner, M365Usage, ReferenceStatus, TenantInfo,
};
use crate::sort::sort_if_needed;
use crate::window::MonthTally;

use super::state::{
    AssocRow, AzureRow, BizRow, CertRow, EnrollRow, ExamRow, M365Row, RefRow, State, TenantRow,
    Usage, WorkloadRow,
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
    fn duplicates<R: Sync, K: PartialEq>(
        &mut self,
        columns: &str,
        rows: &[R],
        key: impl Fn(&R) -> K + Sync,
        line: impl Fn(&R) -> u32,
    ) {
        // Looked for on every core; listed in order only when there are some.
        let same = |w: &[R]| matches!(w, [x, y] if key(x) == key(y));
        if !rows.par_windows(2).any(same) {
            return;
        }
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

/// Moves rows into columns, first row first, on both cores: `left` and `right` fill
/// their own columns from the same rows, a part at a time (a part fits in a core's
/// cache). The row vector is reversed in place first and emptied from its end as parts
/// are done, handing its memory back as it goes, so that a large table's rows and its
/// columns are never both whole at once.
fn columns_in_order<R: Send + Sync>(
    mut rows: Vec<R>,
    mut left: impl FnMut(&[R]) + Send,
    mut right: impl FnMut(&[R]) + Send,
) {
    const PART: usize = 1 << 16;
    const GIVE_BACK: usize = 1 << 20;
    let half = rows.len() / 2;
    let (front, back) = rows.split_at_mut(half);
    front
        .par_iter_mut()
        .zip(back.par_iter_mut().rev())
        .for_each(|(x, y)| std::mem::swap(x, y));
    let mut since = 0;
    while !rows.is_empty() {
        let at = rows.len().saturating_sub(PART);
        if let Some(part) = rows.get_mut(at..) {
            part.reverse();
            let part: &[R] = part;
            rayon::join(|| left(part), || right(part));
        }
        rows.truncate(at);
        since += PART;
        if since >= GIVE_BACK {
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
    sort_if_needed(
        &mut rows,
        |r| r.partner,
        |r| {
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
        },
    );
    rep.check_size(rows.len());
    let n = rows.len();
    let mut a = Associations::default();
    let Associations {
        partner,
        tenant,
        kind,
        workload,
        subscription,
        start,
        end,
        line,
        ..
    } = &mut a;
    partner.reserve_exact(n);
    tenant.reserve_exact(n);
    kind.reserve_exact(n);
    workload.reserve_exact(n);
    subscription.reserve_exact(n);
    start.reserve_exact(n);
    end.reserve_exact(n);
    line.reserve_exact(n);
    columns_in_order(
        rows,
        |part| {
            partner.extend(part.iter().map(|r| r.partner));
            tenant.extend(part.iter().map(|r| TenantIdx(r.tenant)));
            kind.extend(part.iter().map(|r| r.kind));
        },
        |part| {
            workload.extend(part.iter().map(|r| r.workload));
            subscription.extend(part.iter().map(|r| r.subscription));
            start.extend(part.iter().map(|r| r.start));
            end.extend(part.iter().map(|r| r.end));
            line.extend(part.iter().map(|r| r.line));
        },
    );
    a.by_partner = ranges(x.n_partners, a.partner.iter().map(|p| p.index()));
    (a, rep.diags)
}

fn azure(mut rows: Vec<AzureRow>, x: &Maps, mut rep: Report<'_>) -> (AzureUsage, Diags) {
    rows.par_iter_mut().for_each(|r| {
        r.tenant = remap(&x.t, r.tenant);
        r.subscription = r.subscription.map(|s| remap(&x.su, s));
        r.service = remap(&x.se, r.service);
        r.offer = remap(&x.of, r.offer);
    });
    sort_if_needed(
        &mut rows,
        |r| r.tenant,
        |r| {
            (
                r.tenant,
                r.month,
                r.subscription,
                r.service,
                r.offer,
                r.line,
            )
        },
    );
    rep.duplicates(
        "tenant_id, subscription_id, service, offer and month",
        &rows,
        |r| (r.tenant, r.month, r.subscription, r.service, r.offer),
        |r| r.line,
    );
    rep.check_size(rows.len());
    let n = rows.len();
    let mut az = AzureUsage::default();
    let AzureUsage {
        tenant,
        subscription,
        service,
        offer,
        month,
        acr_usd,
        line,
        ..
    } = &mut az;
    tenant.reserve_exact(n);
    subscription.reserve_exact(n);
    service.reserve_exact(n);
    offer.reserve_exact(n);
    month.reserve_exact(n);
    acr_usd.reserve_exact(n);
    line.reserve_exact(n);
    columns_in_order(
        rows,
        |part| {
            tenant.extend(part.iter().map(|r| TenantIdx(r.tenant)));
            subscription.extend(part.iter().map(|r| r.subscription));
            service.extend(part.iter().map(|r| r.service));
            offer.extend(part.iter().map(|r| r.offer));
            month.extend(part.iter().map(|r| r.month));
        },
        |part| {
            acr_usd.extend(part.iter().map(|r| r.acr));
            line.extend(part.iter().map(|r| r.line));
        },
    );
    az.by_tenant = ranges(x.n_tenants, az.tenant.iter().map(|t| t.index()));
    (az, rep.diags)
}

fn m365(rows: Vec<M365Row>, x: &Maps, rep: Report<'_>) -> (M365Usage, Diags) {
    let (c, diags) = workload_columns(rows, x, rep);
    let (paid_units, active_users) = c.amounts;
    let usage = M365Usage {
        tenant: c.tenant,
        workload: c.workload,
        month: c.month,
        paid_units,
        active_users,
        line: c.line,
        by_tenant: c.by_tenant,
    };
    (usage, diags)
}

fn bizapps(rows: Vec<BizRow>, x: &Maps, rep: Report<'_>) -> (BizAppsUsage, Diags) {
    let (c, diags) = workload_columns(rows, x, rep);
    let (revenue_usd, units) = c.amounts;
    let usage = BizAppsUsage {
        tenant: c.tenant,
        workload: c.workload,
        month: c.month,
        revenue_usd,
        units,
        line: c.line,
        by_tenant: c.by_tenant,
    };
    (usage, diags)
}

/// The columns of a table of [`WorkloadRow`]s, sorted by (tenant, month, workload).
struct WorkloadColumns<V> {
    tenant: Vec<TenantIdx>,
    workload: Vec<WorkloadId>,
    month: Vec<Month>,
    amounts: (Vec<V>, Vec<V>),
    line: Vec<u32>,
    by_tenant: Vec<Range<u32>>,
}

fn workload_columns<V: Copy + Send + Sync>(
    mut rows: Vec<WorkloadRow<V>>,
    x: &Maps,
    mut rep: Report<'_>,
) -> (WorkloadColumns<V>, Diags) {
    rows.par_iter_mut()
        .for_each(|r| r.tenant = remap(&x.t, r.tenant));
    sort_if_needed(
        &mut rows,
        |r| r.tenant,
        |r| (r.tenant, r.month, r.workload, r.line),
    );
    rep.duplicates(
        "tenant_id, workload and month",
        &rows,
        |r| (r.tenant, r.month, r.workload),
        |r| r.line,
    );
    rep.check_size(rows.len());
    let n = rows.len();
    let mut c = WorkloadColumns {
        tenant: Vec::with_capacity(n),
        workload: Vec::with_capacity(n),
        month: Vec::with_capacity(n),
        amounts: (Vec::with_capacity(n), Vec::with_capacity(n)),
        line: Vec::with_capacity(n),
        by_tenant: Vec::new(),
    };
    let WorkloadColumns {
        tenant,
        workload,
        month,
        amounts: (first, second),
        line,
        ..
    } = &mut c;
    columns_in_order(
        rows,
        |part| {
            tenant.extend(part.iter().map(|r| TenantIdx(r.tenant)));
            workload.extend(part.iter().map(|r| r.workload));
            month.extend(part.iter().map(|r| r.month));
        },
        |part| {
            first.extend(part.iter().map(|r| r.amounts.0));
            second.extend(part.iter().map(|r| r.amounts.1));
            line.extend(part.iter().map(|r| r.line));
        },
    );
    c.by_tenant = ranges(x.n_tenants, c.tenant.iter().map(|t| t.index()));
    (c, rep.diags)
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
    pub(super) fn finish(mut self, mut usage: Usage<'_>, diags: &mut Diags) -> Dataset {
        let take = std::mem::take::<Interner>;
        // This thread's and the usage thread's interners, merged.
        let tenant_parts = [take(&mut self.tenants), take(&mut usage.tenants)];
        let subscription_parts = [
            take(&mut self.subscriptions),
            take(&mut usage.subscriptions),
        ];
        let (people_i, services_i, offers_i) = (
            take(&mut self.people),
            take(&mut usage.services),
            take(&mut usage.offers),
        );
        let (
            ((tenants, [t, tu]), (people, [pe])),
            ((subscriptions, [su, suu]), ((services, [se]), (offers, [of]))),
        ) = rayon::join(
            || {
                rayon::join(
                    || Interner::merge_sorted(tenant_parts),
                    || Interner::merge_sorted([people_i]),
                )
            },
            || {
                rayon::join(
                    || Interner::merge_sorted(subscription_parts),
                    || {
                        rayon::join(
                            || Interner::merge_sorted([services_i]),
                            || Interner::merge_sorted([offers_i]),
                        )
                    },
                )
            },
        );
        let (n_partners, n_tenants) = (self.partners.len(), tenants.len());
        // The other tables' ids and the usage tables' own.
        let x = Maps {
            n_partners,
            n_tenants,
            t,
            pe,
            su,
            se: Vec::new(),
            of: Vec::new(),
        };
        let xu = Maps {
            n_partners,
            n_tenants,
            t: tu,
            pe: Vec::new(),
            su: suu,
            se,
            of,
        };
        let files = &self.files;
        let rep = |table| Report::new(files, table);
        let (tenant_rows, assoc, m365_rows, azure_rows, biz_rows) = (
            std::mem::take(&mut self.tenant_rows),
            std::mem::take(&mut self.assoc),
            std::mem::take(&mut usage.m365),
            std::mem::take(&mut usage.azure),
            std::mem::take(&mut usage.biz),
        );
        let (cert_rows, exam_rows, enroll_rows, ref_rows) = (
            std::mem::take(&mut self.cert_rows),
            std::mem::take(&mut self.exams),
            std::mem::take(&mut self.enroll),
            std::mem::take(&mut self.refs),
        );
        // The largest tables first: the other core takes the rest meanwhile.
        let (
            (((az, daz), (m, dm)), ((bz, dbz), (info, (a, da)))),
            ((c, dc), ((ex, dex), ((en, den), (cr, dcr)))),
        ) = rayon::join(
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || azure(azure_rows, &xu, rep("azure_usage")),
                            || m365(m365_rows, &xu, rep("m365_usage")),
                        )
                    },
                    || {
                        rayon::join(
                            || bizapps(biz_rows, &xu, rep("bizapps_usage")),
                            || {
                                rayon::join(
                                    || tenant_info(tenant_rows, &x),
                                    || associations(assoc, &x, rep("associations")),
                                )
                            },
                        )
                    },
                )
            },
            || {
                rayon::join(
                    || certifications(cert_rows, &x, rep("certifications")),
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
            diags.append(d);
        }

        let latest_month = usage.tallies.iter().filter_map(MonthTally::last).max();
        let coverage = crate::coverage::Coverage::of_tables(&self.files, &usage.tallies);
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
}
