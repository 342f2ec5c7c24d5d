//! Parity of the Spark path for the areas with tracks: Modern Work (both tracks, each
//! metric's best association option) and Business Applications (the track each partner
//! is classified into), value for value with `capscore score --format parquet`.
//!
//! Needs the `PySpark` virtual environment of `.ci/run` (see `spark_cli`).

use std::path::Path;
use std::process::Command;

use capscore_export::read_parquet;

use crate::spark_cli::{sorted, venv_python};
use crate::util::{capscore, ok};

#[test]
fn spark_rows_of_areas_with_tracks_equal_native_rows() {
    let python = venv_python();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Two seeds: one as Parquet (typed views), one as CSV (every column a string).
    let (s4, s5) = (root.join("seed4"), root.join("seed5"));
    for (seed, out, format) in [("4", &s4, "parquet"), ("5", &s5, "csv")] {
        ok(&capscore(&[
            "generate",
            "--size",
            "S",
            "--seed",
            seed,
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]));
    }
    // Business Applications' intermediate certifications list Power Platform App Maker
    // until 2023-11-30: one job on each side of the change.
    let jobs: [(&Path, &str, &str); 4] = [
        (&s4, "modern_work", "2024-06"),
        (&s4, "business_applications", "2023-11"),
        (&s5, "modern_work", "2023-12"),
        (&s5, "business_applications", "2023-12"),
    ];
    // All jobs in one Spark session.
    let mut run = Command::new(&python);
    run.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../python"))
        .args(["-m", "capscore_spark", "--master", "local[2]"]);
    let mut expected = Vec::new();
    for (i, (data, area, month)) in jobs.iter().enumerate() {
        let sql = root.join(format!("job{i}.sql"));
        let native = root.join(format!("native{i}.parquet"));
        let spark = root.join(format!("spark{i}.parquet"));
        let common = ["--month", month, "--area", area];
        ok(&capscore(
            &[
                &["sql", "--dialect", "spark", "--out", sql.to_str().unwrap()],
                &common[..],
            ]
            .concat(),
        ));
        ok(&capscore(
            &[
                &[
                    "score",
                    "--data",
                    data.to_str().unwrap(),
                    "--format",
                    "parquet",
                    "--out",
                    native.to_str().unwrap(),
                ],
                &common[..],
            ]
            .concat(),
        ));
        run.arg("--job")
            .args([data.as_os_str(), sql.as_os_str(), spark.as_os_str()]);
        expected.push((native, spark));
    }
    let out = run.output().unwrap();
    assert!(
        out.status.success(),
        "the PySpark runner failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for ((native, spark), (data, area, month)) in expected.iter().zip(&jobs) {
        let want = sorted(read_parquet(native).unwrap());
        let got = sorted(read_parquet(spark).unwrap());
        let what = format!("{area} in {month} of {}", data.display());
        assert!(!want.is_empty(), "{what}: native scored no partner");
        // The comparison means something: some tracks qualify, some do not ...
        assert!(want.iter().any(|r| r.qualified), "{what}: nobody qualifies");
        assert!(
            want.iter().any(|r| !r.qualified),
            "{what}: everybody qualifies"
        );
        // ... partners are scored in both tracks (Modern Work) or classified into
        // either (Business Applications) ...
        for track in ["enterprise", "smb"] {
            assert!(
                want.iter().any(|r| r.track.as_deref() == Some(track)),
                "{what}: no row in track {track}"
            );
        }
        // ... and, in Modern Work, some metrics take their second association option.
        if *area == "modern_work" {
            assert!(
                want.iter()
                    .any(|r| matches!(r.option.as_deref(), Some("DPOR" | "CSP"))),
                "{what}: no metric takes its second option"
            );
        }
        assert_eq!(got.len(), want.len(), "{what}: row count");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{what}: Spark row differs from the native row");
        }
    }
}

#[test]
fn sql_of_areas_with_tracks_takes_its_rules_from_the_catalog_and_the_overlay() {
    let overlay = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/reforms/mw-smb-net-customer-adds-12.toml"
    );
    let args = ["sql", "--month", "2024-06", "--area", "modern_work"];
    let base = ok(&capscore(&args));
    let changed = ok(&capscore(&[&args[..], &["--overlay", overlay]].concat()));
    // The SMB track's net customer adds (the first metric of the second track) is
    // scored against 10, then 12 under the overlay; the enterprise target (5) stays.
    assert!(base.contains("WHEN v0_0_n * 1BD < 10BD * v0_0_d"), "{base}");
    assert!(!base.contains("12BD * v0_0_d"));
    assert!(changed.contains("WHEN v0_0_n * 1BD < 12BD * v0_0_d"));
    assert!(!changed.contains("10BD * v0_0_d"));
    assert!(changed.contains("WHEN v0_0_n * 1BD < 5BD * v0_0_d"));
    // The bands are the catalog's: over 300 paid seats, over 10 and at most 300.
    assert!(base.contains("p0 > 300BD THEN"));
    assert!(base.contains("p0 > 10BD AND p0 <= 300BD THEN"));
    // Business Applications: the classification's revenue ($5,000, in billionths).
    let biz = ok(&capscore(&[
        "sql",
        "--month",
        "2024-06",
        "--area",
        "business_applications",
    ]));
    assert!(biz.contains("u.r0 * 1BD > 5000000000000BD"), "{biz}");
}
