//! Certified people: distinct people holding an eligible certification on a date, and
//! certification steps (docs/rules.md §0).

use std::collections::BTreeSet;

use capscore_catalog::{Catalog, Step};
use capscore_core::{CertId, NaiveDate, Num, PersonIdx};

use crate::outcome::{Outcome, count};
use crate::trace::{Item, Reason, Rule, Src, Tracer};
use crate::view::{Held, PartnerView};

/// Whether a held certification counts on `date` for a list, and if not, why.
fn check(h: &Held, eligible: &[CertId], date: NaiveDate) -> Option<Reason> {
    if !eligible.contains(&h.cert) {
        Some(Reason::CertificationNotEligible)
    } else if h.earned > date {
        Some(Reason::CertificationNotYetEarned)
    } else if h.expires.is_some_and(|e| e < date) {
        Some(Reason::CertificationExpired)
    } else {
        None
    }
}

/// An entry about one held certification (explain).
fn item(h: &Held, rule: Rule) -> Item {
    let mut item = Item::rule(rule)
        .note("earned", h.earned.to_string())
        .note(
            "expires",
            h.expires.map_or_else(String::new, |e| e.to_string()),
        )
        .src([Src::Cert(h.row)]);
    item.person = Some(h.person);
    item.cert = Some(h.cert);
    item
}

/// Distinct people holding one of `eligible` on `date`: earned on or before it and not
/// expired before it. Explain: each person counted adds `per_person` (under `rule`),
/// each other certification row is excluded with why.
fn people<T: Tracer>(
    view: &PartnerView,
    eligible: &[CertId],
    date: NaiveDate,
    tr: &mut T,
    (per_person, rule): (i128, Rule),
) -> BTreeSet<PersonIdx> {
    let mut counted = BTreeSet::new();
    for h in &view.certs {
        match check(h, eligible, date) {
            None => {
                let new = counted.insert(h.person);
                if T::ON {
                    if new {
                        let mut i = item(h, rule);
                        i.amount = Num::from_integer(per_person);
                        tr.add(i);
                    } else {
                        tr.exclude(Reason::PersonAlreadyCounted, item(h, rule));
                    }
                }
            }
            Some(reason) => {
                if T::ON {
                    let r = if reason == Reason::CertificationNotEligible {
                        Rule::Certifications
                    } else {
                        Rule::Metric
                    };
                    tr.exclude(reason, item(h, r));
                }
            }
        }
    }
    counted
}

/// A person counts once, whatever the number of certifications.
pub(crate) fn certified_people<T: Tracer>(
    view: &PartnerView,
    eligible: &[CertId],
    date: NaiveDate,
    tr: &mut T,
) -> Num {
    count(people(view, eligible, date, tr, (1, Rule::Certifications)).len())
}

/// Prerequisite steps need `min_people` distinct people each; only when all are met
/// does each distinct person of the scoring step count. A person may count in several
/// steps.
pub(crate) fn certification_steps<T: Tracer>(
    view: &PartnerView,
    steps: &[Step],
    date: NaiveDate,
    catalog: &Catalog,
    tr: &mut T,
) -> Outcome {
    let mut unmet = Vec::new();
    let mut scoring = 0;
    let mut steps_tr = tr.fresh();
    for (i, step) in steps.iter().enumerate() {
        let per_person = i128::from(step.scoring);
        let held = people(
            view,
            &step.certifications,
            date,
            &mut steps_tr,
            (per_person, Rule::Step(i)),
        )
        .len();
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
            if T::ON {
                tr.exclude(
                    Reason::PrerequisiteStepUnmet,
                    Item::rule(Rule::Step(i))
                        .int("people", u64::try_from(held).unwrap_or(u64::MAX))
                        .int("min_people", u64::from(step.min_people)),
                );
            }
        }
    }
    if T::ON {
        // A row no step lists is excluded once, not once per step.
        let mut seen = BTreeSet::new();
        tr.absorb(steps_tr, &mut |reason, item| {
            reason != Reason::CertificationNotEligible
                || (!steps
                    .iter()
                    .any(|s| item.cert.is_some_and(|c| s.certifications.contains(&c)))
                    && seen.insert(item.src.clone()))
        });
    }
    if unmet.is_empty() {
        Outcome::of(count(scoring))
    } else {
        if T::ON {
            tr.add(
                Item::new(Rule::Metric, -count(scoring))
                    .int("scoring_people", u64::try_from(scoring).unwrap_or(u64::MAX))
                    .flag("prerequisites_met", false),
            );
        }
        Outcome {
            value: Num::from_integer(0),
            notes: unmet,
        }
    }
}
