//! Which catalog entries the cases touch (docs/cases.md "What a case touches").
//!
//! An entry is a rule the catalog holds: an area, a metric, an option of a metric in a
//! track, a certification, a specialization, a designation, a legacy competency, a
//! badge, a parameter, the program calendar and the qualification window rules. A case
//! touches an entry when it asserts on it (a metric or option expectation, a designation,
//! specialization, competency or badge expectation), or, for certifications, when its
//! data holds a row that the loader resolved to that certification; every case touches
//! the parameters and every status case the calendar. A dated entry (a `since`/`until`, a former name, a
//! retirement, a dated parameter value, a window rule, the 2022-10-03 start of the
//! designations) needs a case that touches it on each side of the date.

use std::collections::{BTreeMap, BTreeSet};

use capscore_catalog::Catalog;
use chrono::{Days, NaiveDate};

/// Entries and the dates at which they change (the first day of the new rule).
pub(crate) fn entries(c: &Catalog) -> BTreeMap<String, BTreeSet<NaiveDate>> {
    let mut e: BTreeMap<String, BTreeSet<NaiveDate>> = BTreeMap::new();
    let next = |d: NaiveDate| d.checked_add_days(Days::new(1)).unwrap_or(d);
    let mut add = |key: String, since: Option<NaiveDate>, until: Option<NaiveDate>| {
        let dates = e.entry(key).or_default();
        dates.extend(since);
        dates.extend(until.map(next));
    };
    for a in &c.areas {
        add(format!("area:{}", a.id), a.since, a.until);
        for r in &a.mcv_rates {
            add(format!("area:{}", a.id), r.since, r.until);
        }
        add(format!("designation:{}", a.id), None, None);
        for m in &a.metrics {
            add(format!("metric:{}.{}", a.id, m.id), m.since, m.until);
            for (ti, opts) in m.per_track.iter().enumerate() {
                let track = a.tracks.get(ti).map_or("-", |t| t.id.as_str());
                for o in opts {
                    if let Some(name) = &o.name {
                        add(
                            format!("option:{}.{track}.{}.{name}", a.id, m.id),
                            None,
                            None,
                        );
                    }
                }
            }
            for l in &m.certifications {
                let id = &c.certifications[l.value.index()].id;
                add(format!("cert:{id}"), l.since, l.until);
            }
        }
    }
    for cert in &c.certifications {
        let key = format!("cert:{}", cert.id);
        // As `Certification::retired_out`: out after the grace date, else from retirement.
        match (cert.retired, cert.eligible_through) {
            (_, Some(last)) => add(key.clone(), None, Some(last)),
            (Some(retired), None) => add(key.clone(), Some(retired), None),
            (None, None) => {}
        }
        for f in &cert.former_names {
            add(key.clone(), None, Some(f.until));
        }
    }
    for s in &c.membership.specializations {
        let key = format!("specialization:{}", s.id);
        add(key.clone(), None, None);
        for p in &s.prerequisites {
            add(key.clone(), p.since, p.until);
        }
        for a in s.teamwork.iter().flat_map(|t| &t.associations) {
            add(key.clone(), a.since, a.until);
        }
    }
    for comp in &c.membership.competencies {
        add(format!("competency:{}", comp.id), None, None);
    }
    for b in &c.badges {
        add(format!("badge:{}", b.id), None, None);
    }
    for (name, p) in &c.parameters {
        for v in &p.values {
            add(format!("parameter:{name}"), v.since, v.until);
        }
    }
    // The program's calendar applies to every status case; the window rules to every
    // designation expectation.
    let lc = &c.membership.lifecycle;
    add(
        "membership:calendar".into(),
        Some(lc.designations_since),
        Some(lc.legacy_competencies_until),
    );
    for w in &c.membership.windows {
        add("membership:qualification_window".into(), w.since, w.until);
    }
    e
}

/// What each case gave: the day it is evaluated on and what it touched.
pub(crate) struct Seen {
    pub day: NaiveDate,
    pub touches: BTreeSet<String>,
}

/// Entries no case touches, and dated entries missing a side.
pub(crate) fn untouched(c: &Catalog, seen: &[Seen]) -> Vec<String> {
    let mut out = Vec::new();
    for (key, dates) in entries(c) {
        let days: Vec<NaiveDate> = seen
            .iter()
            .filter(|s| s.touches.contains(&key))
            .map(|s| s.day)
            .collect();
        if days.is_empty() {
            out.push(format!("{key}: no case"));
            continue;
        }
        for d in dates {
            if !days.iter().any(|x| *x < d) {
                out.push(format!("{key}: no case before {d}"));
            }
            if !days.iter().any(|x| *x >= d) {
                out.push(format!("{key}: no case on or after {d}"));
            }
        }
    }
    out
}
