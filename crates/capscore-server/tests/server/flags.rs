//! The portfolio's flags: "renewal due" from capscore-status's anniversaries, "loses
//! points next month" from capscore-whatif's outlook, in the API, the CSV and the page.

use std::collections::BTreeSet;

use capscore_catalog::Catalog;
use capscore_core::Month;
use capscore_whatif::outlook::outlook;
use capscore_whatif::simulate::Base;
use chrono::Datelike;

use crate::harness::{fixture, sample_dir};

/// Partners whose designation's anniversary (capscore-status, while `month`'s data is
/// in force) is within the catalog's renewal window of `date`.
fn renewals_due(month: Month, date: chrono::NaiveDate) -> BTreeSet<String> {
    let catalog = Catalog::embedded().unwrap();
    let loaded = capscore_data::load_dir(&sample_dir(), &catalog).unwrap();
    let request = capscore_status::StatusRequest {
        date: month.offset(1).last_day(),
        month: Some(month),
        partners: None,
    };
    let days = i64::from(catalog.membership.lifecycle.renewal_window_days);
    capscore_status::status(&loaded.dataset, &catalog, &request)
        .unwrap()
        .partners
        .into_iter()
        .filter(|p| {
            p.designations.iter().any(|d| {
                d.anniversary_date
                    .is_some_and(|a| (a - date).num_days().abs() <= days)
            })
        })
        .map(|p| p.partner_id)
        .collect()
}

fn ids(p: &serde_json::Value) -> BTreeSet<String> {
    p["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partner_id"].as_str().unwrap().to_string())
        .collect()
}

on_both!(renewal_due_and_loses_points_are_status_and_outlook);
async fn renewal_due_and_loses_points_are_status_and_outlook(db: Option<String>) {
    let f = fixture(db).await;
    let base = format!("/api/workspaces/{}/portfolio", f.w1);
    let all = f.json(&f.admin, &base).await;
    let month: Month = all["month"].as_str().unwrap().parse().unwrap();
    // The default date is the day the month's data is published (the catalog's day
    // of the month after).
    let catalog = Catalog::embedded().unwrap();
    let publish = month
        .offset(1)
        .first_day()
        .with_day(catalog.membership.lifecycle.refresh_publish_day)
        .unwrap();
    assert_eq!(all["date"], publish.to_string());
    assert_eq!(all["renewal_window_days"], 30);
    // Renewal due: on the publication date and on a chosen date, the partners
    // capscore-status's anniversaries give.
    for (date, q) in [
        (publish, String::new()),
        (
            chrono::NaiveDate::from_ymd_opt(2024, 11, 1).unwrap(),
            "&date=2024-11-01".to_string(),
        ),
    ] {
        let expected = renewals_due(month, date);
        assert!(
            !expected.is_empty(),
            "the sample has a renewal due on {date}"
        );
        let p = f
            .json(&f.admin, &format!("{base}?renewal_due=true{q}"))
            .await;
        assert_eq!(ids(&p), expected, "{date}");
        assert!(ids(&p).len() < ids(&all).len());
    }
    let (status, _) = f
        .get(
            &f.admin,
            &format!("{base}?renewal_due=true&date=2024-13-01"),
        )
        .await;
    assert_eq!(status, 400);
    // Loses points next month: each cell's next total is the outlook's.
    let loaded = capscore_data::load_dir(&sample_dir(), &catalog).unwrap();
    let mut losing = BTreeSet::new();
    for row in all["partners"].as_array().unwrap() {
        let pid = row["partner_id"].as_str().unwrap();
        let b = Base::new(&loaded, &catalog, pid, month, None).unwrap();
        let o = outlook(&b, 1).unwrap();
        for cell in row["areas"].as_array().unwrap() {
            let next = o.months[1]
                .areas
                .iter()
                .find(|a| a.area == cell["area"].as_str().unwrap())
                .unwrap();
            let next = capscore_core::num_to_f64_2dp(&next.total);
            assert_eq!(cell["next_total"].as_f64().unwrap(), next, "{pid} {cell}");
            let loses = next < cell["total"].as_f64().unwrap();
            assert_eq!(cell["loses_points"].as_bool().unwrap(), loses);
            if loses {
                losing.insert(pid.to_string());
            }
        }
    }
    assert!(!losing.is_empty(), "the sample has a partner losing points");
    let p = f.json(&f.admin, &format!("{base}?loses_points=true")).await;
    assert_eq!(ids(&p), losing);
    // The CSV has both, the page both filters.
    let (status, csv) = f
        .get(&f.admin, &format!("{base}?loses_points=true&format=csv"))
        .await;
    assert_eq!(status, 200);
    let first = losing.iter().next().unwrap();
    assert!(
        csv.lines()
            .any(|l| l.contains(first.as_str()) && l.contains(",true,")),
        "{csv}"
    );
    let (status, html) = f
        .get(&f.admin, &format!("/w/{}?loses_points=true", f.w1))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("next month"), "{html}");
    assert!(html.contains("Renewal due in 30 days"), "{html}");
    // A viewer granted one partner sees only it, flags included.
    let p = f
        .json(&f.viewer_p1, &format!("{base}?loses_points=true"))
        .await;
    assert!(ids(&p).iter().all(|id| id == "P001"), "{p}");
}
