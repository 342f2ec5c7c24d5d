//! The shared vocabulary of capscore: calendar months, strict date parsing, exact
//! numbers and the integer ids that the columnar dataset and the engine pass around.
//!
//! Nothing here knows a program rule: thresholds and names live in the catalog.
//!
//! ```
//! use capscore_core::Month;
//! let m: Month = "2023-06".parse().unwrap();
//! assert_eq!(m.offset(-12).to_string(), "2022-06");
//! assert_eq!(m.last_day().to_string(), "2023-06-30");
//! ```
#![deny(missing_docs)]

mod ids;
mod month;
mod num;
pub mod text;

pub use chrono::{NaiveDate, TimeDelta};
pub use ids::{AssocMask, AssocTypeId, CertId, PartnerIdx, PersonIdx, TenantIdx, WorkloadId};
pub use month::{MAX_YEAR, MIN_YEAR, Month, ParseError, parse_date};
pub use num::{
    ExactSum, MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS, Num, format_amount, format_count,
    format_grouped, format_num, num_to_f64_2dp, parse_decimal, scaled_decimal,
};

/// Names of things that the catalog defines and that data files refer to by name.
///
/// The dataset loader resolves every name through this trait, so that it needs no
/// knowledge of the catalog's files; the catalog implements it. Matching is
/// case-insensitive and accepts canonical names and aliases. The loader reads tables on
/// several threads, which share the vocabulary.
pub trait Vocabulary: Sync {
    /// Resolves a workload name (Microsoft 365 or Business Applications) or alias.
    fn workload(&self, name: &str) -> Option<WorkloadId>;
    /// Resolves an association type name or alias (`CPOR`, `CSP Tier-1`, ...).
    fn association_type(&self, name: &str) -> Option<AssocTypeId>;
    /// Resolves a certification title, in any of its accepted forms.
    fn certification(&self, name: &str) -> Option<CertId>;
    /// Whether some area, in some catalog version, lists the certification.
    fn certification_listed(&self, id: CertId) -> bool;
    /// The catalog names closest to an unknown workload name (best first).
    fn suggest_workloads(&self, name: &str) -> Vec<String>;
    /// The catalog names closest to an unknown association type (best first).
    fn suggest_association_types(&self, name: &str) -> Vec<String>;
    /// The catalog titles closest to an unknown certification title (best first).
    fn suggest_certifications(&self, name: &str) -> Vec<String>;
    /// Whether a program of `enrollments` and `customer_references`
    /// (`designation:modern_work`, `specialization:teamwork_deployment`, …) is one the
    /// vocabulary knows. A vocabulary without programs (the default) knows them all.
    fn program(&self, name: &str) -> bool {
        let _ = name;
        true
    }
    /// The programs closest to an unknown one (best first).
    fn suggest_programs(&self, name: &str) -> Vec<String> {
        let _ = name;
        Vec::new()
    }
}
