//! `capscore generate`: writes a dataset that `validate` accepts and `score` scores,
//! quiet when piped; bad arguments are command-line errors.

use crate::util::capscore;

#[test]
fn generate_then_validate_and_score() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("gen");
    let dir = out.to_str().unwrap();
    let g = capscore(&[
        "generate",
        "--partners",
        "8",
        "--tenants",
        "150",
        "--months",
        "26",
        "--seed",
        "3",
        "--out",
        dir,
        "--format",
        "csv",
    ]);
    assert!(g.status.success(), "{}", String::from_utf8_lossy(&g.stderr));
    let text = String::from_utf8_lossy(&g.stdout);
    assert!(
        text.contains("m365_usage") && text.contains("2022-05 ..= 2024-06"),
        "{text}"
    );
    // No progress bar when stderr is not a terminal.
    assert!(
        g.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&g.stderr)
    );
    let v = capscore(&["validate", "--data", dir]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    let report = String::from_utf8_lossy(&v.stdout).into_owned();
    let line = report
        .lines()
        .find(|l| l.contains("default score month"))
        .unwrap_or_default();
    assert!(line.trim_end().ends_with("2024-06"), "{report}");
    let s = capscore(&["score", "--data", dir, "--format", "csv"]);
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    // A second run into the same folder is refused (exit 3) unless --force.
    let again = capscore(&[
        "generate",
        "--partners",
        "8",
        "--tenants",
        "150",
        "--out",
        dir,
    ]);
    assert_eq!(again.status.code(), Some(3));
    let forced = capscore(&[
        "generate",
        "--partners",
        "8",
        "--tenants",
        "150",
        "--out",
        dir,
        "--force",
    ]);
    assert!(forced.status.success());
}

#[test]
fn generate_needs_a_size_or_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("x");
    let dir = dir.to_str().unwrap();
    assert_eq!(capscore(&["generate", "--out", dir]).status.code(), Some(2));
    assert_eq!(
        capscore(&[
            "generate",
            "--partners",
            "0",
            "--tenants",
            "5",
            "--out",
            dir
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        capscore(&["generate", "--size", "XXL", "--out", dir])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        capscore(&["generate", "--size", "s", "--months", "1", "--out", dir])
            .status
            .code(),
        Some(2)
    );
}
