//! The bundled catalog loads, resolves names as docs/rules.md writes them, and an invalid
//! catalog is refused with a message naming the file and the item.

use capscore_catalog::{Catalog, CatalogError, EMBEDDED_FILES};
use capscore_core::{Month, Vocabulary};

fn edited(file: &str, from: &str, to: &str) -> Result<Catalog, CatalogError> {
    let files: Vec<(String, String)> = EMBEDDED_FILES
        .iter()
        .map(|(n, t)| {
            let t = if *n == file {
                assert!(t.contains(from), "{from:?} not in {file}");
                t.replacen(from, to, 1)
            } else {
                t.to_string()
            };
            (n.to_string(), t)
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Catalog::from_files(&borrowed, "test")
}

fn refused(file: &str, from: &str, to: &str) -> String {
    match edited(file, from, to) {
        Ok(_) => panic!("catalog with {to:?} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bundled_catalog_loads_and_matches_the_folder() {
    let embedded = Catalog::embedded().unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let folder = Catalog::load_dir(&dir).unwrap();
    assert_eq!(embedded.areas.len(), folder.areas.len());
    assert_eq!(embedded.certifications.len(), folder.certifications.len());
}

#[test]
fn workload_aliases_resolve() {
    let c = Catalog::embedded().unwrap();
    for (alias, id) in [
        ("EXO", "exchange"),
        ("exchange online", "exchange"),
        ("SPO", "sharepoint"),
        ("SharePoint Online", "sharepoint"),
        ("ProPlus", "microsoft_365_apps"),
        ("Microsoft365Apps", "microsoft_365_apps"),
        ("Viva Engage", "yammer"),
        ("TeamsApps", "teams_platform"),
        ("TeamsPhoneCalling 1p/3p", "teams_phone"),
    ] {
        let w = c.workload(alias).unwrap_or_else(|| panic!("{alias}"));
        assert_eq!(c.workloads[w.index()].id, id);
    }
    assert_eq!(c.suggest_workloads("Exchnage Online")[0], "Exchange Online");
}

#[test]
fn certification_titles_resolve_in_every_accepted_form() {
    let c = Catalog::embedded().unwrap();
    let id = |t: &str| {
        c.certification(t)
            .map(|i| c.certifications[i.index()].id.clone())
    };
    let endpoint = Some("endpoint_administrator_associate".to_string());
    assert_eq!(id("Endpoint Administrator Associate"), endpoint);
    assert_eq!(
        id("Microsoft 365 Certified: Endpoint Administrator Associate"),
        endpoint
    );
    assert_eq!(id("Modern Desktop Administrator Associate"), endpoint);
    assert_eq!(
        id("Microsoft 365 Certified: Modern Desktop Administrator Associate."),
        endpoint
    );
    assert_eq!(
        id("microsoft certified: identity and access administrator associate"),
        Some("identity_and_access_administrator_associate".into())
    );
    assert_eq!(
        id("Microsoft 365 Certified: Enterprise Administrator Expert"),
        Some("administrator_expert".into())
    );
    assert_eq!(id("Teams Administrator Asociate"), None);
    assert_eq!(
        c.suggest_certifications("Microsoft 365 Certified: Teams Administrator Asociate")[0],
        "Teams Administrator Associate"
    );
    assert!(c.certification_listed(c.certification("Administrator Expert").unwrap()));
}

#[test]
fn association_groups_expand() {
    let c = Catalog::embedded().unwrap();
    let csp = c.association_mask("CSP").unwrap();
    assert_eq!(c.mask_names(csp), vec!["CSP_T1", "CSP_T2"]);
    assert!(c.association_type("CSP Tier-2").is_some());
}

#[test]
fn invalid_toml_names_the_file_and_line() {
    let msg = refused("areas/modern_work.toml", "max_points = 20", "max_points = ");
    assert!(msg.contains("areas/modern_work.toml"), "{msg}");
    assert!(msg.contains("line"), "{msg}");
}

#[test]
fn unknown_fields_are_refused() {
    let msg = refused(
        "areas/modern_work.toml",
        "max_points = 20",
        "max_point = 20",
    );
    assert!(msg.contains("max_point"), "{msg}");
}

#[test]
fn unknown_names_are_refused_with_suggestions() {
    let msg = refused(
        "areas/modern_work.toml",
        "\"intune\", \"exchange\"",
        "\"intune\", \"exchnage\"",
    );
    assert!(msg.contains("unknown workload id \"exchnage\""), "{msg}");
    let msg = refused(
        "areas/modern_work.toml",
        "associations = [\"CPOR\", \"CSP\"], target = 10",
        "associations = [\"CPOR\", \"CSPX\"], target = 10",
    );
    assert!(
        msg.contains("CSPX") && msg.contains("track \"smb\""),
        "{msg}"
    );
    let msg = refused(
        "areas/modern_work.toml",
        "{ cert = \"administrator_expert\" }",
        "{ cert = \"administrator_exprt\" }",
    );
    assert!(
        msg.contains("administrator_exprt") && msg.contains("did you mean"),
        "{msg}"
    );
}

#[test]
fn impossible_values_are_refused() {
    let msg = refused(
        "areas/modern_work.toml",
        "target = 10 }\n\n[[metric]]\nid = \"intermediate",
        "target = 0 }\n\n[[metric]]\nid = \"intermediate",
    );
    assert!(msg.contains("greater than 0"), "{msg}");
    let msg = refused(
        "areas/modern_work.toml",
        "paid_units_above = 10, paid_units_at_most = 300",
        "paid_units_above = 300, paid_units_at_most = 10",
    );
    assert!(msg.contains("band"), "{msg}");
    let msg = refused(
        "catalog.toml",
        "values = [{ value = 70 }]",
        "values = [{ value = 70 }, { since = \"2024-01-01\", value = 80 }]",
    );
    assert!(
        msg.contains("qualifying_total_points") && msg.contains("same day"),
        "{msg}"
    );
    let msg = refused(
        "certifications.toml",
        "name = \"Administrator Expert\"",
        "name = \"Teams Administrator Associate\"",
    );
    assert!(msg.contains("already means"), "{msg}");
}

#[test]
fn a_track_without_settings_is_refused() {
    let msg = refused("areas/modern_work.toml", "track.smb = { target = 2 }\n", "");
    assert!(
        msg.contains("track \"smb\"") && msg.contains("missing"),
        "{msg}"
    );
}

#[test]
fn overlapping_metric_versions_are_refused_and_dated_versions_are_picked_by_date() {
    let second = "\n[[metric]]\nid = \"advanced_certifications\"\nname = \"Advanced certifications\"\nunit = \"people\"\nkind = \"certified_people\"\ncategory = \"skilling\"\nmax_points = 15\ntrack.enterprise = { target = 3 }\ntrack.smb = { target = 1 }\ncertifications = [{ cert = \"administrator_expert\" }]\n";
    let base = EMBEDDED_FILES
        .iter()
        .find(|f| f.0 == "areas/modern_work.toml")
        .unwrap()
        .1;
    let overlapping = format!("{base}{second}");
    let msg = refused("areas/modern_work.toml", base, &overlapping);
    assert!(msg.contains("two versions"), "{msg}");
    let dated = base.replacen(
        "id = \"advanced_certifications\"\n",
        "id = \"advanced_certifications\"\nuntil = \"2024-03-31\"\n",
        1,
    );
    let c = edited(
        "areas/modern_work.toml",
        base,
        &format!(
            "{dated}{}",
            second.replace(
                "max_points = 15\n",
                "max_points = 15\nsince = \"2024-04-01\"\n"
            )
        ),
    )
    .unwrap();
    let target = |m: &str| {
        let s = c.at_month(m.parse::<Month>().unwrap()).unwrap();
        let t = &s.area("modern_work").unwrap().tracks[0];
        t.metrics
            .iter()
            .find(|x| x.id == "advanced_certifications")
            .unwrap()
            .options[0]
            .target
    };
    assert_eq!(target("2024-03").to_integer(), 2);
    assert_eq!(target("2024-04").to_integer(), 3);
}

#[test]
fn a_listing_until_a_date_and_a_grace_date_end_eligibility() {
    let c = edited(
        "areas/modern_work.toml",
        "{ cert = \"messaging_administrator_associate\" }",
        "{ cert = \"messaging_administrator_associate\", until = \"2024-03-31\" }",
    )
    .unwrap();
    let listed = |m: &str| {
        let s = c.at_month(m.parse::<Month>().unwrap()).unwrap();
        let t = &s.area("modern_work").unwrap().tracks[0];
        let m = t
            .metrics
            .iter()
            .find(|x| x.id == "intermediate_certifications")
            .unwrap();
        m.certifications
            .iter()
            .any(|id| c.certifications[id.index()].id == "messaging_administrator_associate")
    };
    assert!(listed("2024-03"));
    assert!(!listed("2024-04"));
    let g = edited(
        "certifications.toml",
        "id = \"teams_administrator_associate\"\n",
        "id = \"teams_administrator_associate\"\nretired = \"2023-06-30\"\neligible_through = \"2024-06-30\"\n",
    )
    .unwrap();
    let eligible = |m: &str| {
        let s = g.at_month(m.parse::<Month>().unwrap()).unwrap();
        let t = &s.area("modern_work").unwrap().tracks[0];
        let m = t
            .metrics
            .iter()
            .find(|x| x.id == "intermediate_certifications")
            .unwrap();
        m.certifications
            .iter()
            .any(|id| g.certifications[id.index()].id == "teams_administrator_associate")
    };
    assert!(eligible("2024-06"), "through the grace date, inclusive");
    assert!(!eligible("2024-07"));
}

#[test]
fn load_dir_reports_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let err = Catalog::load_dir(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("catalog.toml") && err.contains("missing"),
        "{err}"
    );
}

#[test]
fn a_field_of_another_metric_kind_or_a_missing_one_is_refused() {
    let msg = refused(
        "areas/modern_work.toml",
        "active_percent_at_least = 40\n",
        "",
    );
    assert!(msg.contains("needs `active_percent_at_least`"), "{msg}");
    let msg = refused(
        "areas/modern_work.toml",
        "kind = \"m365_net_customer_adds\"\n",
        "kind = \"m365_net_customer_adds\"\nexcluded_services = []\n",
    );
    assert!(
        msg.contains("only azure_deployments metrics take `excluded_services`"),
        "{msg}"
    );
    let msg = refused(
        "areas/security.toml",
        "azure_associations = [\"PAL\"]\n",
        "",
    );
    assert!(msg.contains("needs `azure_associations`"), "{msg}");
    let msg = refused(
        "areas/data_ai.toml",
        "steps = [\n",
        "certifications = []\nsteps = [\n",
    );
    assert!(
        msg.contains("only certified_people metrics take `certifications`"),
        "{msg}"
    );
}

#[test]
fn metrics_and_tracks_carry_display_names_and_units() {
    let c = Catalog::embedded().unwrap();
    for a in &c.areas {
        for t in &a.tracks {
            assert!(!t.name.is_empty() && t.name != t.id, "{} {}", a.id, t.id);
        }
        for m in &a.metrics {
            assert!(!m.name.is_empty() && m.name != m.id, "{} {}", a.id, m.id);
            assert!(!m.unit.many.is_empty(), "{} {}", a.id, m.id);
        }
    }
    let mw = c.area_def("modern_work").unwrap();
    assert_eq!(mw.short_name(), "Modern Work");
    assert_eq!(mw.track_name("smb"), "SMB");
    assert_eq!(mw.metric("usage_growth").unwrap().unit.many, "users");
    assert_eq!(
        mw.metric("advanced_certifications").unwrap().unit.one,
        "person"
    );
    let msg = refused(
        "areas/modern_work.toml",
        "name = \"Usage growth\"\nunit = \"users\"\n",
        "name = \"Usage growth\"\n",
    );
    assert!(msg.contains("unit"), "{msg}");
    let msg = refused(
        "areas/modern_work.toml",
        "name = \"Usage growth\"\nunit = \"users\"\n",
        "name = \"Usage growth\"\nunit = \" \"\n",
    );
    assert!(msg.contains("must not be empty"), "{msg}");
}

#[path = "overlay/overlay.rs"]
mod overlay;
#[test]
fn default_costs_price_every_action_and_certification() {
    let c = Catalog::embedded().unwrap();
    let day = capscore_core::parse_date("2024-06-30").unwrap();
    assert_eq!(c.costs.unit, "hours");
    for k in capscore_catalog::costs::ACTION_KINDS {
        assert!(c.costs.action(k, day).is_some(), "{k}");
    }
    let teams = c.certification("Teams Administrator Associate").unwrap();
    let (level, hours) = c.costs.certification(teams, day).unwrap();
    assert_eq!(level.id, "associate");
    assert_eq!(hours, capscore_core::Num::from_integer(40));
    for i in 0..c.certifications.len() {
        let id = capscore_core::CertId(u16::try_from(i).unwrap());
        assert!(c.costs.certification(id, day).is_some(), "{i}");
    }
}

#[test]
fn invalid_costs_are_refused_with_file_line_and_column() {
    let e = refused("costs.toml", "id = \"paid_seat\"", "id = \"paid_seats\"");
    assert!(e.contains("costs.toml"), "{e}");
    assert!(e.contains("line "), "{e}");
    assert!(e.contains("column 6"), "{e}");
    assert!(e.contains("unknown action"), "{e}");
    let e = refused(
        "costs.toml",
        "\"teams_administrator_associate\",",
        "\"teams_admin_asociate\",",
    );
    assert!(
        e.contains("unknown certification \"teams_admin_asociate\""),
        "{e}"
    );
    assert!(e.contains("column 3"), "{e}");
    let e = refused(
        "costs.toml",
        "values = [{ cost = 40 }]",
        "values = [{ cost = -4 }]",
    );
    assert!(e.contains("cannot be negative"), "{e}");
    // A certification left out of every level.
    let e = refused("costs.toml", "  \"teams_administrator_associate\",\n", "");
    assert!(e.contains("in no certification_level"), "{e}");
    let e = refused(
        "costs.toml",
        "unit = \"hours\"",
        "unit = \"hours\"\ncurrency = 1",
    );
    assert!(e.contains("line 20, column 1"), "{e}");
}

#[test]
fn a_costs_file_is_merged_over_the_defaults_with_dates() {
    let c = Catalog::embedded().unwrap();
    let text = "[[action]]\nid = \"active_user\"\nvalues = [{ until = \"2023-12-31\", cost = 2 }, { since = \"2024-01-01\", cost = \"0.25\" }]\n\n[[certification_level]]\nid = \"premium\"\ncertifications = [\"Teams Administrator Associate\"]\nvalues = [{ cost = 100 }]\n";
    let m = c.costs.merged(&c, "mine.toml", text).unwrap();
    let d = |s: &str| capscore_core::parse_date(s).unwrap();
    let n = capscore_core::Num::new;
    assert_eq!(m.action("active_user", d("2023-06-30")), Some(n(2, 1)));
    assert_eq!(m.action("active_user", d("2024-06-30")), Some(n(1, 4)));
    assert_eq!(
        m.action("paid_seat", d("2024-06-30")),
        c.costs.action("paid_seat", d("2024-06-30"))
    );
    let teams = c.certification("Teams Administrator Associate").unwrap();
    let (level, cost) = m.certification(teams, d("2024-06-30")).unwrap();
    assert_eq!((level.id.as_str(), cost), ("premium", n(100, 1)));
    let err = c
        .costs
        .merged(
            &c,
            "mine.toml",
            "[[action]]\nid = \"active_user\"\nvalues = [{ cost = 1 }, { cost = 2 }]\n",
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("mine.toml") && err.contains("line 3, column 34") && err.contains("overlap"),
        "{err}"
    );
}
