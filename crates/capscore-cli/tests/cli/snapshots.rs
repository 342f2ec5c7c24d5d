//! Snapshots of what people read: every help text, the sample's tables and the error
//! messages of bad input (insta; `cargo insta review` after a deliberate change). Paths
//! of temporary folders are replaced by `[DIR]`, the repository by `[REPO]`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// stdout, then stderr, of `capscore args`, with the exit code; paths filtered.
fn run(args: &[&str], tmp: Option<&Path>) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_capscore"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let mut text = format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    if let Some(t) = tmp {
        text = text.replace(&t.display().to_string(), "[DIR]");
    }
    let root = repo().canonicalize().unwrap();
    text.replace(&repo().display().to_string(), "[REPO]")
        .replace(&root.display().to_string(), "[REPO]")
}

#[test]
fn help_texts() {
    for cmd in [
        &[][..],
        &["score"],
        &["validate"],
        &["demo"],
        &["catalog"],
        &["status"],
        &["explain"],
        &["eligibility", "customers"],
        &["eligibility", "skilling"],
        &["diff"],
        &["forecast"],
        &["simulate"],
        &["outlook"],
        &["reform"],
        &["recommend"],
        &["plan"],
        &["sql"],
        &["import", "partner-center"],
        &["generate"],
        &["serve"],
        &["user"],
        &["user", "add"],
        &["user", "grant"],
        &["user", "revoke"],
        &["user", "token"],
    ] {
        let mut args: Vec<&str> = cmd.to_vec();
        args.push("--help");
        let name = if cmd.is_empty() {
            "help".to_string()
        } else {
            format!("help_{}", cmd.join("_").replace('-', "_"))
        };
        insta::assert_snapshot!(name, run(&args, None));
    }
}

#[test]
fn sample_tables() {
    let sample = repo().join("data/sample");
    let s = sample.display().to_string();
    insta::assert_snapshot!("demo", run(&["demo"], None));
    insta::assert_snapshot!(
        "score_detail_p003",
        run(
            &["score", "--data", &s, "--partner", "P003", "--detail"],
            None
        )
    );
    insta::assert_snapshot!(
        "status_summary",
        run(
            &["status", "--data", &s, "--date", "2024-07-25", "--summary"],
            None
        )
    );
}

#[test]
fn error_messages() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("partners.csv"),
        "partner_id,name\nP1,Alpha\nP1,Beta\n\"P3,Gamma\n",
    )
    .unwrap();
    std::fs::write(
        d.join("m365_usage.csv"),
        "tenant_id,workload,month,paid_units,active_users\nT1,Teams,2024-13,5,x\n",
    )
    .unwrap();
    let s = d.display().to_string();
    insta::assert_snapshot!(
        "validate_bad_tables",
        run(&["validate", "--data", &s], Some(d))
    );
    let sample = repo().join("data/sample");
    let s = sample.display().to_string();
    insta::assert_snapshot!(
        "score_month_not_covered",
        run(&["score", "--data", &s, "--month", "2022-03"], None)
    );
    insta::assert_snapshot!(
        "score_month_malformed",
        run(&["score", "--data", &s, "--month", "June"], None)
    );
}
