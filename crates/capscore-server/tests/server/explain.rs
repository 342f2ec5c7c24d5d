//! A metric's explanation and the customer lookup are the engine's explanation.

use capscore_catalog::Catalog;
use capscore_engine::ExplainRequest;
use capscore_engine::explain::explain;

use crate::harness::{fixture, sample_dir};

on_both!(metric_explanation_is_the_engines_and_pages_its_entries);
async fn metric_explanation_is_the_engines_and_pages_its_entries(db: Option<String>) {
    let f = fixture(db).await;
    let base = format!(
        "/api/workspaces/{}/partners/P001/areas/modern_work/metrics/usage_growth",
        f.w1
    );
    let page1 = f.json(&f.viewer_p1, &base).await;
    let month = page1["month"].as_str().unwrap();
    let catalog = Catalog::embedded().unwrap();
    let loaded = capscore_data::load_dir(&sample_dir(), &catalog).unwrap();
    let request = ExplainRequest {
        month: month.parse().unwrap(),
        partners: Some(vec![loaded.dataset.partners.find("P001").unwrap()]),
        areas: Some(vec!["modern_work".into()]),
        tracks: None,
        metrics: Some(vec!["usage_growth".into()]),
        exclusions: capscore_engine::explain::Exclusions::All,
    };
    let expl = explain(&loaded.dataset, &catalog, &request).unwrap();
    let area = &expl.partners[0].areas[0];
    let track = area.tracks.iter().find(|t| t.counts).unwrap();
    let engine = serde_json::to_value(&track.metrics[0]).unwrap();
    assert_eq!(page1["track"], serde_json::to_value(&track.track).unwrap());
    let got = &page1["explanation"];
    assert_eq!(got["value_exact"], engine["value_exact"]);
    assert_eq!(got["points"], engine["points"]);
    // Every page together gives the engine's entries, in order.
    let pages = page1["pages"].as_u64().unwrap();
    for (o, eo) in engine["options"].as_array().unwrap().iter().enumerate() {
        let mut contributions = Vec::new();
        let mut excluded = Vec::new();
        for p in 1..=pages {
            let page = f.json(&f.viewer_p1, &format!("{base}?page={p}")).await;
            let opt = &page["explanation"]["options"][o];
            assert!(opt["contributions"].as_array().unwrap().len() <= 50);
            contributions.extend(opt["contributions"].as_array().unwrap().iter().cloned());
            excluded.extend(opt["excluded"].as_array().unwrap().iter().cloned());
        }
        assert_eq!(
            &serde_json::Value::Array(contributions),
            &eo["contributions"]
        );
        assert_eq!(&serde_json::Value::Array(excluded), &eo["excluded"]);
    }
    // The CSV: every entry of every page, contributions then exclusions.
    let (status, body) = f.get(&f.viewer_p1, &format!("{base}?format=csv")).await;
    assert_eq!(status, 200, "{body}");
    let rows = csv_rows(&body);
    assert_eq!(rows[0][7], "counts");
    let mut expected = Vec::new();
    for eo in engine["options"].as_array().unwrap() {
        for (counts, key) in [("true", "contributions"), ("false", "excluded")] {
            for e in eo[key].as_array().unwrap() {
                expected.push((
                    counts.to_string(),
                    e["tenant"].as_str().unwrap_or("").to_string(),
                    e["rule"]["id"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    assert!(pages > 1 && expected.len() > 50, "{pages} pages");
    let got: Vec<_> = rows[1..]
        .iter()
        .map(|r| (r[7].clone(), r[10].clone(), r[16].clone()))
        .collect();
    assert_eq!(got, expected);
    assert!(rows[1..].iter().all(|r| r[8].is_empty() != r[9].is_empty()));
    let (_, html) = f
        .get(
            &f.viewer_p1,
            &format!("/w/{}/p/P001/a/modern_work/m/usage_growth", f.w1),
        )
        .await;
    assert!(html.contains("format=csv\">Every entry as CSV"), "{html}");

    // The other track, and an unknown metric.
    let other = area.tracks.iter().find(|t| !t.counts).unwrap();
    let o = f
        .json(
            &f.viewer_p1,
            &format!("{base}?track={}", other.track.as_deref().unwrap()),
        )
        .await;
    assert_eq!(o["track"], other.track.as_deref().unwrap());
    let (status, _) = f
        .get(
            &f.viewer_p1,
            &format!(
                "/api/workspaces/{}/partners/P001/areas/modern_work/metrics/nope",
                f.w1
            ),
        )
        .await;
    assert_eq!(status, 404);
}

on_both!(customer_lookup_finds_tenants_by_id_and_name);
async fn customer_lookup_finds_tenants_by_id_and_name(db: Option<String>) {
    let f = fixture(db).await;
    let path = format!("/api/workspaces/{}/partners/P001/customers", f.w1);
    let all = f.json(&f.viewer_p1, &path).await;
    let tenants = all["tenants"].as_array().unwrap();
    assert!(tenants.len() > 1);
    let by_name = f
        .json(&f.viewer_p1, &format!("{path}?q=beacon%20PROPERTIES"))
        .await;
    let found = by_name["tenants"].as_array().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["tenant"], "T0001");
    assert_eq!(found[0]["tenant_name"], "Beacon Properties");
    assert!(!found[0]["lines"].as_array().unwrap().is_empty());
    let by_id = f.json(&f.viewer_p1, &format!("{path}?q=t0001")).await;
    assert_eq!(by_id["tenants"][0]["tenant"], "T0001");
    let page = f
        .get(
            &f.viewer_p1,
            &format!("/w/{}/p/P001/customers?q=T0001", f.w1),
        )
        .await;
    assert_eq!(page.0, 200);
    assert!(page.1.contains("Beacon Properties"));
}

on_both!(skilling_is_the_engines);
async fn skilling_is_the_engines(db: Option<String>) {
    let f = fixture(db).await;
    let got = f
        .json(
            &f.viewer_p1,
            &format!("/api/workspaces/{}/partners/P001/skilling", f.w1),
        )
        .await;
    let catalog = Catalog::embedded().unwrap();
    let loaded = capscore_data::load_dir(&sample_dir(), &catalog).unwrap();
    let request = ExplainRequest {
        month: got["month"].as_str().unwrap().parse().unwrap(),
        partners: Some(vec![loaded.dataset.partners.find("P001").unwrap()]),
        areas: None,
        tracks: None,
        metrics: None,
        exclusions: capscore_engine::explain::Exclusions::All,
    };
    let expl = explain(&loaded.dataset, &catalog, &request).unwrap();
    let expected = capscore_engine::explain::skilling(&expl, &catalog);
    assert_eq!(got, serde_json::to_value(&expected[0]).unwrap());
    assert!(!got["people"].as_array().unwrap().is_empty());
    let (status, html) = f
        .get(&f.viewer_p1, &format!("/w/{}/p/P001/skilling", f.w1))
        .await;
    assert_eq!(status, 200);
    let person = got["people"][0]["person"].as_str().unwrap();
    assert!(html.contains(person));
}

/// The rows of a CSV body, header first.
fn csv_rows(body: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

on_both!(customer_and_skilling_tables_download_as_csv);
async fn customer_and_skilling_tables_download_as_csv(db: Option<String>) {
    let f = fixture(db).await;
    let path = format!("/api/workspaces/{}/partners/P001/customers", f.w1);
    let json = f.json(&f.admin, &path).await;
    let (status, body) = f.get(&f.admin, &format!("{path}?format=csv")).await;
    assert_eq!(status, 200, "{body}");
    let rows = csv_rows(&body);
    assert_eq!(rows[0][2], "tenant");
    let mut expected = Vec::new();
    for t in json["tenants"].as_array().unwrap() {
        for l in t["lines"].as_array().unwrap() {
            expected.push((
                t["tenant"].as_str().unwrap().to_string(),
                l["metric"].as_str().unwrap().to_string(),
                l["counts"].as_bool().unwrap().to_string(),
            ));
        }
    }
    assert!(!expected.is_empty());
    let got: Vec<_> = rows[1..]
        .iter()
        .map(|r| (r[2].clone(), r[6].clone(), r[9].clone()))
        .collect();
    assert_eq!(got, expected);
    assert!(
        rows[1..]
            .iter()
            .all(|r| r[0] == json["month"].as_str().unwrap())
    );
    // A tenant that does not count says why.
    assert!(
        rows[1..]
            .iter()
            .any(|r| r[9] == "false" && !r[11].is_empty())
    );

    let path = format!("/api/workspaces/{}/partners/P001/skilling", f.w1);
    let json = f.json(&f.admin, &path).await;
    let (status, body) = f.get(&f.admin, &format!("{path}?format=csv")).await;
    assert_eq!(status, 200, "{body}");
    let rows = csv_rows(&body);
    assert_eq!(rows[0][2], "person");
    let mut expected = Vec::new();
    for p in json["people"].as_array().unwrap() {
        for l in p["lines"].as_array().unwrap() {
            expected.push((
                p["person"].as_str().unwrap().to_string(),
                l["certification"].as_str().unwrap().to_string(),
                l["counts"].as_bool().unwrap().to_string(),
            ));
        }
    }
    assert!(!expected.is_empty());
    let got: Vec<_> = rows[1..]
        .iter()
        .map(|r| (r[2].clone(), r[6].clone(), r[10].clone()))
        .collect();
    assert_eq!(got, expected);

    // The pages link to their CSV.
    let (_, html) = f
        .get(&f.admin, &format!("/w/{}/p/P001/skilling", f.w1))
        .await;
    assert!(html.contains("format=csv\">Download as CSV"), "{html}");
}
