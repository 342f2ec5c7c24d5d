//! The readers of the usage tables (`m365_usage`, `azure_usage`, `bizapps_usage`):
//! each row is checked (every problem reported at its line and column), counted in its
//! table's coverage and, when valid and in a month the load keeps, kept with the
//! usage tables' own provisional ids.

use crate::coverage::UsageTable;
use crate::diag::Diags;
use crate::source::{Column, Input, RowCtx};

use super::columns::{AZURE, BIZAPPS, M365};
use super::read;
use super::state::{AzureRow, PerEntry, Usage, WorkloadRow};

impl Usage<'_> {
    pub(super) fn load_m365(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const PAID: usize = 3;
        const ACTIVE: usize = 4;
        let rows = std::mem::take(&mut self.m365);
        self.m365 = self.load_workload_rows(
            input,
            (&M365, UsageTable::M365Usage),
            rows,
            diags,
            |ctx| (ctx.whole(PAID), ctx.whole(ACTIVE)),
            |ctx, &(paid, active)| {
                if active > paid {
                    ctx.warn(
                        ACTIVE,
                        format!("active_users {active} is greater than paid_units {paid}"),
                    );
                }
            },
        );
    }

    pub(super) fn load_azure(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const TENANT: usize = 0;
        const SUBSCRIPTION: usize = 1;
        const SERVICE: usize = 2;
        const OFFER: usize = 3;
        const MONTH: usize = 4;
        const ACR: usize = 5;
        let mut rows = std::mem::take(&mut self.azure);
        let mut tenants = PerEntry::default();
        let mut subscriptions = PerEntry::default();
        let (mut services, mut offers) = (PerEntry::default(), PerEntry::default());
        read(input, &AZURE, diags, &mut |ctx| {
            if rows.capacity() == 0 {
                rows.reserve(ctx.rows_hint);
            }
            let tenant_id = ctx.required(TENANT);
            let service = ctx.required(SERVICE);
            let offer = ctx.required(OFFER);
            let month = ctx.month(MONTH);
            let acr = ctx.decimal(ACR);
            if ctx.failed || !self.tally(UsageTable::AzureUsage, month, ctx.line32()) {
                return;
            }
            rows.push(AzureRow {
                tenant: tenants.intern(ctx.key(TENANT), &mut self.tenants, tenant_id),
                subscription: ctx.get(SUBSCRIPTION).map(|s| {
                    subscriptions.intern(ctx.key(SUBSCRIPTION), &mut self.subscriptions, s)
                }),
                service: services.intern(ctx.key(SERVICE), &mut self.services, service),
                offer: offers.intern(ctx.key(OFFER), &mut self.offers, offer),
                month,
                acr,
                line: ctx.line32(),
            });
        });
        self.azure = rows;
    }

    pub(super) fn load_bizapps(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const REVENUE: usize = 3;
        const UNITS: usize = 4;
        let rows = std::mem::take(&mut self.biz);
        self.biz = self.load_workload_rows(
            input,
            (&BIZAPPS, UsageTable::BizappsUsage),
            rows,
            diags,
            |ctx| {
                (
                    ctx.opt_decimal(REVENUE, false),
                    ctx.opt_decimal(UNITS, true),
                )
            },
            |_, _| {},
        );
    }

    /// Reads a table of (tenant, workload, month, two amounts) rows: the tenant,
    /// workload and month are checked here, the amounts by `amounts`, and `check`
    /// looks at a row whose cells all passed before it is counted and kept.
    fn load_workload_rows<V>(
        &mut self,
        input: &Input<'_>,
        (columns, table): (&[Column], UsageTable),
        mut rows: Vec<WorkloadRow<V>>,
        diags: &mut Diags,
        amounts: impl Fn(&mut RowCtx<'_>) -> (V, V),
        check: impl Fn(&mut RowCtx<'_>, &(V, V)),
    ) -> Vec<WorkloadRow<V>> {
        const TENANT: usize = 0;
        const WORKLOAD: usize = 1;
        const MONTH: usize = 2;
        let (mut tenants, mut workloads) = (PerEntry::default(), PerEntry::default());
        read(input, columns, diags, &mut |ctx| {
            if rows.capacity() == 0 {
                rows.reserve(ctx.rows_hint);
            }
            let tenant_id = ctx.required(TENANT);
            let workload = self.workload(&mut workloads, ctx, WORKLOAD);
            let month = ctx.month(MONTH);
            let amounts = amounts(ctx);
            let (false, Some(workload)) = (ctx.failed, workload) else {
                return;
            };
            check(ctx, &amounts);
            if !self.tally(table, month, ctx.line32()) {
                return;
            }
            let tenant = tenants.intern(ctx.key(TENANT), &mut self.tenants, tenant_id);
            rows.push(WorkloadRow {
                tenant,
                workload,
                month,
                amounts,
                line: ctx.line32(),
            });
        });
        rows
    }
}
