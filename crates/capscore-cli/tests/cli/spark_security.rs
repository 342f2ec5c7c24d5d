//! Security on Spark: `capscore sql` of the Security area run by the `PySpark` runner
//! gives the rows of `capscore score --format parquet` on both sides of the catalog's
//! 2023-12-01 change of Security's certification steps; and a reform run on Spark
//! (`--reform`: the SQL of the catalog and of the catalog under an overlay) reports
//! what `capscore reform --format json` reports.
//!
//! All the jobs run in one Spark session. Needs the `PySpark` environment (see
//! `spark_cli.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use capscore_export::read_parquet;
use serde_json::Value;

use crate::spark_cli::{sorted, venv_python};
use crate::util::{capscore, ok};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn overlay(name: &str) -> String {
    repo().join("docs/reforms").join(name).display().to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `capscore sql` of one area and month (under an overlay) written to `out`.
fn sql(month: &str, area: &str, with: Option<&str>, out: &Path) -> PathBuf {
    let mut args = vec!["sql", "--month", month, "--area", area, "--out", s(out)];
    if let Some(o) = with {
        args.extend(["--overlay", o]);
    }
    ok(&capscore(&args));
    out.to_path_buf()
}

/// The native reform's report, without what the Spark report leaves out (the
/// catalog versions and the distribution of totals).
fn native_reform(data: &Path, month: &str, areas: &str, with: &str) -> Value {
    let mut v: Value = serde_json::from_str(&ok(&capscore(&[
        "reform",
        "--data",
        s(data),
        "--month",
        month,
        "--area",
        areas,
        "--overlay",
        with,
        "--format",
        "json",
    ])))
    .unwrap();
    let top = v.as_object_mut().unwrap();
    top.remove("catalog_before");
    top.remove("catalog_after");
    for a in top["areas"].as_array_mut().unwrap() {
        a.as_object_mut().unwrap().remove("totals");
    }
    v
}

#[test]
fn spark_security_across_the_step_change_and_spark_reforms_equal_native() {
    let python = venv_python();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // 36 months to 2024-06: Security reads azure_usage from the start of the TTM
    // ending m-12 (2021-12 for 2023-11). One seed as Parquet (typed views), one as CSV
    // (every column a string).
    let (s1, s2) = (root.join("seed1"), root.join("seed2"));
    for (seed, out, format) in [("1", &s1, "parquet"), ("2", &s2, "csv")] {
        ok(&capscore(&[
            "generate",
            "--size",
            "S",
            "--seed",
            seed,
            "--months",
            "36",
            "--format",
            format,
            "--out",
            s(out),
        ]));
    }
    // Parity on both sides of the change (Parquet) and on a later month (CSV); the
    // CSV seed meets both rule versions again in the Security reform below.
    let jobs: [(&Path, &str); 3] = [(&s1, "2023-11"), (&s1, "2023-12"), (&s2, "2024-06")];
    let mut run = Command::new(&python);
    run.current_dir(repo().join("python"))
        .args(["-m", "capscore_spark", "--master", "local[2]"]);
    let mut expected = Vec::new();
    for (i, (data, month)) in jobs.iter().enumerate() {
        let q = sql(month, "security", None, &root.join(format!("job{i}.sql")));
        let native = root.join(format!("native{i}.parquet"));
        let spark = root.join(format!("spark{i}.parquet"));
        ok(&capscore(&[
            "score",
            "--data",
            s(data),
            "--month",
            month,
            "--area",
            "security",
            "--format",
            "parquet",
            "--out",
            s(&native),
        ]));
        run.arg("--job")
            .args([data.as_os_str(), q.as_os_str(), spark.as_os_str()]);
        expected.push((native, spark));
    }
    // Reforms: the Security step change brought forward to 2023-11 on the CSV seed
    // (its "before" side is the SQL of job 0), and the Azure net customer adds
    // threshold on Infrastructure in 2023-12 on the Parquet seed (where it moves a
    // total; in 2024-06 it moves none on this seed).
    let security = overlay("security-steps-from-2023-11.toml");
    let azure = overlay("azure-net-customer-adds-acr-1500.toml");
    let reforms = [
        (
            &s2,
            "2023-11",
            "security",
            &security,
            root.join("job0.sql"),
            sql(
                "2023-11",
                "security",
                Some(&security),
                &root.join("sec-after.sql"),
            ),
        ),
        (
            &s1,
            "2023-12",
            "infrastructure",
            &azure,
            sql(
                "2023-12",
                "infrastructure",
                None,
                &root.join("infra-before.sql"),
            ),
            sql(
                "2023-12",
                "infrastructure",
                Some(&azure),
                &root.join("infra-after.sql"),
            ),
        ),
    ];
    for (i, (data, _, _, with, before, after)) in reforms.iter().enumerate() {
        run.arg("--reform").args([
            data.as_os_str(),
            Path::new(with).as_os_str(),
            root.join(format!("reform{i}.json")).as_os_str(),
            before.as_os_str(),
            after.as_os_str(),
        ]);
    }
    let out = run.output().unwrap();
    assert!(
        out.status.success(),
        "the PySpark runner failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut cert_values = Vec::new();
    for ((native, spark), (data, month)) in expected.iter().zip(&jobs) {
        let want = sorted(read_parquet(native).unwrap());
        let got = sorted(read_parquet(spark).unwrap());
        let what = format!("security in {month} of {}", data.display());
        assert!(!want.is_empty(), "{what}: native scored no partner");
        assert!(want.iter().any(|r| r.qualified), "{what}: nobody qualifies");
        assert!(
            want.iter().any(|r| !r.qualified),
            "{what}: everybody qualifies"
        );
        // Both sources count: some partner has Azure and Microsoft 365 metrics above 0.
        for metric in ["net_customer_adds", "usage_growth", "deployments"] {
            assert!(
                want.iter()
                    .any(|r| r.metric == metric && *r.value.numer() != 0),
                "{what}: {metric} is 0 for every partner"
            );
        }
        assert_eq!(got.len(), want.len(), "{what}: row count");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{what}: Spark row differs from the native row");
        }
        if *data == s1.as_path() {
            cert_values.push(
                want.iter()
                    .filter(|r| r.metric == "intermediate_certifications")
                    .map(|r| r.value)
                    .collect::<Vec<_>>(),
            );
        }
    }
    // The catalog change is exercised: the steps in force move some partner's value.
    assert_ne!(
        cert_values[0], cert_values[1],
        "2023-11 and 2023-12 steps give the same values"
    );

    for (i, (data, month, area, with, _, _)) in reforms.iter().enumerate() {
        let want = native_reform(data, month, area, with);
        let got: Value = serde_json::from_str(
            &std::fs::read_to_string(root.join(format!("reform{i}.json"))).unwrap(),
        )
        .unwrap();
        // The comparison means something: the reform moves a partner's designation.
        let moved = ["gained", "lost"]
            .iter()
            .any(|k| !want["areas"][0][k].as_array().unwrap().is_empty());
        assert!(moved, "{area}: the reform moves nobody: {want}");
        assert_eq!(
            got, want,
            "{area}: the Spark reform differs from the native reform"
        );
    }
}
