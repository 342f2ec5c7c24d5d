//! The pages in headless Chromium, driven through chromedriver (WebDriver): sign in,
//! portfolio, partner, area, a metric's explanation, a customer lookup, a simulation
//! and a CSV download. Each page's screenshot is saved under the target folder
//! (`CARGO_TARGET_TMPDIR/screenshots`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

use crate::harness::{PASSWORD, fixture};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    http: reqwest::Client,
    session: String,
    base: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // End the session first (it closes the browser, also when the test failed),
        // from a thread of its own: a blocking client cannot run on the test's runtime.
        let url = format!("{}/session/{}", self.base, self.session);
        let _ =
            std::thread::spawn(move || reqwest::blocking::Client::new().delete(url).send()).join();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start(downloads: &Path, profile: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is needed: apt-get install chromium chromium-driver");
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let mut ready = false;
        for _ in 0..300 {
            if let Ok(r) = http.get(format!("{base}/status")).send().await
                && r.json::<Value>()
                    .await
                    .is_ok_and(|v| v["value"]["ready"] == true)
            {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(ready, "chromedriver did not start");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=1366,768",
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                }
            }
        }}});
        let r: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {r}"))
            .to_string();
        Driver {
            child,
            http,
            session,
            base,
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut req = self.http.request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req.send().await.unwrap().json().await.unwrap();
        assert!(v["value"]["error"].is_null(), "{path}: {v}");
        v["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    async fn find(&self, css: &str) -> String {
        let v = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v[ELEMENT].as_str().unwrap().to_string()
    }

    async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{e}/click"),
            Some(json!({})),
        )
        .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{e}/clear"),
            Some(json!({})),
        )
        .await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{e}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The page source once it contains `text` (a click's navigation may still be
    /// under way when the click returns).
    async fn wait_for(&self, text: &str) -> String {
        for _ in 0..600 {
            let s = self.source().await;
            if s.contains(text) {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never showed {text:?}: {}", self.source().await);
    }

    async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn screenshot(&self, name: &str) -> PathBuf {
        let v = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    async fn quit(&self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .send()
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_signs_in_and_walks_through_the_pages() {
    let f = fixture(None).await;
    let base = f.server.base.clone();
    let w = f.w1;
    let tmp = tempfile::tempdir().unwrap();
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let d = Driver::start(&downloads, &tmp.path().join("profile")).await;

    d.goto(&format!("{base}/login")).await;
    d.type_into("#username", "admin").await;
    d.type_into("#password", PASSWORD).await;
    d.screenshot("01-login").await;
    d.click("button[type=submit]").await;
    d.wait_for("Signed in as admin").await;
    assert_eq!(d.url().await, format!("{base}/"));

    d.click(&format!("a[href=\"/w/{w}\"]")).await;
    let s = d.wait_for("Portfolio of w1").await;
    assert!(s.contains("Northwind Cloud Services Ltd"));
    d.screenshot("02-portfolio").await;

    d.click(&format!("a[href^=\"/w/{w}/p/P001\"]")).await;
    let s = d.wait_for("Customers: which count and why").await;
    assert!(s.contains("Northwind Cloud Services Ltd") && s.contains("<svg"));
    d.screenshot("03-partner").await;

    d.click(&format!("a[href^=\"/w/{w}/p/P001/a/modern_work\"]"))
        .await;
    d.wait_for("Modern Work — Northwind").await;
    d.screenshot("04-area").await;

    d.click("section.card h3 a").await;
    d.wait_for("why it is").await;
    d.screenshot("05-metric-explanation").await;

    d.goto(&format!("{base}/w/{w}/p/P001")).await;
    d.click("a[href*=\"/customers\"]").await;
    d.wait_for("Tenant id or name").await;
    d.type_into("#cq", "Beacon").await;
    d.click("form[role=search] button").await;
    let s = d.wait_for("<p>1 tenants</p>").await;
    assert!(s.contains("Beacon Properties"), "{s}");
    d.screenshot("06-customer-lookup").await;

    d.goto(&format!("{base}/w/{w}/p/P003")).await;
    d.click("a[href*=\"/simulate\"]").await;
    d.wait_for("Outlook: the next months").await;
    d.screenshot("07-simulator").await;
    d.type_into(
        "#scenario",
        "[[change_usage]]\ntenant = \"T0173\"\nworkload = \"Exchange\"\nfrom = \"2024-06\"\nadd_active_users = 10\n",
    )
    .await;
    d.click("form[action$=\"/simulate\"] button").await;
    let s = d.wait_for("Metrics that changed").await;
    assert!(s.contains("Modern Work"), "{s}");
    // Unmet rules name their metrics, not their ids.
    assert!(
        s.contains("Intermediate certifications has 0.00 points"),
        "{s}"
    );
    assert!(!s.contains("intermediate_certifications"), "{s}");
    d.screenshot("08-simulation").await;

    d.goto(&format!("{base}/w/{w}/p/P001")).await;
    d.click("a[href$=\"/trends\"]").await;
    let s = d.wait_for("Trends — Northwind").await;
    assert!(s.contains("Net customer adds") && s.contains("<svg"), "{s}");
    d.screenshot("09-trends").await;

    d.goto(&format!("{base}/")).await;
    d.click("a[href=\"/admin/users\"]").await;
    d.wait_for("New user").await;
    d.type_into("#nu-name", "frank").await;
    d.type_into("#nu-pass", "a long password").await;
    d.click("form[action=\"/admin/users\"] button").await;
    let s = d.wait_for("<h2>frank</h2>").await;
    assert!(s.contains("Report viewer"), "{s}");
    d.screenshot("10-users").await;

    d.goto(&format!("{base}/w/{w}")).await;
    d.wait_for("Download as CSV").await;
    d.click("a[href*=\"portfolio.csv\"]").await;
    let mut csv = None;
    for _ in 0..300 {
        if let Some(e) = std::fs::read_dir(&downloads)
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().ends_with(".csv"))
        {
            csv = Some(std::fs::read_to_string(e.path()).unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let csv = csv.expect("the CSV was not downloaded");
    assert!(csv.starts_with("month,partner_id,name,area,total,qualified,next_total,loses_points,anniversary_date,renewal_due\n"));
    assert!(csv.contains("P001,Northwind Cloud Services Ltd,modern_work,"));
    d.quit().await;
}
