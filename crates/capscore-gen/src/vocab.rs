//! The names generated data uses, all taken from the catalog (workloads and their
//! aliases, association types, Azure services and excluded offers, certifications and
//! their former names) plus the profile's open sets (offers that count, other Azure
//! services, markets, countries).

use capscore_catalog::{Catalog, Certification, WorkloadFamily};
use capscore_core::{Month, NaiveDate};

use crate::GenError;
use crate::profile::Profile;

/// A name and the other spellings data files may use for it.
#[derive(Debug, Clone)]
pub(crate) struct Spellings {
    /// The canonical name, then the aliases.
    pub all: Vec<String>,
}

/// Association types the generator places, by data-contract id, with their spellings.
#[derive(Debug, Clone)]
pub(crate) struct AssocNames {
    pub cpor: Spellings,
    pub dpor: Spellings,
    pub pal: Spellings,
    pub csp_t1: Spellings,
    pub csp_t2: Spellings,
}

/// Certifications one step or list of an area's metric asks for.
#[derive(Debug, Clone)]
pub(crate) struct CertGroup {
    /// Indexes into the catalog's certifications.
    pub certs: Vec<usize>,
    /// People a partner focused on the area gets for this group: at least this many.
    pub people: u32,
}

/// Everything the generator names.
#[derive(Debug, Clone)]
pub(crate) struct Vocab {
    /// Microsoft 365 workloads (catalog family `m365`).
    pub m365: Vec<Spellings>,
    /// Indexes into `m365` of the workloads some area with tenant bands lists (Modern Work).
    pub m365_core: Vec<usize>,
    /// Business Applications workloads (family `bizapps`).
    pub bizapps: Vec<Spellings>,
    /// Azure services: those areas list or exclude, then the profile's.
    pub services: Vec<String>,
    /// Offers the catalog excludes somewhere.
    pub excluded_offers: Vec<String>,
    /// Offers that count (profile).
    pub offers: Vec<String>,
    pub assoc: AssocNames,
    /// Catalog certifications, by index.
    pub certs: Vec<Certification>,
    /// Per area (catalog order): its id and certification groups in force at the end.
    pub areas: Vec<(String, Vec<CertGroup>)>,
    /// Areas that read Azure usage.
    pub azure_areas: Vec<usize>,
    /// Areas that read Business Applications usage.
    pub bizapps_areas: Vec<usize>,
}

fn spellings(name: &str, aliases: &[String]) -> Spellings {
    let mut all = vec![name.to_string()];
    all.extend(aliases.iter().cloned());
    Spellings { all }
}

fn assoc(catalog: &Catalog, id: &str) -> Result<Spellings, GenError> {
    catalog
        .association_types
        .iter()
        .find(|a| a.id == id)
        .map(|a| spellings(&a.id, &a.aliases))
        .ok_or_else(|| GenError::Catalog(format!("the catalog has no association type {id}")))
}

fn in_force(since: Option<NaiveDate>, until: Option<NaiveDate>, d: NaiveDate) -> bool {
    since.is_none_or(|s| s <= d) && until.is_none_or(|u| d <= u)
}

impl Vocab {
    /// Names from `catalog` with the rules in force at the end of `end`.
    ///
    /// # Errors
    /// The catalog lacks a workload family or an association type the generator places.
    pub(crate) fn new(catalog: &Catalog, profile: &Profile, end: Month) -> Result<Vocab, GenError> {
        let day = end.last_day();
        let mut m365 = Vec::new();
        let mut m365_ids = Vec::new();
        let mut bizapps = Vec::new();
        for (i, w) in catalog.workloads.iter().enumerate() {
            let s = spellings(&w.name, &w.aliases);
            match w.family {
                WorkloadFamily::M365 => {
                    m365.push(s);
                    m365_ids.push(i);
                }
                WorkloadFamily::BizApps => bizapps.push(s),
            }
        }
        let areas_in_force: Vec<_> = catalog
            .areas
            .iter()
            .filter(|a| in_force(a.since, a.until, day))
            .collect();
        let mut m365_core = Vec::new();
        for a in areas_in_force
            .iter()
            .filter(|a| a.tracks.iter().any(|t| t.band.is_some()))
        {
            for w in a.eligible_workloads.iter() {
                if let Some(k) = m365_ids.iter().position(|&i| i == w.index())
                    && !m365_core.contains(&k)
                {
                    m365_core.push(k);
                }
            }
        }
        let mut services: Vec<String> = Vec::new();
        let mut excluded_offers: Vec<String> = Vec::new();
        let mut azure_areas = Vec::new();
        let mut bizapps_areas = Vec::new();
        let mut areas = Vec::new();
        for (k, a) in areas_in_force.iter().enumerate() {
            let push = |s: &String, into: &mut Vec<String>| {
                if !into.iter().any(|x| x.eq_ignore_ascii_case(s)) {
                    into.push(s.clone());
                }
            };
            for s in a.eligible_services.iter().flatten() {
                push(s, &mut services);
            }
            for o in &a.excluded_offers {
                push(o, &mut excluded_offers);
            }
            let metrics: Vec<_> = a
                .metrics
                .iter()
                .filter(|m| in_force(m.since, m.until, day))
                .collect();
            for m in &metrics {
                for s in &m.excluded_services {
                    push(s, &mut services);
                }
            }
            if !a.excluded_offers.is_empty() || a.eligible_services.is_some() {
                azure_areas.push(k);
            }
            if !a.mcv_rates.is_empty() {
                bizapps_areas.push(k);
            }
            let mut groups = Vec::new();
            for m in &metrics {
                // People that reach the metric's smallest target.
                let target = m
                    .per_track
                    .iter()
                    .flatten()
                    .map(|o| capscore_core::num_to_f64_2dp(&o.target).ceil() as u32)
                    .min()
                    .unwrap_or(1)
                    .max(1);
                let listed: Vec<usize> = m
                    .certifications
                    .iter()
                    .filter(|c| c.in_force(day))
                    .map(|c| c.value.index())
                    .collect();
                if !listed.is_empty() {
                    groups.push(CertGroup {
                        certs: listed,
                        people: target,
                    });
                }
                for s in &m.steps {
                    groups.push(CertGroup {
                        certs: s.certifications.iter().map(|c| c.index()).collect(),
                        people: if s.scoring {
                            target
                        } else {
                            s.min_people.max(1)
                        },
                    });
                }
            }
            areas.push((a.id.clone(), groups));
        }
        for s in &profile.names.azure_services {
            if !services.iter().any(|x| x.eq_ignore_ascii_case(s)) {
                services.push(s.clone());
            }
        }
        if m365.is_empty() || m365_core.is_empty() || bizapps.is_empty() || services.is_empty() {
            return Err(GenError::Catalog(
                "the catalog must list Microsoft 365 workloads (with an area of tenant bands), Business Applications workloads and Azure services".into(),
            ));
        }
        Ok(Vocab {
            m365,
            m365_core,
            bizapps,
            services,
            excluded_offers,
            offers: profile.names.offers.clone(),
            assoc: AssocNames {
                cpor: assoc(catalog, "CPOR")?,
                dpor: assoc(catalog, "DPOR")?,
                pal: assoc(catalog, "PAL")?,
                csp_t1: assoc(catalog, "CSP_T1")?,
                csp_t2: assoc(catalog, "CSP_T2")?,
            },
            certs: catalog.certifications.clone(),
            areas,
            azure_areas,
            bizapps_areas,
        })
    }
}
