//! `capscore import partner-center` end to end: Partner Center fixtures → dataset →
//! `capscore score`, and the documented exit codes.

use crate::util::capscore;
use std::path::{Path, PathBuf};
use std::process::Output;

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
        "--date-order",
        "mdy",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("dates: M/D/YYYY (as --date-order says)"),
        "{stdout}"
    );
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
        "--date-order",
        "mdy",
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
    let target = tempfile::tempdir().unwrap();
    let out = target.path().join("ds");
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

fn import(from: &Path, out: &Path, more: &[&str]) -> Output {
    let mut args = vec![
        "import".to_string(),
        "partner-center".to_string(),
        "--from".to_string(),
        from.to_string_lossy().into_owned(),
        "--out".to_string(),
        out.to_string_lossy().into_owned(),
    ];
    args.extend(more.iter().map(|s| (*s).to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    capscore(&refs)
}

#[test]
fn ambiguous_slashed_dates_need_a_date_order() {
    let dir = tempfile::tempdir().unwrap();
    let o = import(&fixtures(), &dir.path().join("ds"), &[]);
    assert_eq!(o.status.code(), Some(3));
    let err = text(&o.stderr);
    assert!(err.contains("OfficeUsage_download.csv line 2"), "{err}");
    assert!(
        err.contains("give --date-order dmy or --date-order mdy"),
        "{err}"
    );
    assert!(!dir.path().join("ds").exists());
}

#[test]
fn an_unknown_global_account_exits_3_listing_those_found() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ds");
    let o = import(
        &fixtures(),
        &out,
        &["--date-order", "mdy", "--partner-global-id", "999"],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(
        err.contains("global account \"999\" (--partner-global-id) is in no file"),
        "{err}"
    );
    assert!(err.contains("1000001 (Contoso"), "{err}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn from_a_file_is_a_usage_error_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixtures().join("Profile_download.csv");
    let o = import(&file, &dir.path().join("ds"), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert_eq!(err.matches("is a file").count(), 1, "{err}");
}

#[test]
fn an_output_inside_or_around_the_input_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let from = root.path().join("pc");
    std::fs::create_dir(&from).unwrap();
    for f in ["OfficeUsage_download.csv", "Profile_download.csv"] {
        std::fs::copy(fixtures().join(f), from.join(f)).unwrap();
    }
    for out in [root.path().to_path_buf(), from.join("ds"), from.clone()] {
        let o = import(&from, &out, &["--force", "--date-order", "mdy"]);
        assert_eq!(o.status.code(), Some(3), "{}", out.display());
        assert!(
            text(&o.stderr).contains("choose a folder apart from it"),
            "{}",
            text(&o.stderr)
        );
        assert!(
            from.join("OfficeUsage_download.csv").exists(),
            "the input is kept"
        );
        assert!(!from.join("ds").exists());
    }
}

#[test]
fn an_interrupted_force_is_restored_by_the_next_run() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("ds");
    // Killed between the two moves: the old dataset sits under the backup name, OUT
    // is gone; a killed write left its unfinished folder.
    let backup = root.path().join(".capscore-import-backup-ds");
    std::fs::create_dir(&backup).unwrap();
    std::fs::write(backup.join("partners.csv"), "partner_id\nOLD\n").unwrap();
    let stale = root.path().join(".capscore-import-new-ds-x1y2z3");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("partners.csv"), "partner_id\n").unwrap();
    // Without --force: the old dataset is put back and kept.
    let o = import(&fixtures(), &out, &["--date-order", "mdy"]);
    assert_eq!(o.status.code(), Some(3));
    let err = text(&o.stderr);
    assert!(err.contains("restored"), "{err}");
    assert!(err.contains("removed"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("partners.csv")).unwrap(),
        "partner_id\nOLD\n"
    );
    assert!(!backup.exists() && !stale.exists());
    // With --force the new one replaces it, and no temporary folder is left.
    let o = import(&fixtures(), &out, &["--date-order", "mdy", "--force"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let names: Vec<String> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["ds"]);
    assert!(
        std::fs::read_to_string(out.join("partners.csv"))
            .unwrap()
            .contains("1000001")
    );
}

#[test]
fn a_new_dataset_that_landed_drops_the_leftover_backup() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("ds");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("partners.csv"), "partner_id\nNEW\n").unwrap();
    let backup = root.path().join(".capscore-import-backup-ds");
    std::fs::create_dir(&backup).unwrap();
    std::fs::write(backup.join("partners.csv"), "partner_id\nOLD\n").unwrap();
    let o = import(&fixtures(), &out, &["--date-order", "mdy"]);
    assert_eq!(o.status.code(), Some(3), "needs --force");
    assert!(text(&o.stderr).contains("removed"), "{}", text(&o.stderr));
    assert!(!backup.exists());
    assert_eq!(
        std::fs::read_to_string(out.join("partners.csv")).unwrap(),
        "partner_id\nNEW\n"
    );
}
