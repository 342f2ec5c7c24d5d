//! A partner's trends: the score of each area and each metric's value over every month
//! stored, the engine's, kept across imports.

use capscore_catalog::Catalog;
use capscore_engine::{ScoreRequest, score};

use crate::harness::{client, fixture, sample_dir};

on_both!(trends_are_the_engines_values_of_every_month_stored_and_outlive_imports);
async fn trends_are_the_engines_values_of_every_month_stored_and_outlive_imports(
    db: Option<String>,
) {
    let f = fixture(db).await;
    let path = format!("/api/workspaces/{}/partners/P001/trends", f.w1);
    let t = f.json(&f.viewer_p1, &path).await;
    assert_eq!(t["name"], "Northwind Cloud Services Ltd");
    let catalog = Catalog::embedded().unwrap();
    let loaded = capscore_data::load_dir(&sample_dir(), &catalog).unwrap();
    let areas = t["areas"].as_array().unwrap();
    assert!(!areas.is_empty());
    let mut checked = 0;
    for a in areas {
        let scores = a["scores"].as_array().unwrap();
        assert!(scores.len() > 1, "{a}");
        for m in a["metrics"].as_array().unwrap() {
            let months = m["months"].as_array().unwrap();
            assert_eq!(months.len(), scores.len(), "{m}");
            assert!(!m["unit"].as_str().unwrap().is_empty(), "{m}");
            for p in months {
                let month = p["month"].as_str().unwrap();
                let engine = score(
                    &loaded.dataset,
                    &catalog,
                    &ScoreRequest {
                        month: month.parse().unwrap(),
                        partners: Some(vec![loaded.dataset.partners.find("P001").unwrap()]),
                        areas: Some(vec![a["area"].as_str().unwrap().to_string()]),
                    },
                )
                .unwrap();
                let ea = &engine.partners[0].areas[0];
                let em = ea
                    .metrics
                    .iter()
                    .find(|x| x.metric == m["metric"].as_str().unwrap())
                    .unwrap();
                assert_eq!(
                    p["value"].as_f64().unwrap(),
                    capscore_core::num_to_f64_2dp(&em.value),
                    "{month} {m}"
                );
                assert_eq!(
                    p["points"].as_f64().unwrap(),
                    capscore_core::num_to_f64_2dp(&em.points)
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 10, "{checked}");
    // The page: a chart and its table for each; the CSV: a row per month and metric.
    let (status, html) = f
        .get(&f.viewer_p1, &format!("/w/{}/p/P001/trends", f.w1))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("<svg role=\"img\""), "{html}");
    assert!(html.contains("The values as a table"), "{html}");
    assert!(html.contains("Net customer adds"), "{html}");
    let (status, csv) = f.get(&f.viewer_p1, &format!("{path}?format=csv")).await;
    assert_eq!(status, 200);
    assert!(
        csv.starts_with("partner_id,area,metric,unit,month,value,target,points\n"),
        "{csv}"
    );
    // Another import without P001 (Partner Center downloads of another partner):
    // P001's trends are still there, the same.
    let files = crate::pc_import::contoso_files();
    let r = client()
        .post(format!("{}/api/workspaces/{}/imports", f.server.base, f.w1))
        .bearer_auth(&f.admin)
        .multipart(
            crate::harness::multipart(&files)
                .text("kind", "partner_center")
                .text("date_order", "mdy"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let after = f.json(&f.admin, &path).await;
    assert_eq!(after["areas"], t["areas"]);
    // A partner with nothing stored is not found.
    let (status, _) = f
        .get(
            &f.admin,
            &format!("/api/workspaces/{}/partners/P999/trends", f.w1),
        )
        .await;
    assert_eq!(status, 404);
}
