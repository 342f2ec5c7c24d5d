//! Loading and validating catalog files into a [`Catalog`].

use std::collections::BTreeMap;
use std::path::Path;

use capscore_core::{
    AssocMask, AssocTypeId, CertId, NaiveDate, Num, WorkloadId, parse_date, parse_decimal,
};

use crate::EMBEDDED_FILES;
use crate::error::CatalogError;
use crate::model::{
    AreaDef, AssocType, Badge, Catalog, Certification, Dated, FormerName, MetricDef, Parameter,
    ParameterValue, TrackDef, Unit, Workload, WorkloadFamily, WorkloadSet,
};
use crate::names::{NameIndex, normalize};
use crate::raw::{self, MetricKind, Needs, TrackSelection};
use crate::snapshot::{Band, Classification, OptionRule, Scope, Settings, Step};

const REQUIRED: [&str; 8] = [
    "catalog.toml",
    "costs.toml",
    "workloads.toml",
    "certifications.toml",
    "membership/lifecycle.toml",
    "membership/competencies.toml",
    "membership/specializations.toml",
    "membership/benefits.toml",
];

impl Catalog {
    /// The catalog compiled into the program (the repository's `catalog/` folder).
    ///
    /// # Errors
    /// When the compiled-in files are invalid (a build of capscore from a broken catalog).
    pub fn embedded() -> Result<Catalog, CatalogError> {
        Catalog::from_files(EMBEDDED_FILES, "embedded")
    }

    /// Loads a catalog folder: `catalog.toml`, `workloads.toml`, `certifications.toml`
    /// and every `areas/*.toml`.
    ///
    /// # Errors
    /// A file that is missing, unreadable, not TOML, or holds an invalid rule.
    pub fn load_dir(dir: &Path) -> Result<Catalog, CatalogError> {
        let files = Catalog::read_dir_files(dir)?;
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        Catalog::from_files(&borrowed, &dir.display().to_string())
    }

    /// The files of a catalog folder, (path relative to the folder, text), as
    /// [`Catalog::from_files`] takes them (for an overlay to change them).
    ///
    /// # Errors
    /// A required file that is missing or unreadable.
    pub fn read_dir_files(dir: &Path) -> Result<Vec<(String, String)>, CatalogError> {
        let read = |rel: &str| {
            let path = dir.join(rel);
            std::fs::read_to_string(&path).map_err(|source| CatalogError::Io { path, source })
        };
        let mut files: Vec<(String, String)> = Vec::new();
        for rel in REQUIRED {
            if !dir.join(rel).is_file() {
                return Err(CatalogError::Missing(dir.join(rel).display().to_string()));
            }
            files.push((rel.to_string(), read(rel)?));
        }
        let areas_dir = dir.join("areas");
        let entries = std::fs::read_dir(&areas_dir).map_err(|source| CatalogError::Io {
            path: areas_dir.clone(),
            source,
        })?;
        let mut area_files: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        area_files.sort();
        for name in area_files {
            let rel = format!("areas/{name}");
            let text = read(&rel)?;
            files.push((rel, text));
        }
        Ok(files)
    }

    /// Builds a catalog from file texts: (path relative to the catalog folder, text).
    ///
    /// # Errors
    /// As [`Catalog::load_dir`].
    pub fn from_files(files: &[(&str, &str)], origin: &str) -> Result<Catalog, CatalogError> {
        let text = |rel: &str| {
            files
                .iter()
                .find(|(n, _)| *n == rel)
                .map(|(_, t)| *t)
                .ok_or_else(|| CatalogError::Missing(rel.to_string()))
        };
        let main: raw::CatalogFile = parse("catalog.toml", text("catalog.toml")?)?;
        let wl: raw::WorkloadFile = parse("workloads.toml", text("workloads.toml")?)?;
        let certs: raw::CertificationFile =
            parse("certifications.toml", text("certifications.toml")?)?;
        let mut b = Builder::default();
        b.meta(&main)?;
        b.workloads(wl)?;
        b.certifications(certs)?;
        let mut area_files: Vec<&(&str, &str)> = files
            .iter()
            .filter(|(n, _)| n.starts_with("areas/"))
            .collect();
        area_files.sort_by_key(|(n, _)| *n);
        for (name, body) in area_files {
            let area: raw::AreaFile = parse(name, body)?;
            b.area(name, area)?;
        }
        for a in &b.areas {
            if !main.catalog.areas.contains(&a.id) {
                return Err(invalid(
                    &a.file,
                    format!("area \"{}\"", a.id),
                    "not listed in `areas` of catalog.toml",
                ));
            }
        }
        if let Some(missing) = main
            .catalog
            .areas
            .iter()
            .find(|id| !b.areas.iter().any(|a| &a.id == *id))
        {
            return Err(invalid(
                "catalog.toml",
                "[catalog] areas",
                format!("no file in areas/ defines area \"{missing}\""),
            ));
        }
        b.areas
            .sort_by_key(|a| main.catalog.areas.iter().position(|id| id == &a.id));
        let mut listed = vec![false; b.certifications.len()];
        for area in &b.areas {
            for m in &area.metrics {
                for c in &m.certifications {
                    listed[c.value.index()] = true;
                }
                for st in &m.steps {
                    for c in &st.certifications {
                        listed[c.index()] = true;
                    }
                }
            }
        }
        let membership = crate::membership::build(&text, &b)?;
        for c in &membership.competencies {
            for id in &c.certifications {
                listed[id.index()] = true;
            }
        }
        for sp in membership
            .specializations
            .iter()
            .filter_map(|s| s.teamwork.as_ref())
        {
            for (id, _) in sp.knowledge.iter().chain(&sp.knowledge_alternative) {
                listed[id.index()] = true;
            }
        }
        let mut badges = Vec::new();
        for bd in &main.badge {
            if let Some(a) = bd
                .requires_areas
                .iter()
                .find(|a| !b.areas.iter().any(|x| &x.id == *a))
            {
                return Err(invalid(
                    "catalog.toml",
                    format!("badge \"{}\"", bd.id),
                    format!("unknown area \"{a}\""),
                ));
            }
            badges.push(Badge {
                id: bd.id.clone(),
                name: bd.name.clone(),
                reference: bd.reference.clone(),
                requires_areas: bd.requires_areas.clone(),
            });
        }
        let mut catalog = Catalog {
            version: main.catalog.version,
            title: main.catalog.title,
            origin: origin.to_string(),
            title_prefixes: main.catalog.certification_title_prefixes,
            workloads: b.workloads,
            association_types: b.assoc_types,
            association_groups: b.groups,
            certifications: b.certifications,
            parameters: b.parameters,
            areas: b.areas,
            badges,
            membership,
            workload_names: b.workload_names,
            assoc_names: b.assoc_names,
            cert_names: b.cert_names,
            listed,
            costs: crate::costs::Costs::default(),
        };
        catalog.costs =
            crate::costs::parse_costs(&catalog, "costs.toml", text("costs.toml")?, true)?;
        Ok(catalog)
    }
}

pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<T, CatalogError> {
    toml::from_str(text).map_err(|e| CatalogError::Syntax {
        file: file.to_string(),
        message: e.to_string().trim_end().to_string(),
    })
}

fn invalid(file: &str, item: impl Into<String>, message: impl Into<String>) -> CatalogError {
    CatalogError::Invalid {
        file: file.to_string(),
        item: item.into(),
        message: message.into(),
    }
}

pub(crate) fn date(
    file: &str,
    item: &str,
    v: Option<&toml::Value>,
) -> Result<Option<NaiveDate>, CatalogError> {
    let Some(v) = v else { return Ok(None) };
    let s = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => {
            return Err(invalid(
                file,
                item,
                format!("a date must be \"YYYY-MM-DD\", found {other}"),
            ));
        }
    };
    parse_date(&s)
        .map(Some)
        .map_err(|e| invalid(file, item, e.to_string()))
}

/// A `since` / `until` value of a catalog or overlay file: `"YYYY-MM-DD"` or a TOML date.
pub(crate) fn parse_date_value(v: &toml::Value) -> Result<NaiveDate, String> {
    let s = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => return Err(format!("a date must be \"YYYY-MM-DD\", found {other}")),
    };
    parse_date(&s).map_err(|e| e.to_string())
}

pub(crate) fn number(file: &str, item: &str, v: &toml::Value) -> Result<Num, CatalogError> {
    let text = match v {
        toml::Value::Integer(i) => i.to_string(),
        // Shortest round-trip form: 0.2 stays "0.2", then parsed exactly.
        toml::Value::Float(f) if f.is_finite() => format!("{f}"),
        toml::Value::String(s) => s.clone(),
        other => {
            return Err(invalid(
                file,
                item,
                format!("expected a number, found {other}"),
            ));
        }
    };
    parse_decimal(&text).map_err(|e| invalid(file, item, e.to_string()))
}

fn positive(file: &str, item: &str, v: &toml::Value) -> Result<Num, CatalogError> {
    let n = number(file, item, v)?;
    if n <= Num::from_integer(0) {
        return Err(invalid(
            file,
            item,
            format!("must be greater than 0, found {n}"),
        ));
    }
    Ok(n)
}

fn period(
    file: &str,
    item: &str,
    since: Option<&toml::Value>,
    until: Option<&toml::Value>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), CatalogError> {
    let s = date(file, &format!("{item} since"), since)?;
    let u = date(file, &format!("{item} until"), until)?;
    if let (Some(s), Some(u)) = (s, u)
        && u < s
    {
        return Err(invalid(
            file,
            item,
            format!("until {u} is before since {s}"),
        ));
    }
    Ok((s, u))
}

/// Checks a metric field that only some kinds take: present where it does not apply,
/// or absent where the kind requires it, is refused. Returns whether to read it.
fn kind_field(
    file: &str,
    item: &str,
    present: bool,
    applies: bool,
    required: bool,
    name: &str,
    who: &str,
) -> Result<bool, CatalogError> {
    match (applies, present) {
        (true, true) => Ok(true),
        (true, false) if required => Err(invalid(
            file,
            item,
            format!("this metric kind needs `{name}`"),
        )),
        (false, true) => Err(invalid(
            file,
            item,
            format!("only {who} metrics take `{name}`"),
        )),
        _ => Ok(false),
    }
}

fn did_you_mean(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", s.join(", "))
    }
}

#[derive(Default)]
struct Builder {
    workloads: Vec<Workload>,
    assoc_types: Vec<AssocType>,
    groups: BTreeMap<String, AssocMask>,
    certifications: Vec<Certification>,
    parameters: BTreeMap<String, Parameter>,
    areas: Vec<AreaDef>,
    workload_names: NameIndex<WorkloadId>,
    assoc_names: NameIndex<AssocTypeId>,
    cert_names: NameIndex<CertId>,
    workload_ids: BTreeMap<String, WorkloadId>,
    cert_ids: BTreeMap<String, CertId>,
}

impl Builder {
    fn meta(&mut self, main: &raw::CatalogFile) -> Result<(), CatalogError> {
        const F: &str = "catalog.toml";
        if main.catalog.version.trim().is_empty() {
            return Err(invalid(F, "[catalog] version", "must not be empty"));
        }
        if main.association_type.len() > 32 {
            return Err(invalid(
                F,
                "association_type",
                "at most 32 association types",
            ));
        }
        for (i, t) in main.association_type.iter().enumerate() {
            let id = AssocTypeId(u8::try_from(i).unwrap_or(u8::MAX));
            let item = format!("association_type \"{}\"", t.id);
            for n in std::iter::once(&t.id).chain(&t.aliases) {
                self.assoc_names.add(n, id, true).map_err(|other| {
                    invalid(
                        F,
                        &item,
                        format!(
                            "name \"{n}\" already means {}",
                            main.association_type[other.index()].id
                        ),
                    )
                })?;
            }
            self.assoc_types.push(AssocType {
                id: t.id.clone(),
                name: t.name.clone(),
                aliases: t.aliases.clone(),
            });
        }
        for (group, members) in &main.association_group {
            let mut mask = AssocMask::EMPTY;
            for m in members {
                let id = self.assoc_names.get(m).ok_or_else(|| {
                    invalid(
                        F,
                        format!("association_group \"{group}\""),
                        format!(
                            "unknown association type \"{m}\"{}",
                            did_you_mean(&self.assoc_names.suggest(m))
                        ),
                    )
                })?;
                mask = mask.union(AssocMask::of(id));
            }
            if self.assoc_names.get(group).is_some() {
                return Err(invalid(
                    F,
                    format!("association_group \"{group}\""),
                    "a group cannot share a name with an association type",
                ));
            }
            self.groups.insert(group.to_lowercase(), mask);
        }
        for (name, p) in &main.parameters {
            let item = format!("parameter \"{name}\"");
            if p.values.is_empty() {
                return Err(invalid(F, &item, "needs at least one value"));
            }
            let mut values: Vec<Dated<ParameterValue>> = Vec::new();
            for v in &p.values {
                let (since, until) = period(F, &item, v.since.as_ref(), v.until.as_ref())?;
                let value = match &v.value {
                    toml::Value::String(s) if parse_decimal(s).is_err() => {
                        ParameterValue::Choice(s.clone())
                    }
                    other => ParameterValue::Number(number(F, &item, other)?),
                };
                let d = Dated {
                    since,
                    until,
                    value,
                };
                if values.iter().any(|o| o.overlaps(&d)) {
                    return Err(invalid(
                        F,
                        &item,
                        "two values are in force on the same day: give each a since/until that do not overlap",
                    ));
                }
                values.push(d);
            }
            self.parameters.insert(
                name.clone(),
                Parameter {
                    description: p.description.clone(),
                    reference: p.reference.clone(),
                    unit: p.unit.clone(),
                    values,
                },
            );
        }
        Ok(())
    }

    fn workloads(&mut self, file: raw::WorkloadFile) -> Result<(), CatalogError> {
        const F: &str = "workloads.toml";
        for (i, w) in file.workload.into_iter().enumerate() {
            let id = WorkloadId(
                u16::try_from(i).map_err(|_| invalid(F, "workload", "too many workloads"))?,
            );
            let item = format!("workload \"{}\"", w.id);
            let family = match w.family.as_str() {
                "m365" => WorkloadFamily::M365,
                "bizapps" => WorkloadFamily::BizApps,
                other => {
                    return Err(invalid(
                        F,
                        &item,
                        format!("family must be \"m365\" or \"bizapps\", found \"{other}\""),
                    ));
                }
            };
            if self.workload_ids.insert(w.id.clone(), id).is_some() {
                return Err(invalid(F, &item, "id defined twice"));
            }
            for (n, suggest) in std::iter::once((&w.id, false))
                .chain(std::iter::once((&w.name, true)))
                .chain(w.aliases.iter().map(|a| (a, true)))
            {
                self.workload_names.add(n, id, suggest).map_err(|other| {
                    invalid(
                        F,
                        &item,
                        format!(
                            "name \"{n}\" already means workload \"{}\"",
                            self.workloads[other.index()].id
                        ),
                    )
                })?;
            }
            self.workloads.push(Workload {
                id: w.id,
                name: w.name,
                family,
                aliases: w.aliases,
            });
        }
        Ok(())
    }

    fn certifications(&mut self, file: raw::CertificationFile) -> Result<(), CatalogError> {
        const F: &str = "certifications.toml";
        for (i, c) in file.certification.into_iter().enumerate() {
            let id = CertId(
                u16::try_from(i)
                    .map_err(|_| invalid(F, "certification", "too many certifications"))?,
            );
            let item = format!("certification \"{}\"", c.id);
            if self.cert_ids.insert(c.id.clone(), id).is_some() {
                return Err(invalid(F, &item, "id defined twice"));
            }
            let retired = date(F, &item, c.retired.as_ref())?;
            let eligible_through = date(F, &item, c.eligible_through.as_ref())?;
            if let (Some(r), Some(e)) = (retired, eligible_through)
                && e < r
            {
                return Err(invalid(F, &item, "eligible_through is before retired"));
            }
            let mut former = Vec::new();
            for f in &c.former_names {
                let until = date(F, &item, Some(&f.until))?.unwrap_or(NaiveDate::MIN);
                former.push(FormerName {
                    name: f.name.clone(),
                    until,
                });
            }
            let names: Vec<&String> = std::iter::once(&c.name)
                .chain(former.iter().map(|f| &f.name))
                .chain(&c.aliases)
                .collect();
            for n in std::iter::once(&c.id).chain(names) {
                self.cert_names.add(n, id, n != &c.id).map_err(|other| {
                    invalid(
                        F,
                        &item,
                        format!(
                            "title \"{n}\" already means certification \"{}\"",
                            self.certifications[other.index()].id
                        ),
                    )
                })?;
            }
            self.certifications.push(Certification {
                id: c.id,
                name: c.name,
                official_prefix: c.official_prefix,
                former_names: former,
                aliases: c.aliases,
                retired,
                eligible_through,
            });
        }
        Ok(())
    }

    fn assoc_mask(
        &self,
        file: &str,
        item: &str,
        names: &[String],
    ) -> Result<AssocMask, CatalogError> {
        if names.is_empty() {
            return Err(invalid(
                file,
                item,
                "associations must name at least one association type",
            ));
        }
        let mut mask = AssocMask::EMPTY;
        for n in names {
            let m = if let Some(g) = self.groups.get(&n.to_lowercase()) {
                *g
            } else if let Some(id) = self.assoc_names.get(n) {
                AssocMask::of(id)
            } else {
                let mut s = self.assoc_names.suggest(n);
                s.extend(
                    self.groups
                        .keys()
                        .filter(|g| strsim::jaro_winkler(g, &n.to_lowercase()) > 0.75)
                        .map(|g| g.to_uppercase()),
                );
                return Err(invalid(
                    file,
                    item,
                    format!(
                        "unknown association type or group \"{n}\"{}",
                        did_you_mean(&s)
                    ),
                ));
            };
            mask = mask.union(m);
        }
        Ok(mask)
    }

    fn settings(
        file: &str,
        item: &str,
        kind: MetricKind,
        given: Option<&BTreeMap<String, toml::Value>>,
    ) -> Result<Settings, CatalogError> {
        let mut out = BTreeMap::new();
        let empty = BTreeMap::new();
        let given = given.unwrap_or(&empty);
        for (k, v) in given {
            if !kind.settings().contains(&k.as_str()) {
                let known = kind.settings();
                let hint = if known.is_empty() {
                    "this metric kind takes no settings".to_string()
                } else {
                    format!("this metric kind takes: {}", known.join(", "))
                };
                return Err(invalid(
                    file,
                    item,
                    format!("unknown setting \"{k}\": {hint}"),
                ));
            }
            let n = number(file, &format!("{item} setting \"{k}\""), v)?;
            if n < Num::from_integer(0) {
                return Err(invalid(
                    file,
                    item,
                    format!("setting \"{k}\" must not be negative"),
                ));
            }
            out.insert(k.clone(), n);
        }
        if let Some(missing) = kind.settings().iter().find(|k| !out.contains_key(**k)) {
            return Err(invalid(
                file,
                item,
                format!("missing setting \"{missing}\" (settings = {{ {missing} = ... }})"),
            ));
        }
        Ok(Settings(out))
    }

    fn options(
        &self,
        file: &str,
        item: &str,
        kind: MetricKind,
        tm: &raw::RawTrackMetric,
    ) -> Result<Vec<OptionRule>, CatalogError> {
        let settings = Self::settings(file, item, kind, tm.settings.as_ref())?;
        match (&tm.options, &tm.associations, &tm.target) {
            (Some(opts), None, None) => {
                if !kind.uses_associations() {
                    return Err(invalid(
                        file,
                        item,
                        "this metric kind takes no association options",
                    ));
                }
                if opts.is_empty() {
                    return Err(invalid(file, item, "options must list at least one option"));
                }
                opts.iter()
                    .map(|o| {
                        let assoc = self.assoc_mask(file, item, &o.associations)?;
                        Ok(OptionRule {
                            name: Some(o.name.clone().unwrap_or_else(|| o.associations.join("+"))),
                            assoc,
                            target: positive(file, &format!("{item} target"), &o.target)?,
                            settings: settings.clone(),
                        })
                    })
                    .collect()
            }
            (None, assoc, Some(target)) => {
                let mask = match (kind.uses_associations(), assoc) {
                    (true, Some(a)) => self.assoc_mask(file, item, a)?,
                    (true, None) => {
                        return Err(invalid(file, item, "this metric kind needs `associations`"));
                    }
                    (false, Some(_)) => {
                        return Err(invalid(
                            file,
                            item,
                            "this metric kind takes no `associations`",
                        ));
                    }
                    (false, None) => AssocMask::EMPTY,
                };
                Ok(vec![OptionRule {
                    name: None,
                    assoc: mask,
                    target: positive(file, &format!("{item} target"), target)?,
                    settings,
                }])
            }
            _ => Err(invalid(
                file,
                item,
                "give either `options = [...]` or a `target` (with `associations` where the kind needs them)",
            )),
        }
    }

    fn area(&mut self, file: &str, a: raw::AreaFile) -> Result<(), CatalogError> {
        let area_item = format!("area \"{}\"", a.area.id);
        if self.areas.iter().any(|x| x.id == a.area.id) {
            return Err(invalid(file, &area_item, "area defined twice"));
        }
        let (since, until) = period(
            file,
            &area_item,
            a.area.since.as_ref(),
            a.area.until.as_ref(),
        )?;
        let mut eligible = WorkloadSet::default();
        for w in &a.area.eligible_workloads {
            let id = self.workload_ids.get(w).copied().ok_or_else(|| {
                invalid(
                    file,
                    format!("{area_item} eligible_workloads"),
                    format!(
                        "unknown workload id \"{w}\"{}",
                        did_you_mean(&self.workload_names.suggest(w))
                    ),
                )
            })?;
            eligible.insert(id);
        }
        let mut tracks = Vec::new();
        for t in &a.track {
            if tracks.iter().any(|x: &TrackDef| x.id == t.id) {
                return Err(invalid(
                    file,
                    format!("track \"{}\"", t.id),
                    "track defined twice",
                ));
            }
            let band = match &t.band {
                Some(b) => {
                    if b.paid_units_at_most
                        .is_some_and(|m| m <= b.paid_units_above)
                    {
                        return Err(invalid(
                            file,
                            format!("track \"{}\" band", t.id),
                            "paid_units_at_most must be above paid_units_above",
                        ));
                    }
                    Some(Band {
                        above: b.paid_units_above,
                        at_most: b.paid_units_at_most,
                    })
                }
                None => None,
            };
            tracks.push(TrackDef {
                id: t.id.clone(),
                name: t.name.clone(),
                band,
            });
        }
        let track_selection = a.area.track_selection.unwrap_or(TrackSelection::BestOf);
        let mut metrics: Vec<MetricDef> = Vec::new();
        for m in &a.metric {
            let item = format!("metric \"{}\"", m.id);
            let (msince, muntil) = period(file, &item, m.since.as_ref(), m.until.as_ref())?;
            let max_points = positive(file, &format!("{item} max_points"), &m.max_points)?;
            let per_track = if tracks.is_empty() {
                if !m.track.is_empty() {
                    return Err(invalid(
                        file,
                        &item,
                        "the area has no [[track]], so the metric cannot have track.<id> settings",
                    ));
                }
                vec![self.options(file, &item, m.kind, &m.untracked)?]
            } else {
                if !m.untracked.is_empty() {
                    return Err(invalid(
                        file,
                        &item,
                        "the area has tracks: put target/associations/options under track.<id>",
                    ));
                }
                if let Some(extra) = m.track.keys().find(|k| !tracks.iter().any(|t| &t.id == *k)) {
                    return Err(invalid(
                        file,
                        &item,
                        format!("track \"{extra}\" is not a [[track]] of the area"),
                    ));
                }
                tracks
                    .iter()
                    .map(|t| {
                        let titem = format!("{item}, track \"{}\"", t.id);
                        let tm = m.track.get(&t.id).ok_or_else(|| {
                            invalid(
                                file,
                                &titem,
                                "missing: every track of the area needs its settings",
                            )
                        })?;
                        self.options(file, &titem, m.kind, tm)
                    })
                    .collect::<Result<Vec<_>, _>>()?
            };
            let field = |value: bool, applies: bool, required: bool, name: &str, who: &str| {
                kind_field(file, &item, value, applies, required, name, who)
            };
            let mut certifications = Vec::new();
            let wants_certs = m.kind == MetricKind::CertifiedPeople;
            if field(
                m.certifications.is_some(),
                wants_certs,
                true,
                "certifications",
                "certified_people",
            )? {
                for c in m.certifications.iter().flatten() {
                    let id = self.cert_ids.get(&c.cert).copied().ok_or_else(|| {
                        invalid(
                            file,
                            &item,
                            format!(
                                "unknown certification id \"{}\"{}",
                                c.cert,
                                did_you_mean(&self.cert_names.suggest(&c.cert))
                            ),
                        )
                    })?;
                    let (s, u) = period(
                        file,
                        &format!("{item} certification \"{}\"", c.cert),
                        c.since.as_ref(),
                        c.until.as_ref(),
                    )?;
                    certifications.push(Dated {
                        since: s,
                        until: u,
                        value: id,
                    });
                }
            }
            let deploys = m.kind == MetricKind::M365Deployments;
            let active_percent = match &m.active_percent_at_least {
                Some(v)
                    if field(
                        true,
                        deploys,
                        true,
                        "active_percent_at_least",
                        "m365_deployments",
                    )? =>
                {
                    let p = positive(file, &format!("{item} active_percent_at_least"), v)?;
                    if p > Num::from_integer(100) {
                        return Err(invalid(
                            file,
                            &item,
                            "active_percent_at_least is a percentage, at most 100",
                        ));
                    }
                    Some(p)
                }
                other => {
                    field(
                        other.is_some(),
                        deploys,
                        true,
                        "active_percent_at_least",
                        "m365_deployments",
                    )?;
                    None
                }
            };
            let two = m.kind.needs() == Needs::TwoSources;
            let source =
                |names: &Option<Vec<String>>, name: &str| -> Result<AssocMask, CatalogError> {
                    match names {
                        Some(n) if field(true, two, true, name, "two-source (security_*)")? => {
                            self.assoc_mask(file, &format!("{item} {name}"), n)
                        }
                        other => field(other.is_some(), two, true, name, "two-source (security_*)")
                            .map(|_| AssocMask::EMPTY),
                    }
                };
            let azure_assoc = source(&m.azure_associations, "azure_associations")?;
            let m365_assoc = source(&m.m365_associations, "m365_associations")?;
            let steps = match &m.steps {
                Some(list)
                    if field(
                        true,
                        m.kind.needs() == Needs::Steps,
                        true,
                        "steps",
                        "certification_steps",
                    )? =>
                {
                    self.steps(file, &item, list)?
                }
                other => {
                    field(
                        other.is_some(),
                        m.kind.needs() == Needs::Steps,
                        true,
                        "steps",
                        "certification_steps",
                    )?;
                    Vec::new()
                }
            };
            let scoped = m.kind.needs() == Needs::Scopes;
            let scope_list = m.association_scopes.as_ref().filter(|l| !l.is_empty());
            // An empty list counts as missing where scopes are needed, as given elsewhere.
            let given = if scoped {
                scope_list.is_some()
            } else {
                m.association_scopes.is_some()
            };
            field(
                given,
                scoped,
                true,
                "association_scopes",
                "bizapps usage growth and deployments",
            )?;
            let scopes = scope_list
                .into_iter()
                .flatten()
                .map(|sc| {
                    let mut workloads = WorkloadSet::default();
                    for w in &sc.workloads {
                        workloads.insert(self.workload_id(file, &item, w)?);
                    }
                    let assoc = self.assoc_mask(file, &item, &sc.associations)?;
                    Ok(Scope { workloads, assoc })
                })
                .collect::<Result<Vec<_>, CatalogError>>()?;
            let azure_deploys = m.kind == MetricKind::AzureDeployments;
            field(
                m.excluded_services.is_some(),
                azure_deploys,
                false,
                "excluded_services",
                "azure_deployments",
            )?;
            let excluded_services = m
                .excluded_services
                .iter()
                .flatten()
                .map(|s| normalize(s))
                .collect();
            if m.name.trim().is_empty() || m.unit.trim().is_empty() {
                return Err(invalid(file, &item, "`name` and `unit` must not be empty"));
            }
            let def = MetricDef {
                id: m.id.clone(),
                name: m.name.clone(),
                unit: Unit {
                    many: m.unit.clone(),
                    one: m.unit_one.clone().unwrap_or_else(|| m.unit.clone()),
                },
                kind: m.kind,
                category: m.category,
                max_points,
                since: msince,
                until: muntil,
                per_track,
                certifications,
                active_percent,
                azure_assoc,
                m365_assoc,
                steps,
                scopes,
                excluded_services,
            };
            let span = Dated {
                since: msince,
                until: muntil,
                value: (),
            };
            if metrics.iter().any(|o| {
                o.id == def.id
                    && Dated {
                        since: o.since,
                        until: o.until,
                        value: (),
                    }
                    .overlaps(&span)
            }) {
                return Err(invalid(
                    file,
                    &item,
                    "two versions of this metric are in force on the same day: give each a since/until that do not overlap",
                ));
            }
            metrics.push(def);
        }
        let classification = match (track_selection, &a.area.classification) {
            (TrackSelection::Classified, Some(c)) => {
                let citem = format!("{area_item} classification");
                for t in [&c.track, &c.otherwise] {
                    if !tracks.iter().any(|x| &x.id == t) {
                        return Err(invalid(
                            file,
                            &citem,
                            format!("track \"{t}\" is not a [[track]] of the area"),
                        ));
                    }
                }
                Some(Classification {
                    track: c.track.clone(),
                    otherwise: c.otherwise.clone(),
                    min_pairs: c.min_pairs,
                    revenue_above: number(file, &citem, &c.revenue_above_usd)?,
                    assoc: self.assoc_mask(file, &citem, &c.associations)?,
                })
            }
            (TrackSelection::Classified, None) => {
                return Err(invalid(
                    file,
                    &area_item,
                    "track_selection = \"classified\" needs an [area.classification]",
                ));
            }
            (TrackSelection::BestOf, Some(_)) => {
                return Err(invalid(
                    file,
                    &area_item,
                    "[area.classification] needs track_selection = \"classified\"",
                ));
            }
            (TrackSelection::BestOf, None) => None,
        };
        let mut mcv_rates: Vec<Dated<(Vec<WorkloadId>, Num)>> = Vec::new();
        for r in &a.mcv_rate {
            let ritem = format!("{area_item} mcv_rate");
            let (s, u) = period(file, &ritem, r.since.as_ref(), r.until.as_ref())?;
            let rate = positive(file, &format!("{ritem} per_unit"), &r.per_unit)?;
            let ws = r
                .workloads
                .iter()
                .map(|w| self.workload_id(file, &ritem, w))
                .collect::<Result<Vec<_>, _>>()?;
            let d = Dated {
                since: s,
                until: u,
                value: (ws, rate),
            };
            if let Some(w) = d.value.0.iter().find(|w| {
                mcv_rates
                    .iter()
                    .any(|o| o.value.0.contains(w) && o.overlaps(&d))
            }) {
                return Err(invalid(
                    file,
                    &ritem,
                    format!(
                        "workload \"{}\" has two rates in force on the same day",
                        self.workloads[w.index()].id
                    ),
                ));
            }
            mcv_rates.push(d);
        }
        self.areas.push(AreaDef {
            id: a.area.id,
            name: a.area.name,
            reference: a.area.reference,
            since,
            until,
            track_selection,
            eligible_workloads: eligible,
            tracks,
            metrics,
            eligible_services: a
                .area
                .eligible_services
                .as_ref()
                .map(|l| l.iter().map(|s| normalize(s)).collect()),
            excluded_offers: a
                .area
                .excluded_offers
                .iter()
                .map(|s| normalize(s))
                .collect(),
            classification,
            mcv_rates,
            file: file.to_string(),
        });
        Ok(())
    }

    fn workload_id(&self, file: &str, item: &str, w: &str) -> Result<WorkloadId, CatalogError> {
        self.workload_ids.get(w).copied().ok_or_else(|| {
            invalid(
                file,
                item,
                format!(
                    "unknown workload id \"{w}\"{}",
                    did_you_mean(&self.workload_names.suggest(w))
                ),
            )
        })
    }

    fn steps(
        &self,
        file: &str,
        item: &str,
        list: &[raw::RawStep],
    ) -> Result<Vec<Step>, CatalogError> {
        let mut out = Vec::new();
        for (i, st) in list.iter().enumerate() {
            let sitem = format!("{item} step {}", i + 1);
            let last = i + 1 == list.len();
            match (st.scoring, st.min_people, last) {
                (true, None, true) | (false, Some(_), false) => {}
                (true, _, false) => {
                    return Err(invalid(
                        file,
                        &sitem,
                        "only the last step may be the scoring step",
                    ));
                }
                (false, _, true) => {
                    return Err(invalid(
                        file,
                        &sitem,
                        "the last step must be `scoring = true`",
                    ));
                }
                (true, Some(_), true) => {
                    return Err(invalid(
                        file,
                        &sitem,
                        "the scoring step takes no min_people",
                    ));
                }
                (false, None, false) => {
                    return Err(invalid(
                        file,
                        &sitem,
                        "a prerequisite step needs `min_people`",
                    ));
                }
            }
            if st.certifications.is_empty() {
                return Err(invalid(
                    file,
                    &sitem,
                    "a step must list at least one certification",
                ));
            }
            let certifications = st
                .certifications
                .iter()
                .map(|c| {
                    self.cert_ids.get(c).copied().ok_or_else(|| {
                        invalid(
                            file,
                            &sitem,
                            format!(
                                "unknown certification id \"{c}\"{}",
                                did_you_mean(&self.cert_names.suggest(c))
                            ),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            out.push(Step {
                min_people: st.min_people.unwrap_or(0),
                scoring: st.scoring,
                certifications,
            });
        }
        Ok(out)
    }
}

impl crate::membership::Names for Builder {
    fn workload_id(&self, file: &str, item: &str, id: &str) -> Result<WorkloadId, CatalogError> {
        Builder::workload_id(self, file, item, id)
    }

    fn cert_id(&self, file: &str, item: &str, id: &str) -> Result<CertId, CatalogError> {
        self.cert_ids.get(id).copied().ok_or_else(|| {
            invalid(
                file,
                item,
                format!(
                    "unknown certification id \"{id}\"{}",
                    did_you_mean(&self.cert_names.suggest(id))
                ),
            )
        })
    }

    fn assoc_mask(
        &self,
        file: &str,
        item: &str,
        names: &[String],
    ) -> Result<AssocMask, CatalogError> {
        Builder::assoc_mask(self, file, item, names)
    }

    fn area_exists(&self, id: &str) -> bool {
        self.areas.iter().any(|a| a.id == id)
    }
}
