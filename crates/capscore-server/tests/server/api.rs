//! The API gives exactly the engine's scores; imports are checked, versioned and keep
//! history; errors have one shape.

use capscore_catalog::Catalog;
use capscore_engine::{ScoreRequest, score};

use crate::harness::{client, fixture, multipart, sample_dir, sample_files, start_limited};

/// The engine's own scores of the sample for a month, through the real loader.
fn engine_scores(month: &str) -> capscore_engine::Scores {
    let catalog = Catalog::embedded().unwrap();
    let loaded = capscore_data::load_dir(&sample_dir(), &catalog).unwrap();
    let request = ScoreRequest {
        month: month.parse().unwrap(),
        partners: None,
        areas: None,
    };
    score(&loaded.dataset, &catalog, &request).unwrap()
}

on_both!(portfolio_and_area_are_the_engines_scores);
async fn portfolio_and_area_are_the_engines_scores(db: Option<String>) {
    let f = fixture(db).await;
    let p = f
        .json(&f.admin, &format!("/api/workspaces/{}/portfolio", f.w1))
        .await;
    let month = p["month"].as_str().unwrap().to_string();
    let months = p["months"].as_array().unwrap();
    assert!(months.len() > 1, "{months:?}");
    assert_eq!(months.last().unwrap(), &month);
    let engine = engine_scores(&month);
    let rows = p["partners"].as_array().unwrap();
    assert_eq!(rows.len(), engine.partners.len());
    for (row, ps) in rows.iter().zip(&engine.partners) {
        assert_eq!(row["partner_id"], ps.partner_id.as_str());
        for (cell, a) in row["areas"].as_array().unwrap().iter().zip(&ps.areas) {
            assert_eq!(cell["area"], a.area.as_str());
            assert_eq!(
                cell["total"].as_f64().unwrap(),
                capscore_core::num_to_f64_2dp(&a.total)
            );
            assert_eq!(cell["qualified"].as_bool().unwrap(), a.qualified);
        }
    }
    // An earlier month: the stored scores of that month, again the engine's.
    let earlier = months[months.len() - 3].as_str().unwrap();
    let p = f
        .json(
            &f.admin,
            &format!("/api/workspaces/{}/portfolio?month={earlier}", f.w1),
        )
        .await;
    let engine = engine_scores(earlier);
    let first = &p["partners"][0]["areas"][0]["total"];
    assert_eq!(
        first.as_f64().unwrap(),
        capscore_core::num_to_f64_2dp(&engine.partners[0].areas[0].total)
    );
    // The area detail is the engine's area score as the CLI's JSON contract writes it.
    let engine = engine_scores(&month);
    for ps in &engine.partners {
        for a in &ps.areas {
            let d = f
                .json(
                    &f.admin,
                    &format!(
                        "/api/workspaces/{}/partners/{}/areas/{}",
                        f.w1, ps.partner_id, a.area
                    ),
                )
                .await;
            assert_eq!(d["score"], serde_json::to_value(a).unwrap());
        }
    }
}

on_both!(partner_overview_has_every_area_with_history);
async fn partner_overview_has_every_area_with_history(db: Option<String>) {
    let f = fixture(db).await;
    let o = f
        .json(
            &f.viewer_p1,
            &format!("/api/workspaces/{}/partners/P001", f.w1),
        )
        .await;
    assert_eq!(o["name"], "Northwind Cloud Services Ltd");
    let engine = engine_scores(o["month"].as_str().unwrap());
    let ps = engine
        .partners
        .iter()
        .find(|p| p.partner_id == "P001")
        .unwrap();
    let areas = o["areas"].as_array().unwrap();
    assert_eq!(areas.len(), ps.areas.len());
    for (card, a) in areas.iter().zip(&ps.areas) {
        assert_eq!(
            card["total"].as_f64().unwrap(),
            capscore_core::num_to_f64_2dp(&a.total)
        );
        let history = card["history"].as_array().unwrap();
        assert_eq!(history.last().unwrap()["month"], o["month"]);
        assert_eq!(history.last().unwrap()["total"], card["total"]);
    }
    assert_eq!(o["qualifying_total"].as_f64().unwrap(), 70.0);
    // Each card's designation is capscore-status's standing while the month's data is
    // in force.
    let catalog = Catalog::embedded().unwrap();
    let loaded = capscore_data::load_dir(&sample_dir(), &catalog).unwrap();
    let month: capscore_core::Month = o["month"].as_str().unwrap().parse().unwrap();
    let date = month.offset(1).last_day();
    let standing = capscore_status::status(
        &loaded.dataset,
        &catalog,
        &capscore_status::StatusRequest {
            date,
            month: Some(month),
            partners: Some(vec![loaded.dataset.partners.find("P001").unwrap()]),
        },
    )
    .unwrap();
    let designations = &standing.partners[0].designations;
    assert!(!designations.is_empty());
    for d in designations {
        let card = areas.iter().find(|c| c["area"] == d.area.as_str()).unwrap();
        assert_eq!(card["designation"]["status"], d.status.as_str());
        assert_eq!(
            card["designation"]["window_start"],
            d.window_start.to_string()
        );
        assert_eq!(card["designation"]["window_end"], d.window_end.to_string());
        assert_eq!(
            card["designation"]["anniversary_date"],
            serde_json::to_value(d.anniversary_date.map(|a| a.to_string())).unwrap()
        );
    }
}

/// The sample without its last month of usage.
fn without_last_month() -> (Vec<(String, Vec<u8>)>, String) {
    let mut last = String::new();
    let files = sample_files();
    for (name, bytes) in &files {
        if name.ends_with("_usage.csv") {
            let text = String::from_utf8(bytes.clone()).unwrap();
            let col = text
                .lines()
                .next()
                .unwrap()
                .split(',')
                .position(|c| c == "month")
                .unwrap();
            for l in text.lines().skip(1) {
                let m = l.split(',').nth(col).unwrap().to_string();
                if m > last {
                    last = m;
                }
            }
        }
    }
    let out = files
        .into_iter()
        .map(|(name, bytes)| {
            if !name.ends_with("_usage.csv") {
                return (name, bytes);
            }
            let text = String::from_utf8(bytes).unwrap();
            let col = text
                .lines()
                .next()
                .unwrap()
                .split(',')
                .position(|c| c == "month")
                .unwrap();
            let kept: Vec<&str> = text
                .lines()
                .enumerate()
                .filter(|(i, l)| *i == 0 || l.split(',').nth(col) != Some(last.as_str()))
                .map(|(_, l)| l)
                .collect();
            (name, (kept.join("\n") + "\n").into_bytes())
        })
        .collect();
    (out, last)
}

on_both!(a_rejected_import_changes_nothing_and_history_outlives_later_imports);
async fn a_rejected_import_changes_nothing_and_history_outlives_later_imports(db: Option<String>) {
    let f = fixture(db).await;
    let base = &f.server.base;
    let before = f
        .json(&f.admin, &format!("/api/workspaces/{}/imports", f.w1))
        .await;
    assert_eq!(before.as_array().unwrap().len(), 1);
    let serving = f
        .server
        .state
        .store
        .workspace(f.w1)
        .await
        .unwrap()
        .unwrap()
        .current_import;

    // A bad value: rejected with file, line and column; nothing changes.
    let mut bad = sample_files();
    for (name, bytes) in &mut bad {
        if name == "m365_usage.csv" {
            let mut t = String::from_utf8(bytes.clone()).unwrap();
            t.push_str("T0001,EXO,2022-01,lots,1\n");
            *bytes = t.into_bytes();
        }
    }
    let r = client()
        .post(format!("{base}/api/workspaces/{}/imports", f.w1))
        .bearer_auth(&f.admin)
        .multipart(multipart(&bad))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("m365_usage.csv"),
        "{body}"
    );
    // A file that is no table.
    let r = client()
        .post(format!("{base}/api/workspaces/{}/imports", f.w1))
        .bearer_auth(&f.admin)
        .multipart(multipart(&[("../evil.csv".to_string(), b"x\n".to_vec())]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let now = f
        .server
        .state
        .store
        .workspace(f.w1)
        .await
        .unwrap()
        .unwrap()
        .current_import;
    assert_eq!(now, serving);
    assert_eq!(
        f.json(&f.admin, &format!("/api/workspaces/{}/imports", f.w1))
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Only the serving version's folder is left under the data folder.
    let ws_dir = f.server.dir.path().join(format!("data/ws-{}", f.w1));
    assert_eq!(std::fs::read_dir(&ws_dir).unwrap().count(), 1);

    // A later import without the last month: the new version serves, the last
    // month's scores stay in the history.
    let (shorter, last) = without_last_month();
    let r = client()
        .post(format!("{base}/api/workspaces/{}/imports", f.w1))
        .bearer_auth(&f.partner_admin)
        .multipart(multipart(&shorter))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let p = f
        .json(&f.admin, &format!("/api/workspaces/{}/portfolio", f.w1))
        .await;
    assert!(p["month"].as_str().unwrap() < last.as_str());
    let o = f
        .json(&f.admin, &format!("/api/workspaces/{}/partners/P001", f.w1))
        .await;
    let history = o["areas"][0]["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["month"], last.as_str());
    let imports = f
        .json(&f.admin, &format!("/api/workspaces/{}/imports", f.w1))
        .await;
    assert_eq!(imports.as_array().unwrap().len(), 2);
    assert_eq!(imports[0]["created_by"], "pa");
}

on_both!(errors_have_one_shape_and_openapi_describes_the_routes);
async fn errors_have_one_shape_and_openapi_describes_the_routes(db: Option<String>) {
    let f = fixture(db).await;
    let (status, body) = f
        .get(
            &f.admin,
            &format!("/api/workspaces/{}/portfolio?month=1999-01", f.w1),
        )
        .await;
    assert_eq!(status, 422);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["status"], 422);
    assert_eq!(v["error"]["code"], "unprocessable");
    assert!(v["error"]["message"].as_str().unwrap().contains("1999-01"));
    let (status, body) = f
        .get(
            &f.admin,
            &format!("/api/workspaces/{}/portfolio?sort=nonsense", f.w1),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let doc = f.json(&f.admin, "/api/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/workspaces",
        "/api/workspaces/{ws}/portfolio",
        "/api/workspaces/{ws}/imports",
        "/api/workspaces/{ws}/partners/{partner}",
        "/api/workspaces/{ws}/partners/{partner}/areas/{area}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    // A revoked token no longer works.
    let store = &f.server.state.store;
    let u = store.user_by_name("viewer1").await.unwrap().unwrap();
    let (id, token) = store.create_token(u.id, "temp").await.unwrap();
    assert_eq!(f.get(&token, "/api/me").await.0, 200);
    assert!(store.revoke_token(id).await.unwrap());
    let (status, body) = f.get(&token, "/api/me").await;
    assert_eq!(status, 401);
    assert!(body.contains("\"unauthenticated\""));
}

on_both!(portfolio_filters_sorts_and_downloads);
async fn portfolio_filters_sorts_and_downloads(db: Option<String>) {
    let f = fixture(db).await;
    let all = f
        .json(&f.admin, &format!("/api/workspaces/{}/portfolio", f.w1))
        .await;
    let qt = all["qualifying_total"].as_f64().unwrap();
    let near = f
        .json(
            &f.admin,
            &format!("/api/workspaces/{}/portfolio?within=10", f.w1),
        )
        .await;
    let expected: Vec<&serde_json::Value> = all["partners"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["areas"].as_array().unwrap().iter().any(|c| {
                !c["qualified"].as_bool().unwrap() && c["total"].as_f64().unwrap() + 10.0 >= qt
            })
        })
        .map(|p| &p["partner_id"])
        .collect();
    let got: Vec<&serde_json::Value> = near["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["partner_id"])
        .collect();
    assert_eq!(got, expected);
    let sorted = f
        .json(
            &f.admin,
            &format!("/api/workspaces/{}/portfolio?sort=security", f.w1),
        )
        .await;
    let totals: Vec<f64> = sorted["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["areas"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["area"] == "security")
                .unwrap()["total"]
                .as_f64()
                .unwrap()
        })
        .collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    let found = f
        .json(
            &f.admin,
            &format!("/api/workspaces/{}/portfolio?q=northwind", f.w1),
        )
        .await;
    assert_eq!(found["partners"].as_array().unwrap().len(), 1);
    let (status, csv) = f.get(&f.admin, &format!("/w/{}/portfolio.csv", f.w1)).await;
    assert_eq!(status, 200);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "month,partner_id,name,area,total,qualified,next_total,loses_points,anniversary_date,renewal_due"
    );
    let n_areas = all["areas"].as_array().unwrap().len();
    assert_eq!(
        csv.lines().count(),
        1 + all["partners"].as_array().unwrap().len() * n_areas
    );
    assert!(csv.contains("P001,Northwind Cloud Services Ltd,modern_work,"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_the_limit_are_refused_and_health_and_ready_answer() {
    let server = start_limited(None, tempfile::tempdir().unwrap(), 4096).await;
    let store = &server.state.store;
    let u = store
        .add_user("ops", crate::harness::PASSWORD, capscore_store::Role::Admin)
        .await
        .unwrap();
    let (_, token) = store.create_token(u.id, "t").await.unwrap();
    let ws = store.create_workspace("w").await.unwrap().id;
    let big = vec![("partners.csv".to_string(), vec![b'x'; 10_000])];
    let r = client()
        .post(format!("{}/api/workspaces/{ws}/imports", server.base))
        .bearer_auth(&token)
        .multipart(multipart(&big))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let r = client()
        .get(format!("{}/health", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = client()
        .get(format!("{}/ready", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ready");
    // Once the database is closed, the server is no longer ready.
    store.close().await;
    let r = client()
        .get(format!("{}/ready", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
}
