//! `capscore import partner-center` end to end: Partner Center fixtures → dataset →
//! `capscore score`, and the documented exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn capscore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capscore"))
        .args(args)
        .output()
        .unwrap()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../capscore-import/tests/fixtures/contoso")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn import_then_score_gives_the_modern_work_total() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ds");
    let (from, to) = (fixtures(), out.to_string_lossy().into_owned());
    let o = capscore(&[
        "import",
        "partner-center",
        "--from",
        &from.to_string_lossy(),
        "--out",
        &to,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(stdout.contains("16 of 19 files imported"), "{stdout}");
    assert!(stdout.contains("capscore score --data"), "{stdout}");
    assert!(out.join("import-report.json").exists());

    let o = capscore(&[
        "score",
        "--data",
        &to,
        "--area",
        "modern_work",
        "--month",
        "2024-06",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let area = &v["partners"][0]["areas"][0];
    assert_eq!(v["partners"][0]["partner_id"], "1000001");
    assert_eq!(area["track"], "smb");
    assert_eq!(area["total"], 37.4);

    // The dataset is there now: a second import needs --force (exit 3).
    let o = capscore(&[
        "import",
        "partner-center",
        "--from",
        &from.to_string_lossy(),
        "--out",
        &to,
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o.stderr).contains("--force"), "{}", text(&o.stderr));
    let o = capscore(&[
        "import",
        "partner-center",
        "--from",
        &from.to_string_lossy(),
        "--out",
        &to,
        "--force",
        "--partner-global-id",
        "1000001",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn bad_input_exits_3_naming_file_line_and_column() {
    let input = tempfile::tempdir().unwrap();
    std::fs::write(
        input.path().join("usage.csv"),
        "CustomerTenantId,WorkloadName,Month,PaidAvailableUnits,MonthlyActiveUsers,MPNId\nt1,Exchange,2024-06,ten,5,P1\n",
    )
    .unwrap();
    let out = input.path().join("ds");
    let o = capscore(&[
        "import",
        "partner-center",
        "--from",
        &input.path().to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    let err = text(&o.stderr);
    assert!(
        err.contains(r#"usage.csv line 2, column "PaidAvailableUnits": not a number: "ten""#),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
    let o = capscore(&["import", "partner-center", "--from", "x"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "missing --out is a bad command line"
    );
}
