//! Status cases: the standing on a date against the expectations.

use capscore_catalog::Catalog;
use capscore_data::Dataset;
use capscore_status::{StatusRequest, status};
use chrono::NaiveDate;
use serde_json::Value;

use crate::format::Case;
use crate::run::Cx;

/// TOML value -> JSON for comparing with the serialized standing.
fn json_of(v: &toml::Value) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Compares the fields a case expects with the JSON of the result. A key `x_count`
/// compares the length of the list `x`; `x_contains` checks that the text `x` contains
/// the expected text; `x_present` whether `x` is given at all; a table compares its own
/// keys the same way.
fn compare_fields(
    cx: &mut Cx,
    span: std::ops::Range<usize>,
    label: &str,
    expected: &toml::Table,
    actual: &Value,
    skip: &[&str],
) {
    for (k, v) in expected {
        if skip.contains(&k.as_str()) {
            continue;
        }
        let field = |f: &str| actual.get(f).cloned().unwrap_or(Value::Null);
        let (want, got, what) = if let Some(f) = k.strip_suffix("_count") {
            let n = field(f).as_array().map_or(0, Vec::len);
            (json_of(v), Value::from(n), format!("{label} number of {f}"))
        } else if let Some(f) = k.strip_suffix("_present") {
            (
                json_of(v),
                Value::Bool(!field(f).is_null()),
                format!("{label} {f} given"),
            )
        } else if let Some(f) = k.strip_suffix("_contains") {
            let text = field(f);
            let needle = v.as_str().unwrap_or_default();
            if !text.as_str().is_some_and(|t| t.contains(needle)) {
                cx.fail(
                    span.clone(),
                    &format!("{label} {f} containing"),
                    needle,
                    &text.to_string(),
                );
            }
            continue;
        } else if let (toml::Value::Table(t), Value::Object(_)) = (v, &field(k)) {
            compare_fields(cx, span.clone(), &format!("{label} {k}"), t, &field(k), &[]);
            continue;
        } else {
            (json_of(v), field(k), format!("{label} {k}"))
        };
        let same = match (&want, &got) {
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            _ => want == got,
        };
        if !same {
            cx.fail(span.clone(), &what, &want.to_string(), &got.to_string());
        }
    }
}

/// Checks `[[expect.<list>]]` entries against the items of a list of the standing,
/// found by their `key` field.
fn compare_keyed(
    cx: &mut Cx,
    entries: &[toml::Spanned<toml::Table>],
    list: &Value,
    key: &str,
    what: &str,
) {
    for e in entries {
        let span = e.span();
        let t = e.get_ref();
        let Some(id) = t.get(key).and_then(toml::Value::as_str) else {
            cx.fail(span, what, &format!("a `{key}`"), "(none given)");
            continue;
        };
        let item = list.as_array().and_then(|items| {
            items
                .iter()
                .find(|i| i.get(key).and_then(Value::as_str) == Some(id))
        });
        let granted = t.get("granted").and_then(toml::Value::as_bool);
        match (item, granted) {
            (None, Some(false)) => {}
            (None, _) => cx.fail(span, what, id, "(not in the standing)"),
            (Some(_), Some(false)) => {
                cx.fail(span, &format!("{what} {id}"), "not granted", "granted");
            }
            (Some(i), _) => {
                compare_fields(cx, span, &format!("{what} {id}"), t, i, &[key, "granted"]);
            }
        }
        cx.touch(format!("{what}:{id}"));
    }
}

pub(crate) fn status_case(
    case: &Case,
    catalog: &Catalog,
    data: &Dataset,
    day: NaiveDate,
    cx: &mut Cx,
) {
    let req = StatusRequest {
        date: day,
        month: None,
        partners: None,
    };
    let result = status(data, catalog, &req);
    if let Some(err) = &case.expect.error {
        match &result {
            Err(e) if e.to_string().contains(err.get_ref().as_str()) => {}
            Err(e) => cx.fail(err.span(), "the error", err.get_ref(), &e.to_string()),
            Ok(_) => cx.fail(
                err.span(),
                "the error",
                err.get_ref(),
                "(a standing, no error)",
            ),
        }
        return;
    }
    let standing = match result {
        Ok(s) => s,
        Err(e) => {
            cx.out.failures.push(format!("the status was refused: {e}"));
            return;
        }
    };
    let Some(p) = standing
        .partners
        .iter()
        .find(|p| p.partner_id == case.partner)
    else {
        cx.out
            .failures
            .push(format!("no standing for partner {}", case.partner));
        return;
    };
    cx.touch("membership:calendar".into());
    let pj = serde_json::to_value(p).unwrap_or(Value::Null);
    if let Some(e) = &case.expect.partner {
        cx.touch("membership:partner".into());
        compare_fields(cx, e.span(), "partner", e.get_ref(), &pj, &[]);
    }
    for e in &case.expect.designation {
        let span = e.span();
        let t = e.get_ref();
        let Some(area) = t.get("area").and_then(toml::Value::as_str) else {
            cx.fail(span, "designation", "an `area`", "(none given)");
            continue;
        };
        let Some(d) = p.designations.iter().find(|d| d.area == area) else {
            cx.fail(span, "designation", area, "(not in the standing)");
            continue;
        };
        cx.touch(format!("designation:{area}"));
        cx.touch("membership:qualification_window".into());
        let dj = serde_json::to_value(d).unwrap_or(Value::Null);
        compare_fields(cx, span, area, t, &dj, &["area"]);
    }
    compare_keyed(
        cx,
        &case.expect.competency,
        &pj["competency_requirements"],
        "competency",
        "competency",
    );
    compare_keyed(
        cx,
        &case.expect.benefit,
        &pj["benefits"],
        "package",
        "benefit",
    );
    for e in &case.expect.specialization {
        let span = e.span();
        let e = e.get_ref();
        let Some(s) = p
            .specializations
            .iter()
            .find(|s| s.specialization == e.specialization)
        else {
            cx.fail(
                span,
                "specialization",
                &e.specialization,
                "(not in the standing)",
            );
            continue;
        };
        cx.touch(format!("specialization:{}", e.specialization));
        if let Some(m) = e.met
            && m != s.met
        {
            cx.fail(
                span.clone(),
                &format!("{} met", e.specialization),
                &m.to_string(),
                &s.met.to_string(),
            );
        }
        if let Some(phase) = &e.phase {
            let actual = s.held.as_ref().map_or("(not held)", |h| h.phase.as_str());
            if phase != actual {
                cx.fail(
                    span.clone(),
                    &format!("{} phase", e.specialization),
                    phase,
                    actual,
                );
            }
        }
        for (id, met) in &e.requirements {
            match s.requirements.iter().find(|r| r.requirement == *id) {
                None => cx.fail(
                    span.clone(),
                    &format!("{} requirement", e.specialization),
                    id,
                    "(no such requirement)",
                ),
                Some(r) => {
                    cx.touch(format!("requirement:{}.{id}", e.specialization));
                    if r.met != *met {
                        cx.fail(
                            span.clone(),
                            &format!("{} / {id} met", e.specialization),
                            &met.to_string(),
                            &format!("{} ({})", r.met, r.detail),
                        );
                    }
                }
            }
        }
        for (id, text) in &e.details {
            match s.requirements.iter().find(|r| r.requirement == *id) {
                None => cx.fail(
                    span.clone(),
                    &format!("{} requirement", e.specialization),
                    id,
                    "(no such requirement)",
                ),
                Some(r) if !r.detail.contains(text.as_str()) => {
                    cx.fail(
                        span.clone(),
                        &format!("{} / {id} detail", e.specialization),
                        &format!("…{text}…"),
                        &r.detail,
                    );
                }
                Some(_) => {}
            }
        }
    }
}
