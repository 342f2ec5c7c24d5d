//! The rule cases of cases/<area>/*.toml (docs/cases.md), run through the real loader,
//! catalog, engine and status.

mod coverage;
mod format;
mod run;
mod score;
mod standing;
// Status tests about code rather than rules (the calendar function, history, refusals).
mod status_code;

use std::collections::BTreeMap;
use std::path::PathBuf;

use capscore_catalog::Catalog;

fn case_files() -> Vec<PathBuf> {
    let root = run::repo_root().join("cases");
    let mut files = Vec::new();
    let mut areas: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    areas.sort();
    for a in areas {
        let mut fs: Vec<_> = std::fs::read_dir(&a)
            .unwrap_or_else(|e| panic!("{}: {e}", a.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        fs.sort();
        files.extend(fs);
    }
    files
}

fn rel(p: &std::path::Path) -> String {
    let root = run::repo_root();
    p.strip_prefix(&root).unwrap_or(p).display().to_string()
}

type Results = (Vec<String>, BTreeMap<String, usize>, Vec<coverage::Seen>);

/// Every case, run once for the tests of this file.
fn results() -> &'static Results {
    static RESULTS: std::sync::OnceLock<Results> = std::sync::OnceLock::new();
    RESULTS.get_or_init(run_all)
}

fn run_all() -> Results {
    let mut failures = Vec::new();
    let mut per_area: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen = Vec::new();
    for f in case_files() {
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let o = run::run(&f, &text);
        let area = f
            .parent()
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        *per_area.entry(area).or_default() += 1;
        for msg in &o.failures {
            failures.push(format!("{} ({}): {msg}", rel(&f), o.name));
        }
        if let Some(day) = o.day {
            seen.push(coverage::Seen {
                day,
                touches: o.touches,
            });
        }
    }
    (failures, per_area, seen)
}

#[test]
fn every_case_holds() {
    let (failures, per_area, _) = results();
    let total: usize = per_area.values().sum();
    // Written to stderr directly, not through print!, so that the count shows in a
    // normal `cargo test` run (the test harness captures print! of passing tests).
    let mut counts = String::from("cases per area:\n");
    for (a, n) in per_area {
        counts.push_str(&format!("  {a:<28} {n}\n"));
    }
    counts.push_str(&format!("  {:<28} {total}\n", "total"));
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), counts.as_bytes());
    assert!(total > 0, "no case found under cases/");
    assert!(
        failures.is_empty(),
        "{} failed expectation(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The runner itself: a worked example whose expected points are changed by one fails,
/// naming the line of the expectation and both numbers.
#[test]
fn a_case_off_by_one_point_fails() {
    let path =
        run::repo_root().join("cases/modern_work/worked_example_enterprise_usage_growth.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(run::run(&path, &text).failures.is_empty());
    let needle = "option = \"DPOR\"\nvalue = 2000\npoints = 15";
    assert!(
        text.contains(needle),
        "the example changed: update this test"
    );
    let changed = text.replace(needle, "option = \"DPOR\"\nvalue = 2000\npoints = 16");
    let failures = run::run(&path, &changed).failures;
    assert_eq!(failures.len(), 1, "{failures:?}");
    let line = changed[..changed.find("points = 16").unwrap()]
        .rfind("[[expect.option]]")
        .map(|i| changed[..i].matches('\n').count() + 1)
        .unwrap();
    let f = &failures[0];
    assert!(f.starts_with(&format!("line {line}: ")), "{f}");
    assert!(f.contains("expected: 16"), "{f}");
    assert!(f.contains("actual:   15"), "{f}");
}

/// Every catalog entry is touched by a case, on each side of its dates.
#[test]
fn every_catalog_rule_has_a_case() {
    let (_, _, seen) = results();
    let catalog = Catalog::embedded().unwrap();
    let missing = coverage::untouched(&catalog, seen);
    assert!(
        missing.is_empty(),
        "{} catalog entries without a case:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}
