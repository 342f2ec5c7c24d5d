//! `capscore serve` as a process: users and tokens from `capscore user`, and crash
//! safety — the server killed (SIGKILL) during an import restarts with the previous
//! version serving and a consistent database.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use reqwest::blocking::{Client, multipart};

use crate::util::{capscore, ok};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sample")
}

/// Starts `capscore serve` on a free port; returns the child and its base URL.
fn serve(db: &str, data: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_capscore"))
        .args(["serve", "--db", db, "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .env("CAPSCORE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    (child, url)
}

fn files_of(dir: &Path) -> multipart::Form {
    let mut form = multipart::Form::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".csv") || name.ends_with(".parquet") {
            form = form.part(
                "files",
                multipart::Part::bytes(std::fs::read(&p).unwrap()).file_name(name),
            );
        }
    }
    form
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn killed_during_an_import_the_previous_version_still_serves() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("capscore.db").display());
    let data = tmp.path().join("data");
    let add = Command::new(env!("CARGO_BIN_EXE_capscore"))
        .args(["user", "add", "ops", "--role", "admin", "--db", &db])
        .env("CAPSCORE_PASSWORD", "a long password")
        .output()
        .unwrap();
    ok(&add);
    let out = ok(&capscore(&["user", "token", "ops", "--db", &db]));
    let token = out
        .split_whitespace()
        .find(|w| w.starts_with("cst_"))
        .unwrap()
        .to_string();
    let big = tmp.path().join("big");
    ok(&capscore(&[
        "generate",
        "--partners",
        "40",
        "--tenants",
        "800",
        "--format",
        "csv",
        "--out",
        big.to_str().unwrap(),
    ]));

    let (mut server, url) = serve(&db, &data);
    let http = Client::builder().timeout(None).build().unwrap();
    let r = http
        .post(format!("{url}/api/workspaces"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "crash"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let ws = r.json::<serde_json::Value>().unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = http
        .post(format!("{url}/api/workspaces/{ws}/imports"))
        .bearer_auth(&token)
        .multipart(files_of(&sample()))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let first = r.json::<serde_json::Value>().unwrap();
    let before = http
        .get(format!("{url}/api/workspaces/{ws}/portfolio"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let ws_dir = data.join(format!("ws-{ws}"));
    let serving = entries(&ws_dir);
    assert_eq!(serving.len(), 1);

    // A second, larger import; killed once its files are being checked and scored.
    let upload = {
        let (url, token, form) = (url.clone(), token.clone(), files_of(&big));
        std::thread::spawn(move || {
            Client::builder()
                .timeout(None)
                .build()
                .unwrap()
                .post(format!("{url}/api/workspaces/{ws}/imports"))
                .bearer_auth(token)
                .multipart(form)
                .send()
                .map(|r| r.status().as_u16())
        })
    };
    let mut under_way = false;
    while !upload.is_finished() {
        if entries(&ws_dir).iter().any(|e| e.starts_with(".tmp-")) {
            server.kill().unwrap();
            under_way = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    server.wait().unwrap();
    let _ = server.kill();
    assert!(
        under_way,
        "the import finished before the server could be killed: {:?}",
        upload.join()
    );
    assert!(
        upload.join().unwrap().is_err(),
        "the killed server answered"
    );
    assert!(entries(&ws_dir).iter().any(|e| e.starts_with(".tmp-")));

    // Restarted: the folder of the interrupted import is gone, the first version
    // serves, the database holds one import and the same scores.
    let (mut server, url) = serve(&db, &data);
    assert_eq!(entries(&ws_dir), serving);
    let imports = http
        .get(format!("{url}/api/workspaces/{ws}/imports"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json::<serde_json::Value>()
        .unwrap();
    assert_eq!(imports.as_array().unwrap().len(), 1);
    assert_eq!(imports[0]["id"], first["id"]);
    let after = http
        .get(format!("{url}/api/workspaces/{ws}/portfolio"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(after, before);
    // And it takes the next import.
    let r = http
        .post(format!("{url}/api/workspaces/{ws}/imports"))
        .bearer_auth(&token)
        .multipart(files_of(&sample()))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    server.kill().unwrap();
    server.wait().unwrap();
}
