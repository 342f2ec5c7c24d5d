//! `capscore reform`: an overlay of the catalog compared on a dataset, for people
//! (names, counts, histogram), as JSON, with an SVG chart; bad overlays refused at their
//! line and column.

use std::path::{Path, PathBuf};

use crate::util::{capscore, ok};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sample() -> String {
    repo().join("data/sample").display().to_string()
}

fn example(name: &str) -> String {
    repo().join("docs/reforms").join(name).display().to_string()
}

fn reform(overlay: &str, extra: &[&str]) -> std::process::Output {
    let data = sample();
    let mut args = vec![
        "reform",
        "--data",
        &data,
        "--month",
        "2024-06",
        "--overlay",
        overlay,
    ];
    args.extend_from_slice(extra);
    capscore(&args)
}

#[test]
fn a_raised_target_names_the_partners_who_lose() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("o.toml");
    // Out of reach targets for net customer adds and advanced certifications in both
    // tracks: 35 of the 100 points fall away.
    let mut text = String::from("[overlay]\nname = \"out of reach\"\n");
    for metric in ["net_customer_adds", "advanced_certifications"] {
        for track in ["enterprise", "smb"] {
            text.push_str(&format!(
                "[[change]]\narea = \"modern_work\"\nmetric = \"{metric}\"\ntrack = \"{track}\"\ntarget = 100000\n"
            ));
        }
    }
    std::fs::write(&overlay, text).unwrap();
    let json: serde_json::Value = serde_json::from_str(&ok(&reform(
        overlay.to_str().unwrap(),
        &["--format", "json"],
    )))
    .unwrap();
    let mw = json["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["area"] == "modern_work")
        .unwrap();
    let before = mw["qualified_before"].as_u64().unwrap();
    let after = mw["qualified_after"].as_u64().unwrap();
    let lost = mw["lost"].as_array().unwrap();
    assert!(after < before, "{mw}");
    assert_eq!(lost.len() as u64, before - after);
    assert!(mw["gained"].as_array().unwrap().is_empty());
    let text = ok(&reform(overlay.to_str().unwrap(), &[]));
    assert!(text.contains("\nModern Work: "), "{text}");
    assert!(text.contains("lose the designation"), "{text}");
    // Names, not only ids.
    let name = lost[0]["name"].as_str().unwrap();
    assert!(text.contains(name), "{name} not in\n{text}");
    assert!(text.contains("totals (points)"), "{text}");
}

#[test]
fn the_chart_is_an_svg_with_a_panel_per_area() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("totals.svg");
    let o = reform(
        &example("mw-smb-net-customer-adds-12.toml"),
        &[
            "--chart",
            chart.to_str().unwrap(),
            "--area",
            "modern_work,security",
        ],
    );
    ok(&o);
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains(">Modern Work: "));
    assert!(svg.contains(">Security: "));
    assert!(!svg.contains("Data &amp; AI"));
    // One pair of bars per bin and area: 10 bins, 2 areas.
    assert_eq!(svg.matches("<rect x=").count() - 2, 2 * 10 * 2);
}

#[test]
fn the_example_overlays_run() {
    for (name, month) in [
        ("mw-smb-net-customer-adds-12.toml", "2024-06"),
        ("azure-net-customer-adds-acr-1500.toml", "2024-06"),
        ("security-steps-from-2023-11.toml", "2023-12"),
    ] {
        let data = sample();
        let o = capscore(&[
            "reform",
            "--data",
            &data,
            "--month",
            month,
            "--overlay",
            &example(name),
        ]);
        let text = ok(&o);
        assert!(text.starts_with("Reform \""), "{text}");
        // The overlay's description, on the second line.
        assert!(
            text.lines()
                .nth(1)
                .is_some_and(|l| !l.starts_with("rules before")),
            "{text}"
        );
    }
}

#[test]
fn a_bad_overlay_is_refused_with_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("bad.toml");
    std::fs::write(
        &overlay,
        "[overlay]\nname = \"bad\"\n[[change]]\narea = \"modern_work\"\nmetric = \"net_customer_adds\"\ntrack = \"midsize\"\ntarget = 3\n",
    )
    .unwrap();
    let o = reform(overlay.to_str().unwrap(), &[]);
    assert_eq!(o.status.code(), Some(4));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("{}:6:9: no track \"midsize\"", overlay.display())),
        "{err}"
    );
}

#[test]
fn the_overlay_applies_to_the_catalog_folder_given() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("o.toml");
    std::fs::write(
        &overlay,
        "[overlay]\nname = \"x\"\n[[change]]\narea = \"modern_work\"\nmetric = \"net_customer_adds\"\ntrack = \"smb\"\ntarget = 12\n",
    )
    .unwrap();
    let catalog = repo().join("catalog").display().to_string();
    let data = sample();
    let run = |cat: &str| {
        let mut args = vec!["--catalog", cat];
        args.extend([
            "reform",
            "--data",
            &data,
            "--month",
            "2024-06",
            "--overlay",
            overlay.to_str().unwrap(),
            "--format",
            "json",
        ]);
        capscore(&args)
    };
    let from_folder: serde_json::Value = serde_json::from_str(&ok(&run(&catalog))).unwrap();
    let built_in: serde_json::Value = serde_json::from_str(&ok(&reform(
        overlay.to_str().unwrap(),
        &["--format", "json"],
    )))
    .unwrap();
    assert_eq!(from_folder, built_in);
    // A folder that is not a catalog: refused as an invalid catalog.
    let o = run(dir.path().to_str().unwrap());
    assert_eq!(o.status.code(), Some(4));
}
