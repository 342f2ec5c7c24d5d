//! The shape of generated data (`profile.toml`): sizes, rates and the open sets of
//! names the catalog does not hold. Rules come from the catalog, never from here.

use serde::Deserialize;

/// The profile compiled into capscore.
pub(crate) const EMBEDDED_PROFILE: &str = include_str!("../profile.toml");

/// Shape of partners.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PartnerShape {
    pub pareto_alpha: f64,
    pub max_share_of_mean: f64,
    pub location_share: f64,
    pub emerging_share: f64,
    pub focus_areas_min: usize,
    pub focus_areas_max: usize,
    pub growing_share: f64,
    pub people_base: u32,
    pub people_per_tenant: f64,
    pub people_max: u32,
}

/// Shape of tenants, their usage and associations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct TenantShape {
    pub seats_scale: f64,
    pub seats_alpha: f64,
    pub seats_max: u64,
    pub present_from_start: f64,
    pub leaving_share: f64,
    pub partners_weights: Vec<u32>,
    pub m365_workloads_min: usize,
    pub m365_workloads_max: usize,
    pub active_ratio_lo: f64,
    pub active_ratio_hi: f64,
    pub active_ratio_step: f64,
    pub active_ratio_trend_growing: f64,
    pub azure_share_focus: f64,
    pub azure_share_other: f64,
    pub subscriptions_max: u32,
    pub services_per_subscription_max: usize,
    pub acr_median_usd: f64,
    pub acr_sigma: f64,
    pub excluded_offer_share: f64,
    pub bizapps_share_focus: f64,
    pub bizapps_share_other: f64,
    pub bizapps_workloads_max: usize,
    pub revenue_median_usd: f64,
    pub association_end_share: f64,
    pub handover_share: f64,
    pub renew_share: f64,
    pub cpor_share: f64,
    pub alias_share: f64,
}

/// Open sets of names (not rules).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Names {
    pub offers: Vec<String>,
    pub azure_services: Vec<String>,
    pub markets: Vec<String>,
    pub countries: Vec<String>,
}

/// The whole profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Profile {
    pub partners: PartnerShape,
    pub tenants: TenantShape,
    pub names: Names,
}

impl Profile {
    /// The profile compiled into capscore.
    ///
    /// # Errors
    /// The embedded file does not parse (a build defect, reported, never a panic).
    pub fn embedded() -> Result<Profile, crate::GenError> {
        Profile::parse(EMBEDDED_PROFILE)
    }

    /// Parses a profile and checks that its lists are usable.
    ///
    /// # Errors
    /// A TOML error, or an empty list / weight vector.
    pub fn parse(text: &str) -> Result<Profile, crate::GenError> {
        let p: Profile =
            toml::from_str(text).map_err(|e| crate::GenError::Profile(e.to_string()))?;
        let empty = [
            ("names.offers", p.names.offers.is_empty()),
            ("names.markets", p.names.markets.len() < 2),
            ("names.countries", p.names.countries.is_empty()),
            (
                "tenants.partners_weights",
                p.tenants.partners_weights.iter().all(|&w| w == 0),
            ),
        ];
        if let Some((what, _)) = empty.iter().find(|(_, e)| *e) {
            return Err(crate::GenError::Profile(format!("{what} is empty")));
        }
        Ok(p)
    }
}
