//! Score cases: the engine's answer for a month against the expectations.

use capscore_catalog::Catalog;
use capscore_core::{Month, Num};
use capscore_data::Dataset;
use capscore_engine::{
    AreaScore, ExplainRequest, MetricScore, ScoreRequest, TrackScore, explain, score,
};
use serde_json::Value;

use crate::format::{Case, Number};
use crate::run::{Cx, check_num, num, show, unmet_ids};

pub(crate) fn score_case(
    case: &Case,
    catalog: &Catalog,
    data: &Dataset,
    month: Month,
    cx: &mut Cx,
) {
    let req = ScoreRequest {
        month,
        partners: None,
        areas: case.area.as_ref().map(|a| vec![a.clone()]),
    };
    let result = score(data, catalog, &req);
    if let Some(err) = &case.expect.error {
        match &result {
            Err(e) if e.to_string().contains(err.get_ref().as_str()) => {}
            Err(e) => cx.fail(err.span(), "the error", err.get_ref(), &e.to_string()),
            Ok(_) => cx.fail(
                err.span(),
                "the error",
                err.get_ref(),
                "(a score, no error)",
            ),
        }
        return;
    }
    let scores = match result {
        Ok(s) => s,
        Err(e) => {
            cx.out
                .failures
                .push(format!("the engine refused the case: {e}"));
            return;
        }
    };
    for e in &case.expect.scorecard {
        let span = e.span();
        let e = e.get_ref();
        let label = format!("{} {}", e.partner, e.area);
        let Some(a) = scores
            .partners
            .iter()
            .find(|p| p.partner_id == e.partner)
            .and_then(|p| p.areas.iter().find(|a| a.area == e.area))
        else {
            cx.fail(
                span,
                "scorecard",
                &label,
                "(no such partner or area in the scores)",
            );
            continue;
        };
        cx.touch(format!("area:{}", e.area));
        if let Some(t) = &e.total {
            // Equal when rounded to two decimals: |actual - expected| < 0.005.
            let close = num(t).is_some_and(|x| {
                let d = (a.total - x) * Num::from_integer(200);
                d < Num::from_integer(1) && d >= Num::from_integer(-1)
            });
            if !close {
                cx.fail(
                    span.clone(),
                    &format!("{label} total (two decimals)"),
                    &num(t).map_or_else(|| format!("{t:?}"), show),
                    &show(a.total),
                );
            }
        }
        if let Some(q) = e.qualified
            && q != a.qualified
        {
            cx.fail(
                span.clone(),
                &format!("{label} qualified"),
                &q.to_string(),
                &a.qualified.to_string(),
            );
        }
        if let Some(t) = &e.track {
            let actual = a.track.clone().unwrap_or_else(|| "none".into());
            if *t != actual {
                cx.fail(span.clone(), &format!("{label} track"), t, &actual);
            }
        }
    }
    let Some(p) = scores
        .partners
        .iter()
        .find(|p| p.partner_id == case.partner)
    else {
        if case.expect.scorecard.is_empty() {
            cx.out
                .failures
                .push(format!("no score for partner {}", case.partner));
        }
        return;
    };
    let Some(area) = p.areas.first() else {
        cx.out.failures.push("no area scored".into());
        return;
    };
    if let Some(b) = &case.expect.badges {
        for id in b.get_ref() {
            cx.touch(format!("badge:{id}"));
        }
        if *b.get_ref() != p.badges {
            cx.fail(
                b.span(),
                "badges",
                &format!("{:?}", b.get_ref()),
                &format!("{:?}", p.badges),
            );
        }
    }
    let a_id = area.area.clone();
    cx.touch(format!("area:{a_id}"));
    check_contributions(case, catalog, data, month, area, cx);
    if let Some(e) = &case.expect.area {
        let span = e.span();
        let e = e.get_ref();
        check_num(cx, &span, "area total", e.total.as_ref(), area.total);
        if let Some(q) = e.qualified
            && q != area.qualified
        {
            cx.fail(
                span.clone(),
                "area qualified",
                &q.to_string(),
                &area.qualified.to_string(),
            );
        }
        if let Some(t) = &e.track {
            let actual = area.track.clone().unwrap_or_else(|| "none".into());
            if *t != actual {
                cx.fail(span.clone(), "the counting track", t, &actual);
            }
        }
        if let Some(u) = &e.unmet {
            let actual = unmet_ids(&area.unmet);
            if *u != actual {
                cx.fail(
                    span,
                    "unmet rules",
                    &format!("{u:?}"),
                    &format!("{actual:?}"),
                );
            }
        }
    }
    for e in &case.expect.track {
        let span = e.span();
        let e = e.get_ref();
        let Some(t) = find_track(area, Some(&e.track)) else {
            cx.fail(span, "track", &e.track, "(no such track)");
            continue;
        };
        cx.touch(format!("track:{a_id}.{}", e.track));
        check_num(
            cx,
            &span,
            &format!("{} total", e.track),
            e.total.as_ref(),
            t.total,
        );
        if let Some(q) = e.qualified
            && q != t.qualified
        {
            cx.fail(
                span.clone(),
                &format!("{} qualified", e.track),
                &q.to_string(),
                &t.qualified.to_string(),
            );
        }
        if let Some(u) = &e.unmet {
            let actual = unmet_ids(&t.unmet);
            if *u != actual {
                cx.fail(
                    span,
                    "unmet rules",
                    &format!("{u:?}"),
                    &format!("{actual:?}"),
                );
            }
        }
    }
    for e in &case.expect.metric {
        let span = e.span();
        let e = e.get_ref();
        let Some((track, m)) = find_metric(area, e.track.as_deref(), &e.metric) else {
            cx.fail(
                span,
                "metric",
                &format!("{:?} {}", e.track, e.metric),
                "(no such metric in this area and track)",
            );
            continue;
        };
        let label = format!("{} / {}", track, e.metric);
        cx.touch(format!("metric:{a_id}.{}", e.metric));
        if track != "-" {
            cx.touch(format!("track:{a_id}.{track}"));
        }
        check_num(
            cx,
            &span,
            &format!("{label} value"),
            e.value.as_ref(),
            m.value,
        );
        check_num(
            cx,
            &span,
            &format!("{label} points"),
            e.points.as_ref(),
            m.points,
        );
        check_num(
            cx,
            &span,
            &format!("{label} target"),
            e.target.as_ref(),
            m.target,
        );
        if let Some(o) = &e.option {
            cx.touch(format!("option:{a_id}.{track}.{}.{o}", e.metric));
            let actual = m.option.clone().unwrap_or_else(|| "none".into());
            if *o != actual {
                cx.fail(
                    span.clone(),
                    &format!("{label}: the option that counts"),
                    o,
                    &actual,
                );
            }
        }
        if let Some(n) = &e.note
            && !m.notes.iter().any(|x| x.contains(n.as_str()))
        {
            cx.fail(
                span.clone(),
                &format!("{label}: a note containing"),
                n,
                &format!("{:?}", m.notes),
            );
        }
        if let Some(i) = e.incomplete
            && i != m.incomplete.is_some()
        {
            cx.fail(
                span,
                &format!("{label} incomplete"),
                &i.to_string(),
                &format!("{:?}", m.incomplete),
            );
        }
    }
    for e in &case.expect.option {
        let span = e.span();
        let e = e.get_ref();
        let Some((track, m)) = find_metric(area, e.track.as_deref(), &e.metric) else {
            cx.fail(
                span,
                "metric",
                &e.metric,
                "(no such metric in this area and track)",
            );
            continue;
        };
        let Some(o) = m
            .options
            .iter()
            .find(|o| o.option.as_deref() == Some(e.option.as_str()))
        else {
            let known: Vec<_> = m.options.iter().filter_map(|o| o.option.clone()).collect();
            cx.fail(
                span,
                &format!("{track} / {} option", e.metric),
                &e.option,
                &format!("(options: {known:?})"),
            );
            continue;
        };
        cx.touch(format!("metric:{a_id}.{}", e.metric));
        cx.touch(format!("option:{a_id}.{track}.{}.{}", e.metric, e.option));
        let label = format!("{track} / {} / {}", e.metric, e.option);
        check_num(
            cx,
            &span,
            &format!("{label} value"),
            e.value.as_ref(),
            o.value,
        );
        check_num(
            cx,
            &span,
            &format!("{label} points"),
            e.points.as_ref(),
            o.points,
        );
    }
}

/// Checks `[[expect.contribution]]` against `explain` of the case's partner and area.
fn check_contributions(
    case: &Case,
    catalog: &Catalog,
    data: &Dataset,
    month: Month,
    area: &AreaScore,
    cx: &mut Cx,
) {
    if case.expect.contribution.is_empty() {
        return;
    }
    let req = ExplainRequest {
        month,
        partners: data.partners.find(&case.partner).map(|p| vec![p]),
        areas: Some(vec![area.area.clone()]),
        tracks: None,
        metrics: None,
        exclusions: capscore_engine::explain::Exclusions::All,
    };
    let ex = match explain(data, catalog, &req) {
        Ok(e) => serde_json::to_value(e).unwrap_or(Value::Null),
        Err(e) => {
            cx.out
                .failures
                .push(format!("explain refused the case: {e}"));
            return;
        }
    };
    let tracks = &ex["partners"][0]["areas"][0]["tracks"];
    for e in &case.expect.contribution {
        let span = e.span();
        let e = e.get_ref();
        let track = e.track.clone().or_else(|| area.track.clone());
        let who = e.tenant.as_deref().or(e.person.as_deref()).unwrap_or("");
        let label = format!(
            "{} / {}{} / {who}",
            track.as_deref().unwrap_or("-"),
            e.metric,
            e.option
                .as_deref()
                .map(|o| format!(" / {o}"))
                .unwrap_or_default()
        );
        let metric = tracks
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["track"].as_str() == track.as_deref())
            .and_then(|t| {
                t["metrics"]
                    .as_array()?
                    .iter()
                    .find(|m| m["metric"] == e.metric.as_str())
            });
        let Some(metric) = metric else {
            cx.fail(
                span,
                "contribution",
                &label,
                "(no such metric in the explanation)",
            );
            continue;
        };
        let option = metric["options"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["option"].as_str() == e.option.as_deref());
        let Some(option) = option else {
            cx.fail(
                span,
                "contribution",
                &label,
                "(no such option in the explanation)",
            );
            continue;
        };
        let list = if e.counts {
            "contributions"
        } else {
            "excluded"
        };
        let matches = |x: &&Value| {
            e.tenant
                .as_deref()
                .is_none_or(|t| x["tenant"].as_str() == Some(t))
                && e.person
                    .as_deref()
                    .is_none_or(|p| x["person"].as_str() == Some(p))
        };
        let found: Vec<&Value> = option[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter(matches)
            .collect();
        if found.is_empty() {
            let other = if e.counts {
                "excluded"
            } else {
                "contributions"
            };
            let elsewhere = option[other]
                .as_array()
                .into_iter()
                .flatten()
                .any(|x| matches(&x));
            let actual = if elsewhere {
                format!("(in {other})")
            } else {
                "(not listed)".to_string()
            };
            cx.fail(span, &format!("{label}: in {list}"), who, &actual);
            continue;
        }
        cx.touch(format!("metric:{}.{}", area.area, e.metric));
        if let Some(a) = &e.amount {
            let total: Option<Num> = found.iter().try_fold(Num::from_integer(0), |acc, x| {
                let v = &x["amount_exact"];
                let n = match v {
                    Value::String(s) => num(&Number::Text(s.clone())),
                    Value::Number(n) => n.as_i64().map(|i| Num::from_integer(i128::from(i))),
                    _ => None,
                }?;
                Some(acc + n)
            });
            match (num(a), total) {
                (Some(x), Some(t)) if x == t => {}
                (x, t) => cx.fail(
                    span.clone(),
                    &format!("{label} amount"),
                    &x.map_or_else(|| format!("{a:?}"), show),
                    &t.map_or_else(|| "(no amount)".into(), show),
                ),
            }
        }
        if let Some(r) = &e.reason_contains {
            let reasons: Vec<String> = found
                .iter()
                .map(|x| format!("{} {}", x["reason"], x["details"]))
                .collect();
            if !reasons.iter().any(|x| x.contains(r.as_str())) {
                cx.fail(span, &format!("{label} reason"), r, &reasons.join("; "));
            }
        }
    }
}

fn find_track<'a>(a: &'a AreaScore, id: Option<&str>) -> Option<&'a TrackScore> {
    a.tracks.iter().find(|t| t.track.as_deref() == id)
}

/// The metric of a track (default: the area's counting track), with the track's id
/// (`-` for an area without tracks).
fn find_metric<'a>(
    a: &'a AreaScore,
    track: Option<&str>,
    metric: &str,
) -> Option<(String, &'a MetricScore)> {
    let ms = match track {
        Some(t) => &find_track(a, Some(t))?.metrics,
        None => &a.metrics,
    };
    let t = track
        .map(str::to_string)
        .or_else(|| a.track.clone())
        .unwrap_or_else(|| "-".into());
    ms.iter().find(|m| m.metric == metric).map(|m| (t, m))
}
