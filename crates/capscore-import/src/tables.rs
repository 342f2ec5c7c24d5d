//! The canonical tables an import writes (docs/data.md), as rows of text in their
//! final form, sorted, and their CSV files.

use std::collections::BTreeMap;

use crate::error::ImportError;

/// A partner account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartnerRow {
    /// The account's `PartnerID` (MPN id).
    pub partner_id: String,
    /// Its name, if a file gives one.
    pub name: String,
    /// The global account of a location account; empty for a global account.
    pub parent_id: String,
}

/// A customer tenant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TenantRow {
    /// Tenant id (lower case).
    pub tenant_id: String,
    /// Name.
    pub name: String,
    /// Country.
    pub country: String,
}

/// A partner credited for a customer tenant over a period.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AssociationRow {
    /// The partner account.
    pub partner_id: String,
    /// The tenant.
    pub tenant_id: String,
    /// Association type id (`CPOR`, `CSP_T1`, ...).
    pub kind: String,
    /// Workload (catalog name) or empty for the whole tenant.
    pub workload: String,
    /// Subscription or empty.
    pub subscription_id: String,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    /// `YYYY-MM-DD` or empty (still in force).
    pub end_date: String,
}

/// Microsoft 365 usage of a workload of a tenant in a month.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct M365Row {
    /// Tenant.
    pub tenant_id: String,
    /// Workload (catalog name).
    pub workload: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Paid available units.
    pub paid_units: u64,
    /// Monthly active users.
    pub active_users: u64,
}

/// Azure consumed revenue of a service in a month.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AzureRow {
    /// Tenant.
    pub tenant_id: String,
    /// Subscription or empty.
    pub subscription_id: String,
    /// Service Level 2 name.
    pub service: String,
    /// Offer category.
    pub offer: String,
    /// `YYYY-MM`.
    pub month: String,
    /// ACR in USD, a plain decimal.
    pub acr_usd: String,
}

/// Business Applications revenue and usage of a workload in a month.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BizAppsRow {
    /// Tenant.
    pub tenant_id: String,
    /// Workload (catalog name).
    pub workload: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Revenue in USD, or empty.
    pub revenue_usd: String,
    /// Units, or empty.
    pub units: String,
}

/// A certification held by a person linked to a partner.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CertificationRow {
    /// Partner account.
    pub partner_id: String,
    /// The person (learner id or e-mail).
    pub person_id: String,
    /// Catalog name of the certification, or the title as written when unknown.
    pub certification: String,
    /// `YYYY-MM-DD`.
    pub earned_date: String,
    /// `YYYY-MM-DD` or empty.
    pub expires_date: String,
}

/// All tables of an imported dataset, rows sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tables {
    /// `partners`.
    pub partners: Vec<PartnerRow>,
    /// `tenants`.
    pub tenants: Vec<TenantRow>,
    /// `associations`.
    pub associations: Vec<AssociationRow>,
    /// `m365_usage`.
    pub m365_usage: Vec<M365Row>,
    /// `azure_usage`.
    pub azure_usage: Vec<AzureRow>,
    /// `bizapps_usage`.
    pub bizapps_usage: Vec<BizAppsRow>,
    /// `certifications`.
    pub certifications: Vec<CertificationRow>,
}

type Cells = Vec<String>;

fn csv_text(header: &[&str], rows: impl Iterator<Item = Cells>) -> Result<Vec<u8>, ImportError> {
    let fail = |e: csv::Error| ImportError::Io {
        context: "writing a table".to_string(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(fail)?;
    for r in rows {
        w.write_record(&r).map_err(fail)?;
    }
    w.into_inner().map_err(|e| ImportError::Io {
        context: "writing a table".to_string(),
        source: std::io::Error::other(e.to_string()),
    })
}

impl Tables {
    /// Rows per table name, every table.
    #[must_use]
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("partners", self.partners.len()),
            ("tenants", self.tenants.len()),
            ("associations", self.associations.len()),
            ("m365_usage", self.m365_usage.len()),
            ("azure_usage", self.azure_usage.len()),
            ("bizapps_usage", self.bizapps_usage.len()),
            ("certifications", self.certifications.len()),
        ])
    }

    /// The CSV files of the dataset, as (file name, bytes): `partners.csv` always, the
    /// other tables when they have rows.
    ///
    /// # Errors
    /// Only if the CSV writer fails, which writing to memory does not.
    pub fn csv_files(&self) -> Result<Vec<(String, Vec<u8>)>, ImportError> {
        let mut out = Vec::new();
        let mut add = |name: &str, text: Vec<u8>| out.push((format!("{name}.csv"), text));
        add(
            "partners",
            csv_text(
                &["partner_id", "name", "parent_id"],
                self.partners
                    .iter()
                    .map(|r| vec![r.partner_id.clone(), r.name.clone(), r.parent_id.clone()]),
            )?,
        );
        if !self.tenants.is_empty() {
            add(
                "tenants",
                csv_text(
                    &["tenant_id", "name", "country"],
                    self.tenants
                        .iter()
                        .map(|r| vec![r.tenant_id.clone(), r.name.clone(), r.country.clone()]),
                )?,
            );
        }
        if !self.associations.is_empty() {
            add(
                "associations",
                csv_text(
                    &[
                        "partner_id",
                        "tenant_id",
                        "type",
                        "workload",
                        "subscription_id",
                        "start_date",
                        "end_date",
                    ],
                    self.associations.iter().map(|r| {
                        vec![
                            r.partner_id.clone(),
                            r.tenant_id.clone(),
                            r.kind.clone(),
                            r.workload.clone(),
                            r.subscription_id.clone(),
                            r.start_date.clone(),
                            r.end_date.clone(),
                        ]
                    }),
                )?,
            );
        }
        if !self.m365_usage.is_empty() {
            add(
                "m365_usage",
                csv_text(
                    &[
                        "tenant_id",
                        "workload",
                        "month",
                        "paid_units",
                        "active_users",
                    ],
                    self.m365_usage.iter().map(|r| {
                        vec![
                            r.tenant_id.clone(),
                            r.workload.clone(),
                            r.month.clone(),
                            r.paid_units.to_string(),
                            r.active_users.to_string(),
                        ]
                    }),
                )?,
            );
        }
        if !self.azure_usage.is_empty() {
            add(
                "azure_usage",
                csv_text(
                    &[
                        "tenant_id",
                        "subscription_id",
                        "service",
                        "offer",
                        "month",
                        "acr_usd",
                    ],
                    self.azure_usage.iter().map(|r| {
                        vec![
                            r.tenant_id.clone(),
                            r.subscription_id.clone(),
                            r.service.clone(),
                            r.offer.clone(),
                            r.month.clone(),
                            r.acr_usd.clone(),
                        ]
                    }),
                )?,
            );
        }
        if !self.bizapps_usage.is_empty() {
            add(
                "bizapps_usage",
                csv_text(
                    &["tenant_id", "workload", "month", "revenue_usd", "units"],
                    self.bizapps_usage.iter().map(|r| {
                        vec![
                            r.tenant_id.clone(),
                            r.workload.clone(),
                            r.month.clone(),
                            r.revenue_usd.clone(),
                            r.units.clone(),
                        ]
                    }),
                )?,
            );
        }
        if !self.certifications.is_empty() {
            add(
                "certifications",
                csv_text(
                    &[
                        "partner_id",
                        "person_id",
                        "certification",
                        "earned_date",
                        "expires_date",
                    ],
                    self.certifications.iter().map(|r| {
                        vec![
                            r.partner_id.clone(),
                            r.person_id.clone(),
                            r.certification.clone(),
                            r.earned_date.clone(),
                            r.expires_date.clone(),
                        ]
                    }),
                )?,
            );
        }
        Ok(out)
    }
}
