//! The columns of each table, in slot order (the readers in [`super::tables`] address
//! cells by these positions).

use crate::source::{Column, Kind, opt, req};

pub(super) const PARTNERS: [Column; 4] = [
    req("partner_id"),
    opt("name").text(),
    opt("parent_id"),
    opt("market"),
];
pub(super) const TENANTS: [Column; 3] =
    [req("tenant_id"), opt("name").text(), opt("country").text()];
pub(super) const ASSOCIATIONS: [Column; 7] = [
    req("partner_id"),
    req("tenant_id"),
    req("type"),
    opt("workload"),
    opt("subscription_id"),
    req("start_date").of(Kind::Date),
    opt("end_date").of(Kind::Date),
];
pub(super) const M365: [Column; 5] = [
    req("tenant_id"),
    req("workload"),
    req("month").of(Kind::Month),
    req("paid_units").of(Kind::Whole),
    req("active_users").of(Kind::Whole),
];
pub(super) const AZURE: [Column; 6] = [
    req("tenant_id"),
    opt("subscription_id"),
    req("service"),
    req("offer"),
    req("month").of(Kind::Month),
    req("acr_usd").of(Kind::Decimal),
];
pub(super) const BIZAPPS: [Column; 5] = [
    req("tenant_id"),
    req("workload"),
    req("month").of(Kind::Month),
    opt("revenue_usd").of(Kind::Decimal),
    opt("units").of(Kind::Decimal),
];
pub(super) const CERTIFICATIONS: [Column; 5] = [
    req("partner_id"),
    req("person_id"),
    req("certification").text(),
    req("earned_date").of(Kind::Date),
    opt("expires_date").of(Kind::Date),
];
pub(super) const EXAMS: [Column; 4] = [
    req("partner_id"),
    req("person_id"),
    req("exam").text(),
    req("passed_date").of(Kind::Date),
];
pub(super) const ENROLLMENTS: [Column; 6] = [
    req("partner_id"),
    req("program"),
    opt("level"),
    req("enrolled_date").of(Kind::Date),
    req("anniversary_date").of(Kind::Date),
    opt("benefits"),
];
pub(super) const REFERENCES: [Column; 6] = [
    req("partner_id"),
    req("program"),
    opt("tenant_id"),
    req("submitted_date").of(Kind::Date),
    req("status"),
    opt("reviewed_date").of(Kind::Date),
];
