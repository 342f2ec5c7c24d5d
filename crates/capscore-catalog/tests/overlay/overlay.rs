//! Overlays: changes applied on top of the catalog's files, validated with the file,
//! line and column of the change at fault.

use std::path::Path;

use capscore_catalog::{Catalog, EMBEDDED_FILES, Overlaid, OverlayError, apply_overlay};
use capscore_core::{Month, Num};

fn overlay(text: &str) -> Result<Overlaid, OverlayError> {
    apply_overlay(EMBEDDED_FILES, "embedded", "test.toml", text)
}

fn example(name: &str) -> Overlaid {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/reforms")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    apply_overlay(EMBEDDED_FILES, "embedded", name, &text).unwrap()
}

fn month(s: &str) -> Month {
    s.parse().unwrap()
}

/// Target of a metric's option in an area and track, in force in `m`.
fn target(c: &Catalog, m: &str, area: &str, track: Option<&str>, metric: &str) -> Vec<Num> {
    let snap = c.at_month(month(m)).unwrap();
    let a = snap.area(area).unwrap();
    let t = a.tracks.iter().find(|t| t.id.as_deref() == track).unwrap();
    let me = t.metrics.iter().find(|x| x.id == metric).unwrap();
    me.options.iter().map(|o| o.target).collect()
}

#[test]
fn a_target_change_changes_that_track_only() {
    let o = example("mw-smb-net-customer-adds-12.toml");
    let base = Catalog::embedded().unwrap();
    for m in ["2022-06", "2024-06"] {
        assert_eq!(
            target(&base, m, "modern_work", Some("smb"), "net_customer_adds"),
            [Num::from_integer(10)]
        );
        assert_eq!(
            target(
                &o.catalog,
                m,
                "modern_work",
                Some("smb"),
                "net_customer_adds"
            ),
            [Num::from_integer(12)]
        );
        assert_eq!(
            target(
                &o.catalog,
                m,
                "modern_work",
                Some("enterprise"),
                "net_customer_adds"
            ),
            target(
                &base,
                m,
                "modern_work",
                Some("enterprise"),
                "net_customer_adds"
            )
        );
    }
    assert_eq!(o.name, "Modern Work SMB net customer adds target 12");
}

#[test]
fn a_threshold_change_changes_the_setting_in_each_area() {
    let o = example("azure-net-customer-adds-acr-1500.toml");
    let snap = o.catalog.at_month(month("2024-06")).unwrap();
    for area in ["data_ai", "infrastructure", "digital_app_innovation"] {
        let a = snap.area(area).unwrap();
        let me = a.tracks[0]
            .metrics
            .iter()
            .find(|x| x.id == "net_customer_adds")
            .unwrap();
        for opt in &me.options {
            assert_eq!(
                opt.settings.get("min_monthly_acr_usd"),
                Num::from_integer(1500)
            );
        }
        let base = Catalog::embedded().unwrap();
        let b = base.at_month(month("2024-06")).unwrap();
        let bm = b.area(area).unwrap().tracks[0]
            .metrics
            .iter()
            .find(|x| x.id == "net_customer_adds")
            .unwrap();
        assert_eq!(
            bm.options[0].settings.get("min_monthly_acr_usd"),
            Num::from_integer(1000)
        );
    }
}

#[test]
fn a_dated_version_brings_the_december_steps_into_november() {
    let o = example("security-steps-from-2023-11.toml");
    let base = Catalog::embedded().unwrap();
    let steps = |c: &Catalog, m: &str| {
        let snap = c.at_month(month(m)).unwrap();
        snap.area("security").unwrap().tracks[0]
            .metrics
            .iter()
            .find(|x| x.id == "intermediate_certifications")
            .unwrap()
            .steps
            .clone()
    };
    assert_ne!(steps(&base, "2023-11"), steps(&base, "2023-12"));
    assert_eq!(steps(&o.catalog, "2023-11"), steps(&base, "2023-12"));
    // Before and after the new version, the rules are those of the catalog.
    assert_eq!(steps(&o.catalog, "2023-10"), steps(&base, "2023-10"));
    assert_eq!(steps(&o.catalog, "2024-01"), steps(&base, "2024-01"));
}

#[test]
fn a_dated_change_inside_an_open_version_splits_it_in_three() {
    let o = overlay(
        r#"
[overlay]
name = "one month"
[[change]]
area = "modern_work"
metric = "net_customer_adds"
track = "smb"
since = "2023-03-01"
until = "2023-03-31"
target = 15
"#,
    )
    .unwrap();
    let t = |m| {
        target(
            &o.catalog,
            m,
            "modern_work",
            Some("smb"),
            "net_customer_adds",
        )
    };
    assert_eq!(t("2023-02"), [Num::from_integer(10)]);
    assert_eq!(t("2023-03"), [Num::from_integer(15)]);
    assert_eq!(t("2023-04"), [Num::from_integer(10)]);
}

#[test]
fn an_option_target_and_an_area_list_change() {
    let o = overlay(
        r#"
[overlay]
name = "x"
[[change]]
area = "modern_work"
metric = "usage_growth"
track = "smb"
option = "csp"
target = 1500

[[change]]
area = "modern_work"
eligible_workloads = ["teams", "exchange"]
"#,
    )
    .unwrap();
    assert_eq!(
        target(
            &o.catalog,
            "2024-01",
            "modern_work",
            Some("smb"),
            "usage_growth"
        ),
        [Num::from_integer(500), Num::from_integer(1500)]
    );
    let snap = o.catalog.at_month(month("2024-01")).unwrap();
    assert_eq!(
        snap.area("modern_work")
            .unwrap()
            .eligible_workloads
            .iter()
            .count(),
        2
    );
}

#[test]
fn an_empty_overlay_changes_no_rule() {
    let o = overlay("[overlay]\nname = \"nothing\"\n").unwrap();
    let base = Catalog::embedded().unwrap();
    for m in ["2022-01", "2023-11", "2023-12", "2024-06"] {
        let (a, b) = (
            base.at_month(month(m)).unwrap(),
            o.catalog.at_month(month(m)).unwrap(),
        );
        assert_eq!(format!("{:?}", a.areas), format!("{:?}", b.areas));
    }
}

fn refused(text: &str) -> OverlayError {
    match overlay(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

#[test]
fn bad_overlays_are_refused_at_their_line_and_column() {
    let head = "[overlay]\nname = \"bad\"\n\n[[change]]\n";
    let cases: &[(&str, usize, usize, &str)] = &[
        (
            "area = \"modern_wrk\"\nmetric = \"x\"\n",
            5,
            8,
            "no area \"modern_wrk\"",
        ),
        (
            "area = \"modern_work\"\nmetric = \"net_customer_add\"\ntarget = 3\n",
            6,
            10,
            "no metric \"net_customer_add\"",
        ),
        (
            "area = \"modern_work\"\nmetric = \"net_customer_adds\"\ntarget = 3\n",
            7,
            10,
            "add `track",
        ),
        (
            "area = \"modern_work\"\nmetric = \"net_customer_adds\"\ntrack = \"big\"\ntarget = 3\n",
            7,
            9,
            "no track \"big\"",
        ),
        (
            "area = \"modern_work\"\nmetric = \"usage_growth\"\ntrack = \"smb\"\ntarget = 3\n",
            8,
            10,
            "add `option",
        ),
        (
            "area = \"data_ai\"\nmetric = \"net_customer_adds\"\nsettings = { min_acr = 1 }\n",
            7,
            12,
            "no setting \"min_acr\"",
        ),
        (
            "area = \"modern_work\"\nmetric = \"net_customer_adds\"\ntrack = \"smb\"\ntarget = -3\n",
            4,
            1,
            "makes the catalog invalid",
        ),
        ("area = \"modern_work\"\ntarjet = 3\n", 6, 1, "tarjet"),
        (
            "area = \"security\"\nmetric = \"deployments\"\nsince = \"2023-13-01\"\ntarget = 1\n",
            7,
            9,
            "",
        ),
    ];
    for (body, line, column, says) in cases {
        let e = refused(&format!("{head}{body}"));
        assert_eq!((e.line, e.column), (*line, *column), "{e}\n{body}");
        assert!(e.message.contains(says), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("test.toml:{line}:{column}: "))
        );
    }
    let e = refused("[overlay\nname = 1");
    assert_eq!(e.line, 1, "{e}");
}

#[test]
fn an_area_is_found_by_its_id_whatever_its_file_is_named() {
    let files: Vec<(&str, &str)> = EMBEDDED_FILES
        .iter()
        .map(|(n, t)| {
            if *n == "areas/modern_work.toml" {
                ("areas/mw.toml", *t)
            } else {
                (*n, *t)
            }
        })
        .collect();
    let o = apply_overlay(
        &files,
        "renamed",
        "o.toml",
        "[overlay]\nname = \"x\"\n[[change]]\narea = \"modern_work\"\nmetric = \"net_customer_adds\"\ntrack = \"smb\"\ntarget = 12\n",
    )
    .unwrap();
    assert_eq!(
        target(
            &o.catalog,
            "2024-06",
            "modern_work",
            Some("smb"),
            "net_customer_adds"
        ),
        [Num::from_integer(12)]
    );
    assert!(
        o.files
            .iter()
            .any(|(n, t)| *n == "areas/mw.toml" && t.contains("target = 12"))
    );
}

const VALID: &str = r#"[overlay]
name = "x"
[[change]]
area = "security"
metric = "intermediate_certifications"
since = "2023-11-01"
until = "2023-11-30"
steps = [
  { min_people = 2, certifications = ["azure_security_engineer_associate"] },
  { scoring = true, certifications = ["cybersecurity_architect_expert"] },
]
[[change]]
area = "modern_work"
metric = "usage_growth"
track = "smb"
option = "CSP"
target = 1500
[[change]]
area = "data_ai"
metric = "net_customer_adds"
settings = { min_monthly_acr_usd = 1500 }
"#;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// Any edit of a valid overlay is applied or refused with a position inside the
    /// file; never a panic.
    #[test]
    fn edited_overlays_are_applied_or_refused_in_the_file(
        at in 0_usize..VALID.len(),
        cut in 0_usize..12,
        insert in "[ -~]{0,6}|\n|é|\"|\\]|=",
    ) {
        let mut at = at;
        while !VALID.is_char_boundary(at) {
            at -= 1;
        }
        let end = (at + cut).min(VALID.len());
        let text = format!("{}{}{}", &VALID[..at], insert, &VALID[end..]);
        if let Err(e) = overlay(&text) {
            let lines = text.lines().count().max(1);
            proptest::prop_assert!(e.line >= 1 && e.line <= lines + 1, "{e}");
            proptest::prop_assert!(e.column >= 1, "{e}");
        }
    }
}

#[test]
fn the_valid_overlay_of_the_property_applies() {
    overlay(VALID).unwrap();
}
