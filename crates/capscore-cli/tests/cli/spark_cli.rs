//! Parity of the Spark path: `capscore sql` run by the `PySpark` runner (Spark local
//! mode) gives the rows of `capscore score --format parquet`, value for value.
//!
//! Needs the `PySpark` virtual environment that `.ci/run` creates
//! (`~/.cache/capscore-venv`, or `CAPSCORE_VENV`); without it the test fails.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use capscore_export::{ScoreRow, read_parquet};

use crate::util::{capscore, ok};

pub(crate) fn venv_python() -> PathBuf {
    let venv = std::env::var_os("CAPSCORE_VENV").map_or_else(
        || {
            let home = std::env::var_os("HOME").expect("HOME is set");
            Path::new(&home).join(".cache/capscore-venv")
        },
        PathBuf::from,
    );
    let python = venv.join("bin/python");
    assert!(
        python.exists(),
        "no PySpark environment at {}: run .ci/run (it creates it with pip install pyspark)",
        venv.display()
    );
    python
}

pub(crate) fn sorted(mut rows: Vec<ScoreRow>) -> Vec<ScoreRow> {
    rows.sort_by(|a, b| {
        (&a.partner_id, &a.area, &a.track, &a.metric).cmp(&(
            &b.partner_id,
            &b.area,
            &b.track,
            &b.metric,
        ))
    });
    rows
}

/// A job: dataset, area, month.
struct Job<'a> {
    data: &'a Path,
    area: &'a str,
    month: &'a str,
}

#[test]
fn spark_local_rows_equal_native_rows() {
    let python = venv_python();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Two seeds, one written as Parquet (typed views) and one as CSV (every column a
    // string).
    let (s1, s2) = (root.join("seed1"), root.join("seed2"));
    for (seed, out, format) in [("1", &s1, "parquet"), ("2", &s2, "csv")] {
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
    let jobs = [
        Job {
            data: &s1,
            area: "infrastructure",
            month: "2024-06",
        },
        Job {
            data: &s1,
            area: "data_ai",
            month: "2023-12",
        },
        Job {
            data: &s2,
            area: "infrastructure",
            month: "2023-12",
        },
        Job {
            data: &s2,
            area: "digital_app_innovation",
            month: "2024-06",
        },
    ];
    let mut run = Command::new(&python);
    run.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../python"))
        .args(["-m", "capscore_spark", "--master", "local[2]"]);
    let mut expected = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let sql = root.join(format!("job{i}.sql"));
        let native = root.join(format!("native{i}.parquet"));
        let spark = root.join(format!("spark{i}.parquet"));
        let common = ["--month", job.month, "--area", job.area];
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
                    job.data.to_str().unwrap(),
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
            .args([job.data.as_os_str(), sql.as_os_str(), spark.as_os_str()]);
        expected.push((native, spark));
    }
    let out = run.output().unwrap();
    assert!(
        out.status.success(),
        "the PySpark runner failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for ((native, spark), job) in expected.iter().zip(&jobs) {
        let want = sorted(read_parquet(native).unwrap());
        let got = sorted(read_parquet(spark).unwrap());
        let what = format!("{} in {} of {}", job.area, job.month, job.data.display());
        assert!(!want.is_empty(), "{what}: native scored no partner");
        // The comparison means something: some partners qualify, some do not.
        assert!(want.iter().any(|r| r.qualified), "{what}: nobody qualifies");
        assert!(
            want.iter().any(|r| !r.qualified),
            "{what}: everybody qualifies"
        );
        assert_eq!(got.len(), want.len(), "{what}: row count");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{what}: Spark row differs from the native row");
        }
    }
}

#[test]
fn sql_covers_every_area_and_refuses_an_unknown_one() {
    for area in [
        "modern_work",
        "security",
        "data_ai",
        "infrastructure",
        "digital_app_innovation",
        "business_applications",
    ] {
        let o = capscore(&["sql", "--month", "2024-06", "--area", area]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{area}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("SELECT"),
            "{area}: the query is written"
        );
    }
    let o = capscore(&["sql", "--month", "2024-06", "--area", "nowhere"]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown area \"nowhere\""), "{err}");
    assert!(o.stdout.is_empty(), "no SQL on a refusal");
}

#[test]
fn sql_of_several_areas_puts_each_area_query_together() {
    let one = |area: &str| {
        let o = capscore(&["sql", "--month", "2024-06", "--area", area]);
        assert_eq!(o.status.code(), Some(0), "{area}");
        String::from_utf8_lossy(&o.stdout).trim_end().to_string()
    };
    let o = capscore(&[
        "sql",
        "--month",
        "2024-06",
        "--area",
        "security",
        "--area",
        "infrastructure",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let two = String::from_utf8_lossy(&o.stdout).to_string();
    let expected = format!(
        "SELECT * FROM (\n{}\n)\nUNION ALL\nSELECT * FROM (\n{}\n)\n",
        one("security"),
        one("infrastructure")
    );
    assert!(two.ends_with(&expected), "{two}");
    // No --area: every area in force in the month, in the catalog's order.
    let o = capscore(&["sql", "--month", "2024-06"]);
    assert_eq!(o.status.code(), Some(0));
    let all = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(
        all.matches("\n)\nUNION ALL\nSELECT * FROM (\n").count(),
        5,
        "six areas"
    );
    for area in [
        "modern_work",
        "security",
        "data_ai",
        "infrastructure",
        "digital_app_innovation",
        "business_applications",
    ] {
        assert!(all.contains(&one(area)), "{area}");
    }
    // One unknown area among several refuses the whole query.
    let o = capscore(&[
        "sql", "--month", "2024-06", "--area", "security", "--area", "nowhere",
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(o.stdout.is_empty());
}

#[test]
fn sql_takes_its_thresholds_from_the_catalog_and_the_overlay() {
    let overlay = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/reforms/azure-net-customer-adds-acr-1500.toml"
    );
    let base = ok(&capscore(&[
        "sql",
        "--month",
        "2024-06",
        "--area",
        "infrastructure",
    ]));
    let changed = ok(&capscore(&[
        "sql",
        "--month",
        "2024-06",
        "--area",
        "infrastructure",
        "--overlay",
        overlay,
    ]));
    // ACR is compared in billionths of a dollar: $1,000 and $1,500.
    assert!(base.contains(">= 1000000000000BD"), "{base}");
    assert!(!base.contains("1500000000000BD"));
    assert!(changed.contains(">= 1500000000000BD"), "{changed}");
    // The usage growth baseline ($1,000) is untouched by the overlay.
    assert!(changed.contains("before * 1BD >= 1000000000000BD"));
}

/// Processes of a standalone cluster, stopped when dropped.
struct Cluster(Vec<Child>);

impl Drop for Cluster {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn spark_standalone_cluster_rows_equal_native_rows() {
    let python = venv_python();
    let spark_class = python
        .parent()
        .and_then(Path::parent)
        .map(|v| v.join("lib"))
        .and_then(|lib| {
            std::fs::read_dir(&lib).ok()?.flatten().find_map(|d| {
                let p = d.path().join("site-packages/pyspark/bin/spark-class");
                p.exists().then_some(p)
            })
        })
        .expect("the PySpark environment holds pyspark/bin/spark-class: run .ci/run");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let data = root.join("seed3");
    ok(&capscore(&[
        "generate",
        "--size",
        "S",
        "--seed",
        "3",
        "--out",
        data.to_str().unwrap(),
    ]));
    let common = ["--month", "2024-06", "--area", "infrastructure"];
    let (sql, native, spark) = (
        root.join("infra.sql"),
        root.join("native.parquet"),
        root.join("spark.parquet"),
    );
    ok(&capscore(
        &[&["sql", "--out", sql.to_str().unwrap()], &common[..]].concat(),
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
    // A master and two workers, each its own process, on 127.0.0.1.
    let port = free_port();
    let master_url = format!("spark://127.0.0.1:{port}");
    let daemon = |args: &[String], log: &str| {
        Command::new(&spark_class)
            .args(args)
            .env("SPARK_DAEMON_MEMORY", "256m")
            .env("SPARK_MASTER_OPTS", "-Dspark.master.rest.enabled=false")
            .env("SPARK_LOCAL_IP", "127.0.0.1")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(root.join(log)).unwrap())
            .spawn()
            .unwrap()
    };
    let mut cluster = Cluster(vec![daemon(
        &[
            "org.apache.spark.deploy.master.Master".into(),
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.to_string(),
            "--webui-port".into(),
            free_port().to_string(),
        ],
        "master.log",
    )]);
    // The master listens before the workers and the driver connect to it (each
    // attempt waits for the JVM to start; no time is asserted).
    let mut up = false;
    for _ in 0..120 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    assert!(
        up,
        "the master did not listen:\n{}",
        std::fs::read_to_string(root.join("master.log")).unwrap_or_default()
    );
    for w in 1..=2 {
        let work = root.join(format!("work{w}"));
        cluster.0.push(daemon(
            &[
                "org.apache.spark.deploy.worker.Worker".into(),
                master_url.clone(),
                "--host".into(),
                "127.0.0.1".into(),
                "--cores".into(),
                "1".into(),
                "--memory".into(),
                "768m".into(),
                "--webui-port".into(),
                free_port().to_string(),
                "--work-dir".into(),
                work.display().to_string(),
            ],
            &format!("worker{w}.log"),
        ));
    }
    // Both workers have joined before the driver starts.
    let registered = || {
        std::fs::read_to_string(root.join("master.log"))
            .unwrap_or_default()
            .matches("Registering worker")
            .count()
    };
    for _ in 0..240 {
        if registered() >= 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    assert_eq!(
        registered(),
        2,
        "both workers join the master:\n{}",
        std::fs::read_to_string(root.join("master.log")).unwrap_or_default()
    );
    let out = Command::new(&python)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../python"))
        .args(["-m", "capscore_spark", "--master", &master_url])
        .args(["--conf", "spark.executor.memory=512m"])
        .args(["--conf", "spark.driver.host=127.0.0.1"])
        .arg("--data")
        .arg(&data)
        .arg("--sql")
        .arg(&sql)
        .arg("--out")
        .arg(&spark)
        .output()
        .unwrap();
    drop(cluster);
    assert!(
        out.status.success(),
        "the PySpark runner failed on the cluster:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = sorted(read_parquet(&native).unwrap());
    let got = sorted(read_parquet(&spark).unwrap());
    assert!(!want.is_empty());
    assert_eq!(got, want, "the cluster's rows equal the native rows");
}
