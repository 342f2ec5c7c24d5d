//! The simulator and the outlook are capscore-whatif's answers.

use capscore_catalog::Catalog;
use capscore_whatif::outlook::outlook;
use capscore_whatif::scenario;
use capscore_whatif::simulate::Base;

use crate::harness::{client, fixture, sample_dir};

const SCENARIO: &str = "[[change_usage]]\ntenant = \"T0173\"\nworkload = \"Exchange\"\nfrom = \"2024-06\"\nadd_active_users = 10\n";

on_both!(simulation_and_outlook_are_the_whatif_crates);
async fn simulation_and_outlook_are_the_whatif_crates(db: Option<String>) {
    let f = fixture(db).await;
    let path = format!(
        "{}/api/workspaces/{}/partners/P003/simulate",
        f.server.base, f.w1
    );
    let r = client()
        .post(&path)
        .bearer_auth(&f.admin)
        .json(&serde_json::json!({"scenario": SCENARIO}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let got: serde_json::Value = r.json().await.unwrap();
    let catalog = Catalog::embedded().unwrap();
    let loaded = capscore_data::load_dir(&sample_dir(), &catalog).unwrap();
    let month = got["month_before"].as_str().unwrap().parse().unwrap();
    let base = Base::new(&loaded, &catalog, "P003", month, None).unwrap();
    let s = scenario::parse(SCENARIO, "scenario").unwrap();
    let (sim, _) = base.simulate(&s, "scenario", SCENARIO).unwrap();
    assert_eq!(got, serde_json::to_value(&sim).unwrap());
    let mw = &got["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["area"] == "modern_work")
        .unwrap();
    assert_ne!(mw["total_before"], mw["total_after"]);

    // A scenario with a mistake: refused with its line and column.
    let r = client()
        .post(&path)
        .bearer_auth(&f.admin)
        .json(&serde_json::json!({"scenario": "[[change_usage]]\ntenant = \"T0173x\"\nworkload = \"Exchange\"\nfrom = \"2024-03\"\nadd_active_users = 1\n"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 2"),
        "{body}"
    );

    let o = f
        .json(
            &f.admin,
            &format!("/api/workspaces/{}/partners/P003/outlook?months=2", f.w1),
        )
        .await;
    let expected = outlook(&base, 2).unwrap();
    assert_eq!(o, serde_json::to_value(&expected).unwrap());
    assert_eq!(o["months"].as_array().unwrap().len(), 3);

    // The page: the form, then before and after.
    let (status, html) = f
        .get(&f.admin, &format!("/w/{}/p/P003/simulate", f.w1))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("<textarea") && html.contains("Outlook"));
    let r = client()
        .post(format!("{}/w/{}/p/P003/simulate", f.server.base, f.w1))
        .bearer_auth(&f.admin)
        .form(&[("csrf", ""), ("scenario", SCENARIO)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Before (") && html.contains("Metrics that changed"),
        "{html}"
    );
}

on_both!(recommendations_and_plan_are_the_planners);
async fn recommendations_and_plan_are_the_planners(db: Option<String>) {
    use capscore_whatif::recommend::Planner;
    let f = fixture(db).await;
    let got = f
        .json(
            &f.admin,
            &format!(
                "/api/workspaces/{}/partners/P003/recommendations?risk_months=2",
                f.w1
            ),
        )
        .await;
    let catalog = Catalog::embedded().unwrap();
    let loaded = capscore_data::load_dir(&sample_dir(), &catalog).unwrap();
    let month = got["month"].as_str().unwrap().parse().unwrap();
    let base = Base::new(&loaded, &catalog, "P003", month, None).unwrap();
    let expected = Planner::new(&base, catalog.costs.clone())
        .unwrap()
        .recommend(2)
        .unwrap();
    assert_eq!(got, serde_json::to_value(&expected).unwrap());
    assert!(!expected.actions.is_empty());

    let area = "modern_work";
    let got = f
        .json(
            &f.admin,
            &format!("/api/workspaces/{}/partners/P003/areas/{area}/plan", f.w1),
        )
        .await;
    let base = Base::new(
        &loaded,
        &catalog,
        "P003",
        month,
        Some(vec![area.to_string()]),
    )
    .unwrap();
    let expected = Planner::new(&base, catalog.costs.clone())
        .unwrap()
        .plan(area)
        .unwrap();
    assert_eq!(got, serde_json::to_value(&expected).unwrap());

    // Too many months ahead, and an area the catalog does not have, are refused.
    let (status, _) = f
        .get(
            &f.admin,
            &format!(
                "/api/workspaces/{}/partners/P003/recommendations?risk_months=13",
                f.w1
            ),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = f
        .get(
            &f.admin,
            &format!("/api/workspaces/{}/partners/P003/areas/nope/plan", f.w1),
        )
        .await;
    assert_eq!(status, 404);

    // The pages: areas by name, the actions ranked, the plan.
    let (status, html) = f
        .get(&f.admin, &format!("/w/{}/p/P003/recommendations", f.w1))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Actions, ranked")
            && html.contains("Modern Work")
            && html.contains("cheapest plan"),
        "{html}"
    );
    let (status, html) = f
        .get(&f.admin, &format!("/w/{}/p/P003/a/{area}/plan", f.w1))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Cheapest plan"), "{html}");
}
