//! The program rules as data.
//!
//! capscore keeps every threshold, target, point maximum, eligible workload,
//! certification, alias and date of change in versioned TOML files (the repository's
//! `catalog/` folder), never in Rust. This crate loads those files, refuses an invalid
//! catalog with a message naming the file and the item, resolves names met in data
//! files (aliases, certification title forms, former names), and gives the engine a
//! typed [`Snapshot`] of the rules in force on one date.
//!
//! ```
//! use capscore_catalog::Catalog;
//! use capscore_core::{Month, Vocabulary};
//! let catalog = Catalog::embedded().unwrap();
//! let rules = catalog.at_month("2023-06".parse::<Month>().unwrap()).unwrap();
//! let mw = rules.area("modern_work").unwrap();
//! assert_eq!(mw.tracks.len(), 2);
//! assert!(catalog.workload("EXO").is_some());
//! ```
#![deny(missing_docs)]

mod build;
pub mod costs;
mod error;
pub mod membership;
mod model;
mod names;
mod overlay;
mod raw;
mod snapshot;

pub use error::CatalogError;
pub use model::{
    AreaDef, AssocType, Badge, Catalog, CertListing, Certification, Dated, FormerName, MetricDef,
    Parameter, ParameterValue, TrackDef, Unit, Workload, WorkloadFamily, WorkloadSet,
};
pub use names::normalize;
pub use overlay::{Overlaid, OverlayError, apply_overlay};
pub use raw::Needs;
pub use raw::{Category, MetricKind, TrackSelection};
pub use snapshot::{
    AreaRules, Band, Classification, DeploymentUnit, MetricRules, OptionRule, Params, Rounding,
    Scope, Settings, Snapshot, Step, TrackRules,
};

/// The catalog files compiled into the binary, as (path relative to `catalog/`, text).
pub const EMBEDDED_FILES: &[(&str, &str)] = &[
    (
        "catalog.toml",
        include_str!("../../../catalog/catalog.toml"),
    ),
    ("costs.toml", include_str!("../../../catalog/costs.toml")),
    (
        "workloads.toml",
        include_str!("../../../catalog/workloads.toml"),
    ),
    (
        "certifications.toml",
        include_str!("../../../catalog/certifications.toml"),
    ),
    (
        "membership/lifecycle.toml",
        include_str!("../../../catalog/membership/lifecycle.toml"),
    ),
    (
        "membership/competencies.toml",
        include_str!("../../../catalog/membership/competencies.toml"),
    ),
    (
        "membership/specializations.toml",
        include_str!("../../../catalog/membership/specializations.toml"),
    ),
    (
        "membership/benefits.toml",
        include_str!("../../../catalog/membership/benefits.toml"),
    ),
    (
        "areas/modern_work.toml",
        include_str!("../../../catalog/areas/modern_work.toml"),
    ),
    (
        "areas/security.toml",
        include_str!("../../../catalog/areas/security.toml"),
    ),
    (
        "areas/data_ai.toml",
        include_str!("../../../catalog/areas/data_ai.toml"),
    ),
    (
        "areas/infrastructure.toml",
        include_str!("../../../catalog/areas/infrastructure.toml"),
    ),
    (
        "areas/digital_app_innovation.toml",
        include_str!("../../../catalog/areas/digital_app_innovation.toml"),
    ),
    (
        "areas/business_applications.toml",
        include_str!("../../../catalog/areas/business_applications.toml"),
    ),
];
