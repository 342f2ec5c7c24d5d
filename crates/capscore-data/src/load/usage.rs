//! The readers of the usage tables (`m365_usage`, `azure_usage`, `bizapps_usage`):
//! each row is checked (every problem reported at its line and column), counted in its
//! table's coverage and, when valid and in a month the load keeps, kept with the
//! usage tables' own provisional ids.

use crate::coverage::UsageTable;
use crate::diag::Diags;
use crate::source::Input;

use super::columns::{AZURE, BIZAPPS, M365};
use super::read;
use super::state::{AzureRow, BizRow, M365Row, PerEntry, Usage};

impl Usage<'_> {
    pub(super) fn load_m365(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const TENANT: usize = 0;
        const WORKLOAD: usize = 1;
        const MONTH: usize = 2;
        const PAID: usize = 3;
        const ACTIVE: usize = 4;
        let mut rows = std::mem::take(&mut self.m365);
        let (mut tenants, mut workloads) = (PerEntry::default(), PerEntry::default());
        read(input, &M365, diags, &mut |ctx| {
            if rows.capacity() == 0 {
                rows.reserve(ctx.rows_hint);
            }
            let tenant_id = ctx.required(TENANT);
            let workload = self.workload(&mut workloads, ctx, WORKLOAD);
            let month = ctx.month(MONTH);
            let paid = ctx.whole(PAID);
            let active = ctx.whole(ACTIVE);
            let (false, Some(workload)) = (ctx.failed, workload) else {
                return;
            };
            if active > paid {
                ctx.warn(
                    ACTIVE,
                    format!("active_users {active} is greater than paid_units {paid}"),
                );
            }
            if !self.tally(UsageTable::M365Usage, month, ctx.line32()) {
                return;
            }
            let tenant = tenants.intern(ctx.key(TENANT), &mut self.tenants, tenant_id);
            rows.push(M365Row {
                tenant,
                workload,
                month,
                paid,
                active,
                line: ctx.line32(),
            });
        });
        self.m365 = rows;
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
        const TENANT: usize = 0;
        const WORKLOAD: usize = 1;
        const MONTH: usize = 2;
        const REVENUE: usize = 3;
        const UNITS: usize = 4;
        let mut rows = std::mem::take(&mut self.biz);
        let (mut tenants, mut workloads) = (PerEntry::default(), PerEntry::default());
        read(input, &BIZAPPS, diags, &mut |ctx| {
            if rows.capacity() == 0 {
                rows.reserve(ctx.rows_hint);
            }
            let tenant_id = ctx.required(TENANT);
            let workload = self.workload(&mut workloads, ctx, WORKLOAD);
            let month = ctx.month(MONTH);
            let revenue = ctx.opt_decimal(REVENUE, false);
            let units = ctx.opt_decimal(UNITS, true);
            let (false, Some(workload)) = (ctx.failed, workload) else {
                return;
            };
            if !self.tally(UsageTable::BizappsUsage, month, ctx.line32()) {
                return;
            }
            let tenant = tenants.intern(ctx.key(TENANT), &mut self.tenants, tenant_id);
            rows.push(BizRow {
                tenant,
                workload,
                month,
                revenue,
                units,
                line: ctx.line32(),
            });
        });
        self.biz = rows;
    }
}
