//! Certified people: distinct people holding an eligible certification on a date, and
//! certification steps (docs/rules.md §0).

use std::collections::BTreeSet;

use capscore_catalog::{Catalog, Step};
use capscore_core::{CertId, NaiveDate, Num, PersonIdx};

use crate::outcome::{Outcome, count};
use crate::view::PartnerView;

/// Distinct people holding one of `eligible` on `date`: earned on or before it and not
/// expired before it.
fn people(view: &PartnerView, eligible: &[CertId], date: NaiveDate) -> BTreeSet<PersonIdx> {
    view.certs
        .iter()
        .filter(|h| eligible.contains(&h.cert))
        .filter(|h| h.earned <= date && h.expires.is_none_or(|e| e >= date))
        .map(|h| h.person)
        .collect()
}

/// A person counts once, whatever the number of certifications.
pub(crate) fn certified_people(view: &PartnerView, eligible: &[CertId], date: NaiveDate) -> Num {
    count(people(view, eligible, date).len())
}

/// Prerequisite steps need `min_people` distinct people each; only when all are met
/// does each distinct person of the scoring step count. A person may count in several
/// steps.
pub(crate) fn certification_steps(
    view: &PartnerView,
    steps: &[Step],
    date: NaiveDate,
    catalog: &Catalog,
) -> Outcome {
    let mut unmet = Vec::new();
    let mut scoring = 0;
    for (i, step) in steps.iter().enumerate() {
        let held = people(view, &step.certifications, date).len();
        if step.scoring {
            scoring = held;
        } else if held < step.min_people as usize {
            let names: Vec<&str> = step
                .certifications
                .iter()
                .map(|c| catalog.certifications[c.index()].name_on(date))
                .collect();
            unmet.push(format!(
                "prerequisite step {} not met: {held} of {} people with {}",
                i + 1,
                step.min_people,
                names.join(" or ")
            ));
        }
    }
    if unmet.is_empty() {
        Outcome::of(count(scoring))
    } else {
        Outcome {
            value: Num::from_integer(0),
            notes: unmet,
        }
    }
}
