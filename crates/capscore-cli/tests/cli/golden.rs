//! Scores unchanged: `score` output compared byte for byte with output saved from the
//! build before work on the loader's fast path (issue 12) began. The sample is read from its CSV files and from the same tables written as
//! Parquet (dictionary-encoded strings, integer and date columns); `synth30` is a small
//! dataset of `scripts/synth_dataset.py` (30 partners, 10 tenants each, 24 months)
//! written as Parquet. Regenerate a golden file only when a rule change is meant to
//! change scores.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

fn check(data: &Path, month: Option<&str>, format: &str, golden: &str) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_capscore"));
    cmd.arg("score")
        .arg("--data")
        .arg(data)
        .args(["--format", format]);
    if let Some(m) = month {
        cmd.args(["--month", m]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let want = std::fs::read(fixture("golden").join(golden)).unwrap();
    assert!(
        out.stdout == want,
        "{} {month:?} {format}: output differs from golden/{golden}",
        data.display()
    );
}

fn sample_both(month: Option<&str>, format: &str, golden: &str) {
    check(&root().join("../../data/sample"), month, format, golden);
    check(&fixture("sample-parquet"), month, format, golden);
}

#[test]
fn sample_default_month_json() {
    sample_both(None, "json", "sample-default.json");
}

#[test]
fn sample_default_month_csv() {
    sample_both(None, "csv", "sample-default.csv");
}

#[test]
fn sample_2023_12_json() {
    sample_both(Some("2023-12"), "json", "sample-2023-12.json");
}

#[test]
fn sample_2023_12_csv() {
    sample_both(Some("2023-12"), "csv", "sample-2023-12.csv");
}

#[test]
fn synthetic_parquet_csv() {
    check(&fixture("synth30-parquet"), None, "csv", "synth30.csv");
}
