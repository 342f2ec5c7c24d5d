//! Reforms on generated datasets, through the real generator, loader, catalog, overlay
//! and engine: an overlay that changes nothing changes no score, a lower target never
//! costs a partner its qualification, and the documented example overlays do what
//! docs/reforms.md says.

use std::path::Path;
use std::sync::OnceLock;

use capscore_catalog::{Catalog, EMBEDDED_FILES, Overlaid, apply_overlay};
use capscore_core::{Month, Num};
use capscore_data::Loaded;
use capscore_gen::{Format, GenOptions, Profile, generate};
use capscore_whatif::reform::{Reform, reform};
use proptest::prelude::*;

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::embedded().unwrap())
}

fn m(s: &str) -> Month {
    s.parse().unwrap()
}

/// Small generated datasets (seeds 1..=3), loaded once.
fn datasets() -> &'static [Loaded] {
    static D: OnceLock<Vec<Loaded>> = OnceLock::new();
    D.get_or_init(|| {
        let profile = Profile::embedded().unwrap();
        (1..=3)
            .map(|seed| {
                let dir = tempfile::tempdir().unwrap();
                let out = dir.path().join("data");
                let opts = GenOptions {
                    partners: 30,
                    tenants: 900,
                    months: 36,
                    end_month: m("2024-06"),
                    seed,
                    format: Format::Parquet,
                };
                generate(catalog(), &profile, &opts, &out, false, &|_, _| {}).unwrap();
                capscore_data::load_dir(&out, catalog()).unwrap()
            })
            .collect()
    })
}

fn overlaid(text: &str) -> Overlaid {
    apply_overlay(EMBEDDED_FILES, "embedded", "test.toml", text).unwrap()
}

fn example(name: &str) -> Overlaid {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/reforms")
        .join(name);
    let text = std::fs::read_to_string(path).unwrap();
    apply_overlay(EMBEDDED_FILES, "embedded", name, &text).unwrap()
}

fn run(data: &Loaded, o: &Overlaid, month: &str) -> Reform {
    reform(
        &data.dataset,
        catalog(),
        &o.catalog,
        &o.name,
        m(month),
        None,
    )
    .unwrap()
}

#[test]
fn an_overlay_that_restates_the_catalog_changes_nothing() {
    let same = overlaid(
        r#"
[overlay]
name = "restated"
[[change]]
area = "modern_work"
metric = "net_customer_adds"
track = "smb"
target = 10
[[change]]
area = "data_ai"
metric = "net_customer_adds"
settings = { min_monthly_acr_usd = 1000 }
"#,
    );
    for data in datasets() {
        for month in ["2023-11", "2024-06"] {
            let r = run(data, &same, month);
            assert!(r.changes_nothing(), "{r:#?}");
            for a in &r.areas {
                assert_eq!(a.qualified_before, a.qualified_after);
                assert_eq!(
                    a.totals.iter().map(|b| b.before).collect::<Vec<_>>(),
                    a.totals.iter().map(|b| b.after).collect::<Vec<_>>()
                );
            }
            assert!(r.partners > 0);
        }
    }
}

#[test]
fn raising_the_mw_smb_target_never_gains_and_changes_only_modern_work() {
    let o = example("mw-smb-net-customer-adds-12.toml");
    let mut changed = 0;
    for data in datasets() {
        let r = run(data, &o, "2024-06");
        for a in &r.areas {
            assert!(a.gained.is_empty(), "{a:#?}");
            if a.area == "modern_work" {
                changed += a.totals_changed;
                let smb = a.tracks.iter().find(|t| t.track == "smb").unwrap();
                assert!(smb.gained.is_empty());
                let ent = a.tracks.iter().find(|t| t.track == "enterprise").unwrap();
                assert!(ent.gained.is_empty() && ent.lost.is_empty());
            } else {
                assert_eq!(a.totals_changed, 0, "{}", a.area);
            }
        }
    }
    assert!(
        changed > 0,
        "the generated data has SMB partners between 10 and 12 adds"
    );
}

#[test]
fn a_higher_azure_threshold_never_gains_and_changes_only_azure_areas() {
    let o = example("azure-net-customer-adds-acr-1500.toml");
    for data in datasets() {
        let r = run(data, &o, "2024-06");
        for a in &r.areas {
            assert!(a.gained.is_empty(), "{a:#?}");
            if !["data_ai", "infrastructure", "digital_app_innovation"].contains(&a.area.as_str()) {
                assert_eq!(a.totals_changed, 0, "{}", a.area);
            }
        }
    }
}

#[test]
fn the_december_security_steps_in_november_score_as_in_december_rules() {
    let o = example("security-steps-from-2023-11.toml");
    let mut changed = 0;
    for data in datasets() {
        let r = run(data, &o, "2023-11");
        for a in &r.areas {
            if a.area == "security" {
                changed += a.totals_changed;
            }
            // Stricter prerequisites and a shorter scoring list: nobody gains.
            assert!(a.gained.is_empty(), "{a:#?}");
            if a.area != "security" {
                assert_eq!(a.totals_changed, 0, "{}", a.area);
            }
        }
        // December is untouched by the overlay.
        assert!(run(data, &o, "2023-12").changes_nothing());
    }
    assert!(
        changed > 0,
        "the generated data has partners the step change moves"
    );
}

/// Every (area, metric, track, option, target) of the rules in force in `month` whose
/// target is a whole number above 1.
type Lowerable = (String, String, Option<String>, Option<String>, i128);

fn lowerable(month: &str) -> Vec<Lowerable> {
    let snap = catalog().at_month(m(month)).unwrap();
    let mut out = Vec::new();
    for a in &snap.areas {
        for t in &a.tracks {
            for me in &t.metrics {
                for o in &me.options {
                    if o.target.is_integer() && o.target > Num::from_integer(1) {
                        out.push((
                            a.id.clone(),
                            me.id.clone(),
                            t.id.clone(),
                            o.name.clone(),
                            o.target.to_integer(),
                        ));
                    }
                }
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// A lower target gives at least as many points on every option, so no partner
    /// loses an area or a track.
    #[test]
    fn a_lower_target_never_loses_a_partner(
        data in 0_usize..3,
        pick in any::<prop::sample::Index>(),
        cut in 1_i128..1000,
    ) {
        let all = lowerable("2024-06");
        let (area, metric, track, option, target) = pick.get(&all).clone();
        let lower = 1 + (cut % (target - 1)).min(target - 2);

        prop_assert!(lower < target);
        let mut text = format!(
            "[overlay]\nname = \"lower\"\n[[change]]\narea = \"{area}\"\nmetric = \"{metric}\"\ntarget = {lower}\n"
        );
        if let Some(o) = &option {
            text.push_str(&format!("option = \"{o}\"\n"));
        }
        let with_track = track
            .as_ref()
            .map(|t| format!("{text}track = \"{t}\"\n"));
        // A metric whose target is shared by its tracks takes no `track`.
        let o = with_track
            .and_then(|t| apply_overlay(EMBEDDED_FILES, "embedded", "t.toml", &t).ok())
            .unwrap_or_else(|| overlaid(&text));
        let r = run(&datasets()[data], &o, "2024-06");
        for a in &r.areas {
            prop_assert!(a.lost.is_empty(), "{} lost {:?} ({text})", a.area, a.lost);
            prop_assert!(a.qualified_after >= a.qualified_before);
            for t in &a.tracks {
                prop_assert!(t.lost.is_empty(), "{}/{} lost {:?} ({text})", a.area, t.track, t.lost);
            }
        }
    }
}
