//! Imports of raw Partner Center downloads through the API and the page: the importer's
//! tables and report, and every area of every month the data answers for scored, the
//! others shown as having no data.

use std::path::PathBuf;

use capscore_catalog::Catalog;
use capscore_engine::{ScoreRequest, score};
use reqwest::multipart::Part;

use crate::harness::{client, fixture, multipart};

fn contoso_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../capscore-import/tests/fixtures/contoso")
}

/// Every file of the importer's Contoso fixture (Partner Center downloads).
pub(crate) fn contoso_files() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(contoso_dir())
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn pc_form(files: &[(String, Vec<u8>)], date_order: Option<&str>) -> reqwest::multipart::Form {
    let mut form = multipart(files).text("kind", "partner_center");
    if let Some(o) = date_order {
        form = form.text("date_order", o.to_string());
    }
    form
}

/// What `capscore import partner-center --date-order mdy` writes, loaded by the data
/// crate, and scored by the engine for one month and area.
fn engine_area(month: &str, area: &str) -> capscore_engine::Scores {
    let catalog = Catalog::embedded().unwrap();
    let out = tempfile::tempdir().unwrap();
    let options = capscore_import::ImportOptions {
        partner_global_id: None,
        date_order: Some(capscore_import::DateOrder::Mdy),
    };
    capscore_import::import_partner_center(
        &contoso_dir(),
        &out.path().join("d"),
        &catalog,
        &options,
        false,
    )
    .unwrap();
    let loaded = capscore_data::load_dir(&out.path().join("d"), &catalog).unwrap();
    let request = ScoreRequest {
        month: month.parse().unwrap(),
        partners: None,
        areas: Some(vec![area.to_string()]),
    };
    capscore_engine::ensure_covered(
        &loaded.dataset,
        &catalog,
        request.month,
        Some(&[area.to_string()]),
    )
    .unwrap();
    score(&loaded.dataset, &catalog, &request).unwrap()
}

on_both!(partner_center_downloads_import_and_score_each_area_that_has_data);
async fn partner_center_downloads_import_and_score_each_area_that_has_data(db: Option<String>) {
    let f = fixture(db).await;
    let before = f
        .json(&f.admin, &format!("/api/workspaces/{}/imports", f.w2))
        .await;
    let post = |form| {
        client()
            .post(format!("{}/api/workspaces/{}/imports", f.server.base, f.w2))
            .bearer_auth(&f.admin)
            .multipart(form)
            .send()
    };
    // Slashed dates that read both ways: refused with the file, line and column, and
    // nothing changes.
    let r = post(pc_form(&contoso_files(), None)).await.unwrap();
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("OfficeUsage_download.csv line 2, column \\\"Month\\\""),
        "{body}"
    );
    assert!(body.contains("nothing was imported"), "{body}");
    let after = f
        .json(&f.admin, &format!("/api/workspaces/{}/imports", f.w2))
        .await;
    assert_eq!(before, after);
    // No folder is left behind (neither the tables nor the raw downloads).
    let ws_dir = f.server.dir.path().join(format!("data/ws-{}", f.w2));
    let left: Vec<_> = std::fs::read_dir(&ws_dir)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
    // An unknown kind is refused.
    let r = post(multipart(&contoso_files()).text("kind", "excel"))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // With the date order: imported. The data answers for Modern Work in 2024-06
    // only (no Azure usage before 2024-05, Business Applications usage from 2024-05):
    // that area is scored and stored, the others have no data.
    let r = post(pc_form(&contoso_files(), Some("mdy"))).await.unwrap();
    assert_eq!(r.status(), 201);
    let i: serde_json::Value = r.json().await.unwrap();
    assert_eq!(i["kind"], "partner_center");
    assert_eq!(i["months"], serde_json::json!(["2024-06"]));
    assert_eq!(i["areas"], serde_json::json!({"2024-06": ["modern_work"]}));
    let report = &i["report"];
    assert_eq!(report["importer"]["tables"]["m365_usage"]["rows"], 53);
    assert_eq!(report["importer"]["from"], "uploaded files");
    assert!(
        report["importer_text"]
            .as_str()
            .unwrap()
            .contains("m365_usage: 53 rows"),
        "{report}"
    );
    let without = report["areas_without_data"]["2024-06"].as_array().unwrap();
    assert!(without.iter().any(|a| a == "security"), "{report}");
    assert!(!without.iter().any(|a| a == "modern_work"), "{report}");
    // The portfolio: Modern Work is the engine's score; no other area has a cell.
    let engine = engine_area("2024-06", "modern_work");
    let p = f
        .json(&f.admin, &format!("/api/workspaces/{}/portfolio", f.w2))
        .await;
    assert_eq!(p["month"], "2024-06");
    let rows = p["partners"].as_array().unwrap();
    assert_eq!(rows.len(), engine.partners.len());
    let row = &rows[0];
    assert_eq!(row["partner_id"], "1000001");
    assert_eq!(row["areas"].as_array().unwrap().len(), 1);
    assert_eq!(
        row["areas"][0]["total"].as_f64().unwrap(),
        capscore_core::num_to_f64_2dp(&engine.partners[0].areas[0].total)
    );
    let (status, html) = f.get(&f.admin, &format!("/w/{}", f.w2)).await;
    assert_eq!(status, 200);
    assert!(html.contains("no data"), "{html}");
    // The partner: a card per area, those without data saying so (no zeros).
    let o = f
        .json(
            &f.admin,
            &format!("/api/workspaces/{}/partners/1000001", f.w2),
        )
        .await;
    for card in o["areas"].as_array().unwrap() {
        if card["area"] == "modern_work" {
            assert_eq!(card["has_data"], true);
            assert_eq!(
                card["total"].as_f64().unwrap(),
                capscore_core::num_to_f64_2dp(&engine.partners[0].areas[0].total)
            );
        } else {
            assert_eq!(card["has_data"], false, "{card}");
            assert!(card["total"].is_null(), "{card}");
            assert!(card["qualified"].is_null(), "{card}");
        }
    }
    let (status, html) = f.get(&f.admin, &format!("/w/{}/p/1000001", f.w2)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("No data for this area in this month."),
        "{html}"
    );
    // An area without data: the API refuses it (422), the page says so.
    let (status, body) = f
        .get(
            &f.admin,
            &format!("/api/workspaces/{}/partners/1000001/areas/security", f.w2),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("no data for this area in 2024-06"), "{body}");
    let (status, body) = f
        .get(
            &f.admin,
            &format!(
                "/api/workspaces/{}/partners/1000001/areas/modern_work",
                f.w2
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, html) = f
        .get(&f.admin, &format!("/w/{}/p/1000001/a/security", f.w2))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("No data for this area in this month."),
        "{html}"
    );
    let (status, _) = f
        .get(
            &f.admin,
            &format!(
                "/api/workspaces/{}/partners/1000001/areas/security/metrics/sec_net_customer_adds",
                f.w2
            ),
        )
        .await;
    assert_eq!(status, 422);
    // The import history shows the importer's report.
    let (status, html) = f.get(&f.admin, &format!("/w/{}/imports", f.w2)).await;
    assert_eq!(status, 200);
    assert!(html.contains("Partner Center downloads"), "{html}");
    assert!(html.contains("importer"), "{html}");
    assert!(html.contains("m365_usage: 53 rows"), "{html}");
}

async fn import_form(c: &reqwest::Client, f: &crate::harness::Fixture) -> String {
    let r = c
        .get(format!("{}/w/{}/import", f.server.base, f.w1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

on_both!(the_import_page_takes_partner_center_downloads);
async fn the_import_page_takes_partner_center_downloads(db: Option<String>) {
    let f = fixture(db).await;
    let c = client();
    crate::sessions::login(&c, &f.server.base, "admin", crate::harness::PASSWORD).await;
    let form = import_form(&c, &f).await;
    assert!(form.contains("value=\"partner_center\""), "{form}");
    let csrf = crate::sessions::csrf_of(&form);
    let body = pc_form(&contoso_files(), Some("mdy"))
        .text("csrf", csrf.clone())
        .part("files", Part::bytes(b"x".to_vec()).file_name(".hidden"));
    let r = c
        .post(format!("{}/w/{}/import", f.server.base, f.w1))
        .multipart(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a hidden file name is refused");
    let body = pc_form(&contoso_files(), Some("mdy")).text("csrf", csrf);
    let r = c
        .post(format!("{}/w/{}/import", f.server.base, f.w1))
        .multipart(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let latest = f
        .json(&f.admin, &format!("/api/workspaces/{}/imports", f.w1))
        .await;
    assert_eq!(latest[0]["kind"], "partner_center");
}
