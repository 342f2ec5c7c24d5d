//! One reader per table: each row is checked (every problem reported at its line and
//! column) and, when valid, kept with provisional ids.

use std::collections::HashMap;

use capscore_core::{AssocTypeId, PartnerIdx};

use crate::diag::{Diags, quoted};
use crate::model::{Market, Partners, ReferenceStatus};
use crate::source::{Format, Input};

use super::columns::{
    ASSOCIATIONS, CERTIFICATIONS, ENROLLMENTS, EXAMS, PARTNERS, REFERENCES, TENANTS,
};
use super::read;
use super::state::{
    AssocRow, CertRow, CertWarning, EnrollRow, ExamRow, PartnerRow, PerEntry, RefRow, State,
    TenantRow, resolve_workload,
};

impl State<'_> {
    pub(super) fn load_partners(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const ID: usize = 0;
        const NAME: usize = 1;
        const PARENT: usize = 2;
        const MARKET: usize = 3;
        let mut rows: Vec<PartnerRow> = Vec::new();
        let mut parent_column = String::from("parent_id");
        let written = &mut self.partner_ids_written;
        let mut seen = 0usize;
        let errors_before = diags.error_count();
        let ok = read(input, &PARTNERS, diags, &mut |ctx| {
            seen += 1;
            let id = ctx.required(ID);
            if !id.is_empty() {
                match written.get(id) {
                    Some(&first) => ctx.error(
                        ID,
                        format!(
                            "duplicate partner_id {}: already on {} {first}",
                            quoted(id),
                            unit(input)
                        ),
                    ),
                    None => {
                        written.insert(id.to_string(), ctx.line);
                    }
                }
            }
            let market = match ctx.get(MARKET) {
                None => Market::Mature,
                Some(s) if s.eq_ignore_ascii_case("mature") => Market::Mature,
                Some(s) if s.eq_ignore_ascii_case("emerging") => Market::Emerging,
                Some(s) => {
                    ctx.error(
                        MARKET,
                        format!(
                            "market must be mature or emerging (empty: mature), not {}",
                            quoted(s)
                        ),
                    );
                    Market::Mature
                }
            };
            if ctx.failed {
                return;
            }
            if let Some(n) = ctx.names.get(PARENT) {
                parent_column.clone_from(n);
            }
            rows.push(PartnerRow {
                id: id.to_string(),
                name: ctx.get(NAME).map(str::to_string),
                parent: ctx.get(PARENT).map(str::to_string),
                market,
                line: ctx.line32(),
            });
        });
        if ok && seen == 0 && diags.error_count() == errors_before {
            // References to partners would all fail for this one cause: say it once.
            diags.error(
                input.diag(
                    None,
                    None,
                    "the table has no partner rows: a dataset needs at least one partner (\
                 references to partners in other tables are not checked)"
                        .to_string(),
                ),
            );
            return;
        }
        self.partners_known = ok;
        rows.sort_by(|a, b| a.id.cmp(&b.id).then(a.line.cmp(&b.line)));
        if rows.len() > u32::MAX as usize {
            diags.error(input.diag(
                None,
                None,
                "too many partners (more than 4294967295)".to_string(),
            ));
            return;
        }
        for (i, row) in rows.iter().enumerate() {
            self.partner_ids
                .insert(row.id.clone(), PartnerIdx(i as u32));
        }
        let mut p = Partners::default();
        for row in rows {
            let parent = row.parent.as_deref().and_then(|id| {
                if let Some(&idx) = self.partner_ids.get(id) {
                    Some(idx)
                } else {
                    if !self.partner_ids_written.contains_key(id) {
                        diags.error(input.diag(
                            Some(u64::from(row.line)),
                            Some(&parent_column),
                            format!("parent_id {} is not a partner_id in partners", quoted(id)),
                        ));
                    }
                    None
                }
            });
            p.ids.push(row.id);
            p.names.push(row.name);
            p.parent.push(parent);
            p.market.push(row.market);
            p.line.push(row.line);
        }
        let links: Vec<Option<usize>> = p.parent.iter().map(|x| x.map(|i| i.0 as usize)).collect();
        for cycle in crate::hierarchy::parent_cycles(&links) {
            let at = |i: usize| {
                (
                    p.ids.get(i).map_or("", String::as_str),
                    p.line.get(i).copied().unwrap_or(0),
                )
            };
            let first = cycle.first().copied().unwrap_or(0);
            let message = if cycle.len() == 1 {
                format!(
                    "partner {} is its own parent: a location account names another partner as parent_id",
                    quoted(at(first).0)
                )
            } else {
                let path: Vec<String> = cycle
                    .iter()
                    .chain(std::iter::once(&first))
                    .map(|i| quoted(at(*i).0))
                    .collect();
                let lines: Vec<String> = cycle.iter().map(|i| at(*i).1.to_string()).collect();
                format!(
                    "parent_id links make a cycle: {} ({} {}); a global account has no parent_id",
                    path.join(" → "),
                    if input.format == Format::Parquet {
                        "rows"
                    } else {
                        "lines"
                    },
                    lines.join(", ")
                )
            };
            diags.error(input.diag(Some(u64::from(at(first).1)), Some(&parent_column), message));
        }
        self.partners = p;
    }

    pub(super) fn load_tenants(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const ID: usize = 0;
        const NAME: usize = 1;
        const COUNTRY: usize = 2;
        let mut first: HashMap<u32, u64> = HashMap::new();
        let tenants = &mut self.tenants;
        let rows = &mut self.tenant_rows;
        read(input, &TENANTS, diags, &mut |ctx| {
            let id = ctx.required(ID);
            if ctx.failed {
                return;
            }
            let tenant = tenants.intern(id);
            if let Some(&line) = first.get(&tenant) {
                ctx.error(
                    ID,
                    format!(
                        "duplicate tenant_id {}: already on {} {line}",
                        quoted(id),
                        unit(input)
                    ),
                );
                return;
            }
            first.insert(tenant, ctx.line);
            rows.push(TenantRow {
                tenant,
                name: ctx.get(NAME).map(str::to_string),
                country: ctx.get(COUNTRY).map(str::to_string),
            });
        });
    }

    pub(super) fn load_associations(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const PARTNER: usize = 0;
        const TENANT: usize = 1;
        const TYPE: usize = 2;
        const WORKLOAD: usize = 3;
        const SUBSCRIPTION: usize = 4;
        const START: usize = 5;
        const END: usize = 6;
        let mut rows = std::mem::take(&mut self.assoc);
        // Values derived once per dictionary entry.
        let (mut partners, mut tenants) = (PerEntry::default(), PerEntry::default());
        let (mut kinds, mut workloads) = (PerEntry::default(), PerEntry::default());
        read(input, &ASSOCIATIONS, diags, &mut |ctx| {
            let partner = self.partner_cached(&mut partners, ctx, PARTNER);
            let tenant_id = ctx.required(TENANT);
            let kind = kinds
                .get_or(ctx.key(TYPE), || self.assoc_type_of(ctx, TYPE))
                .unwrap_or(AssocTypeId(0));
            let names = &mut self.workloads;
            let workload = resolve_workload(self.vocab, (names, &mut workloads), ctx, WORKLOAD);
            let start = ctx.date(START);
            let end = ctx.opt_date(END);
            if let Some(e) = end
                && !ctx.failed
                && e < start
            {
                ctx.error(END, format!("end_date {e} is before start_date {start}"));
            }
            if ctx.failed {
                return;
            }
            let tenant = tenants.intern(ctx.key(TENANT), &mut self.tenants, tenant_id);
            let subscription = ctx.get(SUBSCRIPTION).map(|s| self.subscriptions.intern(s));
            rows.push(AssocRow {
                partner,
                tenant,
                kind,
                workload,
                subscription,
                start,
                end,
                line: ctx.line32(),
            });
        });
        self.assoc = rows;
    }

    pub(super) fn load_certifications(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const PARTNER: usize = 0;
        const PERSON: usize = 1;
        const CERT: usize = 2;
        const EARNED: usize = 3;
        const EXPIRES: usize = 4;
        let mut rows = std::mem::take(&mut self.cert_rows);
        let mut warnings: HashMap<String, CertWarning> = HashMap::new();
        let mut partners = PerEntry::default();
        read(input, &CERTIFICATIONS, diags, &mut |ctx| {
            let partner = self.partner_cached(&mut partners, ctx, PARTNER);
            let person = ctx.required(PERSON);
            let title = ctx.required(CERT);
            let earned = ctx.date(EARNED);
            let expires = ctx.opt_date(EXPIRES);
            if ctx.failed {
                return;
            }
            let lookup = self.cert(title);
            if let Some(message) = &lookup.warning {
                if let Some(w) = warnings.get_mut(title) {
                    w.rows += 1;
                    w.line = w.line.min(ctx.line);
                } else {
                    // A title's first row: the map is keyed by title, so that later
                    // rows need no copy of it.
                    let w = CertWarning {
                        line: ctx.line,
                        rows: 1,
                        column: ctx.names.get(CERT).cloned().unwrap_or_default(),
                        message: message.to_string(),
                    };
                    warnings.insert(title.to_string(), w);
                }
            }
            rows.push(CertRow {
                partner,
                person: self.people.intern(person),
                cert: lookup.id,
                title: title.to_string(),
                earned,
                expires,
                line: ctx.line32(),
            });
        });
        self.cert_rows = rows;
        let mut warnings: Vec<CertWarning> = warnings.into_values().collect();
        warnings.sort_by_key(|w| w.line);
        for w in warnings {
            let more = if w.rows > 1 {
                format!(" ({} rows)", w.rows)
            } else {
                String::new()
            };
            diags.warn(input.diag(
                Some(w.line),
                Some(&w.column),
                format!("{}{more}", w.message),
            ));
        }
    }

    pub(super) fn load_exams(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const PARTNER: usize = 0;
        const PERSON: usize = 1;
        const EXAM: usize = 2;
        const PASSED: usize = 3;
        let mut rows = std::mem::take(&mut self.exams);
        read(input, &EXAMS, diags, &mut |ctx| {
            let partner = self.partner(ctx, PARTNER);
            let person = ctx.required(PERSON);
            let exam = ctx.required(EXAM);
            let passed = ctx.date(PASSED);
            if ctx.failed {
                return;
            }
            rows.push(ExamRow {
                partner,
                person: self.people.intern(person),
                exam: exam.to_string(),
                passed,
                line: ctx.line32(),
            });
        });
        self.exams = rows;
    }

    pub(super) fn load_enrollments(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const PARTNER: usize = 0;
        const PROGRAM: usize = 1;
        const LEVEL: usize = 2;
        const ENROLLED: usize = 3;
        const ANNIVERSARY: usize = 4;
        const BENEFITS: usize = 5;
        let mut rows = std::mem::take(&mut self.enroll);
        read(input, &ENROLLMENTS, diags, &mut |ctx| {
            let partner = self.partner(ctx, PARTNER);
            let program = self.program(ctx, PROGRAM);
            let enrolled = ctx.date(ENROLLED);
            let anniversary = ctx.date(ANNIVERSARY);
            if !ctx.failed && anniversary < enrolled {
                ctx.error(
                    ANNIVERSARY,
                    format!("anniversary_date {anniversary} is before enrolled_date {enrolled}"),
                );
            }
            if ctx.failed {
                return;
            }
            let level = ctx.get(LEVEL).map(str::to_lowercase);
            if let Some(l) = &level
                && l != "silver"
                && l != "gold"
            {
                ctx.warn(
                    LEVEL,
                    format!("level {} is neither silver nor gold", quoted(l)),
                );
            }
            let benefits = ctx.get(BENEFITS).map(str::to_lowercase);
            if let Some(b) = &benefits
                && b != "solutions_partner"
                && b != "legacy"
            {
                ctx.warn(
                    BENEFITS,
                    format!(
                        "benefits {} is neither solutions_partner nor legacy",
                        quoted(b)
                    ),
                );
            }
            rows.push(EnrollRow {
                partner,
                program,
                level,
                enrolled,
                anniversary,
                benefits,
                line: ctx.line32(),
            });
        });
        self.enroll = rows;
    }

    pub(super) fn load_references(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const PARTNER: usize = 0;
        const PROGRAM: usize = 1;
        const TENANT: usize = 2;
        const SUBMITTED: usize = 3;
        const STATUS: usize = 4;
        const REVIEWED: usize = 5;
        let mut rows = std::mem::take(&mut self.refs);
        read(input, &REFERENCES, diags, &mut |ctx| {
            let partner = self.partner(ctx, PARTNER);
            let program = self.program(ctx, PROGRAM);
            let submitted = ctx.date(SUBMITTED);
            let reviewed = ctx.opt_date(REVIEWED);
            let status = match ctx.get(STATUS) {
                Some(s) if s.eq_ignore_ascii_case("approved") => ReferenceStatus::Approved,
                Some(s) if s.eq_ignore_ascii_case("rejected") => ReferenceStatus::Rejected,
                Some(s) if s.eq_ignore_ascii_case("pending") => ReferenceStatus::Pending,
                Some(s) => {
                    ctx.error(
                        STATUS,
                        format!(
                            "status must be approved, rejected or pending, not {}",
                            quoted(s)
                        ),
                    );
                    ReferenceStatus::Pending
                }
                None => {
                    ctx.required(STATUS);
                    ReferenceStatus::Pending
                }
            };
            if ctx.failed {
                return;
            }
            let tenant = ctx.get(TENANT).map(|t| self.tenants.intern(t));
            rows.push(RefRow {
                partner,
                program,
                tenant,
                submitted,
                status,
                reviewed,
                line: ctx.line32(),
            });
        });
        self.refs = rows;
    }
}

/// "line" for CSV, "row" for Parquet.
fn unit(input: &Input<'_>) -> &'static str {
    match input.format {
        Format::Csv => "line",
        Format::Parquet => "row",
    }
}
