//! The repository stands alone: nothing the product prints or documents points to a
//! file outside it, and the references the documentation makes resolve.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// README.md, docs/, catalog/, and the Rust and TOML files of crates/.
fn product_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "target") {
                    walk(&p, keep, out);
                }
            } else if keep(&p) {
                out.push(p);
            }
        }
    }
    let root = root();
    let mut out = vec![root.join("README.md")];
    walk(&root.join("docs"), &|_| true, &mut out);
    walk(&root.join("catalog"), &|_| true, &mut out);
    walk(
        &root.join("crates"),
        &|p| p.extension().is_some_and(|x| x == "rs" || x == "toml"),
        &mut out,
    );
    out
}

#[test]
fn no_product_file_points_outside_the_repository() {
    // Spelt in pieces so that this file does not match itself.
    let outside = [
        concat!("..", "/shared"),
        concat!("shared", "/spec"),
        concat!("partner-center", "-facts"),
        concat!("data", "-model.md"),
        concat!("facts", " §"),
    ];
    let files = product_files();
    assert!(files.len() > 50, "found only {} files", files.len());
    let mut found = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            for o in outside {
                if line.contains(o) {
                    found.push(format!("{}:{}: {o}", f.display(), i + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "references outside the repository:\n{}",
        found.join("\n")
    );
}

#[test]
fn rules_sections_cited_exist_in_docs_rules_md() {
    let rules = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    let mut missing = Vec::new();
    for f in product_files() {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("rules.md §") {
                rest = &rest[at + "rules.md §".len()..];
                let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
                if !n.is_empty() && !rules.contains(&format!("\n## §{n} ")) {
                    missing.push(format!("{}:{}: §{n}", f.display(), i + 1));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "sections not in docs/rules.md:\n{}",
        missing.join("\n")
    );
}

#[test]
fn links_in_the_documentation_resolve() {
    let root = root();
    let mut docs = vec![root.join("README.md")];
    for e in std::fs::read_dir(root.join("docs")).unwrap().flatten() {
        // Markdown pages; docs/ also holds example files (docs/reforms/*.toml).
        if e.path().extension().is_some_and(|x| x == "md") {
            docs.push(e.path());
        }
    }
    let mut broken = Vec::new();
    for d in docs {
        let text = std::fs::read_to_string(&d).unwrap();
        let base = d.parent().unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = &rest[..end];
            let path = target.split('#').next().unwrap_or("");
            if !path.is_empty() && !path.contains("://") && !base.join(path).exists() {
                broken.push(format!("{}: {target}", d.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
