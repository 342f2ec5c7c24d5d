//! `forecast` on synthetic histories: a linear trend is recovered (central projection
//! on the trend, range around it), points come from the catalog's rules, qualification
//! from its thresholds, and a history too short is refused with what is needed.

use crate::common::{Data, m};
use capscore_catalog::Catalog;
use capscore_core::{Month, Num};
use capscore_engine::metric_points;
use capscore_whatif::forecast::{
    DEFAULT_LEVEL, Forecast, ForecastError, ForecastRequest, MIN_HISTORY, MetricForecast, forecast,
};

/// Modern Work only; every usage table covers 2022-07..2024-06, so the months the data
/// answers are 2023-07..2024-06 (each needs its m-12).
fn base() -> Data {
    Data::default().covering("2022-07", "2024-06")
}

/// `per_month(k)` people earn a Modern Work intermediate certification in month `k`
/// (0 = 2023-07), so the metric's value follows their running sum.
fn with_people(per_month: impl Fn(i32) -> u32) -> Data {
    let mut d = base();
    let mut n = 0;
    for k in 0..12 {
        let month = m("2023-07").offset(k);
        for _ in 0..per_month(k) {
            d.certs.push(format!(
                "P1,p{n},\"Teams Administrator Associate\",{month}-10,"
            ));
            n += 1;
        }
    }
    d
}

fn run(d: &Data, months: u32) -> Result<Forecast, ForecastError> {
    let catalog = Catalog::embedded().unwrap();
    let data = d.load(&catalog);
    forecast(
        &data,
        &catalog,
        &ForecastRequest {
            partner: data.partners.find("P1").unwrap(),
            areas: Some(vec!["modern_work".into()]),
            months,
            level: DEFAULT_LEVEL,
        },
    )
}

fn metric<'f>(f: &'f Forecast, track: &str, id: &str) -> &'f MetricForecast {
    f.areas[0]
        .tracks
        .iter()
        .find(|t| t.track.as_deref() == Some(track))
        .unwrap()
        .metrics
        .iter()
        .find(|x| x.metric == id)
        .unwrap()
}

fn n(v: i64) -> Num {
    Num::from_integer(v.into())
}

#[test]
fn a_linear_trend_is_recovered_exactly() {
    // One more certified person every month: 1, 2, ..., 12 from 2023-07 to 2024-06.
    let f = run(&with_people(|_| 1), 6).unwrap();
    assert_eq!(f.areas[0].history.len(), 12);
    assert_eq!(f.areas[0].history[0], m("2023-07"));
    assert_eq!(f.kind, "statistical projection");
    let mf = metric(&f, "enterprise", "intermediate_certifications");
    let values: Vec<Num> = mf.history.iter().map(|h| h.value_exact).collect();
    assert_eq!(values, (1..=12).map(n).collect::<Vec<_>>());
    assert_eq!(mf.trends.len(), 1);
    assert!((mf.trends[0].slope_per_month - 1.0).abs() < 1e-9);
    assert_eq!(mf.months.len(), 6);
    let catalog = Catalog::embedded().unwrap();
    for (h, mm) in (1..).zip(&mf.months) {
        let want = n(12 + h);
        assert_eq!(mm.month, m("2024-06").offset(i32::try_from(h).unwrap()));
        // No residual: the range closes on the trend.
        assert_eq!(
            (mm.value.low, mm.value.central, mm.value.high),
            (want, want, want)
        );
        // Points through the catalog rules in force that month.
        let rules = catalog.at_month(mm.month).unwrap();
        let rule = rules.area("modern_work").unwrap().tracks[0]
            .metrics
            .iter()
            .find(|x| x.id == "intermediate_certifications")
            .unwrap();
        let points = metric_points(
            want,
            rule.options[0].target,
            rule.max_points,
            rules.params.points_rounding,
        );
        assert_eq!(mm.points.central, points);
    }
}

#[test]
fn a_noisy_trend_has_its_range_around_the_trend() {
    // Two people in even months, none in odd months: the running sum zigzags around
    // a line of slope 1.
    let f = run(&with_people(|k| if k % 2 == 0 { 2 } else { 0 }), 6).unwrap();
    let mf = metric(&f, "enterprise", "intermediate_certifications");
    let t = &mf.trends[0];
    assert!(
        (t.slope_per_month - 1.0).abs() < 0.1,
        "{}",
        t.slope_per_month
    );
    assert!(t.residual_sd > 0.5);
    // Values 2,2,4,4,...,12,12: the fitted line is x + 1.5 + ~0.04; month 12+h lies at
    // about 13.5 + h.
    for (h, mm) in (0..).zip(&mf.months) {
        let trend = 13.5 + f64::from(h);
        let as_f = |v: Num| *v.numer() as f64 / *v.denom() as f64;
        assert!(
            (as_f(mm.value.central) - trend).abs() < 0.25,
            "{h}: {}",
            mm.value.central
        );
        assert!(as_f(mm.value.low) < trend && trend < as_f(mm.value.high));
        assert!(mm.points.low <= mm.points.central && mm.points.central <= mm.points.high);
    }
    // The range widens further out.
    let width = |i: usize| mf.months[i].value.high - mf.months[i].value.low;
    assert!(width(5) > width(0));
}

#[test]
fn qualification_follows_the_catalog_thresholds() {
    let f = run(&with_people(|_| 1), 6).unwrap();
    let catalog = Catalog::embedded().unwrap();
    let a = &f.areas[0];
    for t in &a.tracks {
        for tm in &t.months {
            let params = &catalog.at_month(tm.month).unwrap().params;
            let minimum = t.metrics.iter().all(|x| {
                x.months
                    .iter()
                    .find(|mm| mm.month == tm.month)
                    .is_some_and(|mm| mm.points.central >= params.min_metric_points)
            });
            assert_eq!(
                tm.qualified.central,
                minimum && tm.total.central >= params.qualifying_total_points
            );
        }
    }
    // Without customers the partner cannot qualify: no month is expected.
    assert!(!a.qualified_last);
    assert_eq!(a.expected.central, None);
    assert_eq!(a.expected.earliest, None);
}

#[test]
fn a_history_too_short_is_refused_with_what_is_needed() {
    // Usage from 2023-02: the data answers 2024-02..2024-06, five months.
    let d = Data::default().covering("2023-02", "2024-06");
    let e = run(&d, 6).unwrap_err();
    let ForecastError::HistoryTooShort { need, answerable } = &e else {
        panic!("{e}")
    };
    assert_eq!(*need, MIN_HISTORY);
    let want: Vec<Month> = Month::range(m("2024-02"), m("2024-06")).collect();
    assert_eq!(answerable, &want);
    let text = e.to_string();
    assert!(text.contains("at least 6 months"), "{text}");
    assert!(text.contains("2024-02, 2024-03"), "{text}");
    // One month more is enough.
    assert!(run(&Data::default().covering("2023-01", "2024-06"), 6).is_ok());
}

#[test]
fn each_area_is_fitted_on_its_own_history() {
    // Usage from 2022-07: Modern Work is answerable from 2023-07 (12 months), Security
    // (which reads the previous TTM, from m-23) only in 2024-06.
    let catalog = Catalog::embedded().unwrap();
    let data = with_people(|_| 1).load(&catalog);
    let f = forecast(
        &data,
        &catalog,
        &ForecastRequest {
            partner: data.partners.find("P1").unwrap(),
            areas: Some(vec!["modern_work".into(), "security".into()]),
            months: 3,
            level: DEFAULT_LEVEL,
        },
    )
    .unwrap();
    assert_eq!(f.areas.len(), 1);
    assert_eq!(f.areas[0].area, "modern_work");
    assert_eq!(f.areas[0].history.len(), 12);
    assert_eq!(f.not_forecast.len(), 1);
    assert_eq!(f.not_forecast[0].area, "security");
    assert_eq!(f.not_forecast[0].answerable, vec![m("2024-06")]);
    assert_eq!(f.months, vec![m("2024-07"), m("2024-08"), m("2024-09")]);
}
