//! Certified people: distinct people holding an eligible certification on a date.

use std::collections::BTreeSet;

use capscore_core::{CertId, NaiveDate, Num};

use crate::view::PartnerView;

/// Distinct people holding one of `eligible` on `date`: earned on or before it and not
/// expired before it. A person counts once, whatever the number of certifications.
pub(crate) fn certified_people(view: &PartnerView, eligible: &[CertId], date: NaiveDate) -> Num {
    let people: BTreeSet<_> = view
        .certs
        .iter()
        .filter(|h| eligible.contains(&h.cert))
        .filter(|h| h.earned <= date && h.expires.is_none_or(|e| e >= date))
        .map(|h| h.person)
        .collect();
    Num::from_integer(i128::try_from(people.len()).unwrap_or(i128::MAX))
}
