//! Every route × every role × another partner's user: the right status, and nothing
//! of a partner reaches a user who may not see it.

use crate::harness::{Fixture, client, fixture, multipart};

/// What a caller gets from a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Ok,
    /// 403 (role) — the body names nothing of the partners.
    Forbidden,
    /// 404 (not visible) — the body names nothing of the partners.
    Hidden,
}

/// Text of partner P001 that must never reach a user without access to it.
const P001_MARKS: [&str; 2] = ["P001", "Northwind"];
/// Text of the other partners (P002 is granted to pa2 only).
const OTHER_MARKS: [&str; 4] = ["P003", "Adatum", "P007", "Contoso"];

fn check(route: &str, who: &str, want: Want, status: u16, body: &str) {
    let expected = match want {
        Want::Ok => 200,
        Want::Forbidden => 403,
        Want::Hidden => 404,
    };
    assert_eq!(status, expected, "{who} on {route}: {body}");
    if want != Want::Ok {
        for mark in P001_MARKS.iter().chain(&OTHER_MARKS) {
            assert!(
                !body.contains(mark),
                "{who} on {route} leaks {mark}: {body}"
            );
        }
    }
}

/// Read routes about partner P001 of w1 (pages, API, CSV).
fn p001_routes(f: &Fixture) -> Vec<String> {
    let w = f.w1;
    vec![
        format!("/api/workspaces/{w}/partners/P001"),
        format!("/api/workspaces/{w}/partners/P001?format=csv"),
        format!("/api/workspaces/{w}/partners/P001/areas/modern_work"),
        format!("/api/workspaces/{w}/partners/P001/areas/security?format=csv"),
        format!("/w/{w}/p/P001"),
        format!("/w/{w}/p/P001/a/modern_work"),
        format!("/api/workspaces/{w}/partners/P001/areas/modern_work/metrics/usage_growth"),
        format!("/api/workspaces/{w}/partners/P001/customers?q=T00"),
        format!("/w/{w}/p/P001/a/modern_work/m/usage_growth?page=1"),
        format!("/w/{w}/p/P001/customers?q=beacon"),
        format!("/api/workspaces/{w}/partners/P001/outlook?months=1"),
        format!("/w/{w}/p/P001/simulate?months=1"),
        format!("/api/workspaces/{w}/partners/P001/skilling"),
        format!("/w/{w}/p/P001/skilling"),
        format!("/api/workspaces/{w}/partners/P001/trends"),
        format!("/api/workspaces/{w}/partners/P001/trends?format=csv"),
        format!("/w/{w}/p/P001/trends"),
        format!("/api/workspaces/{w}/partners/P001/recommendations?risk_months=0"),
        format!("/w/{w}/p/P001/recommendations?risk_months=0"),
        format!("/api/workspaces/{w}/partners/P001/areas/modern_work/plan"),
        format!("/w/{w}/p/P001/a/modern_work/plan"),
        format!("/api/workspaces/{w}/partners/P001/customers?format=csv"),
        format!("/api/workspaces/{w}/partners/P001/skilling?format=csv"),
        format!(
            "/api/workspaces/{w}/partners/P001/areas/modern_work/metrics/usage_growth?format=csv"
        ),
    ]
}

/// Routes about the workspace as a whole.
fn workspace_routes(f: &Fixture) -> Vec<String> {
    let w = f.w1;
    vec![
        format!("/api/workspaces/{w}/portfolio"),
        format!("/api/workspaces/{w}/portfolio?format=csv"),
        format!("/w/{w}"),
        format!("/w/{w}/portfolio.csv"),
    ]
}

/// Routes for users who see the whole workspace (import history), and importers.
fn import_routes(f: &Fixture) -> Vec<String> {
    let w = f.w1;
    vec![
        format!("/api/workspaces/{w}/imports"),
        format!("/w/{w}/imports"),
        format!("/w/{w}/import"),
    ]
}

on_both!(every_route_every_role_and_another_partners_user);
async fn every_route_every_role_and_another_partners_user(db: Option<String>) {
    let f = fixture(db).await;
    let callers = [
        ("admin", f.admin.clone()),
        ("partner admin of all", f.partner_admin.clone()),
        ("viewer of P001", f.viewer_p1.clone()),
        ("partner admin of P002", f.pa_p2.clone()),
        ("user of another workspace", f.outsider.clone()),
    ];
    for (who, token) in &callers {
        let sees_p001 = matches!(*who, "admin" | "partner admin of all" | "viewer of P001");
        let in_w1 = *who != "user of another workspace";
        let whole = matches!(*who, "admin" | "partner admin of all");
        for route in p001_routes(&f) {
            let (status, body) = f.get(token, &route).await;
            check(
                &route,
                who,
                if sees_p001 { Want::Ok } else { Want::Hidden },
                status,
                &body,
            );
        }
        for route in workspace_routes(&f) {
            let (status, body) = f.get(token, &route).await;
            if !in_w1 {
                check(&route, who, Want::Hidden, status, &body);
                continue;
            }
            check(&route, who, Want::Ok, status, &body);
            // The portfolio lists only the partners granted.
            for mark in OTHER_MARKS {
                assert_eq!(body.contains(mark), whole, "{who} on {route}: {mark}");
            }
            for mark in P001_MARKS {
                assert_eq!(body.contains(mark), sees_p001, "{who} on {route}: {mark}");
            }
        }
        for route in import_routes(&f) {
            let (status, body) = f.get(token, &route).await;
            let want = if !in_w1 {
                Want::Hidden
            } else if whole {
                Want::Ok
            } else {
                Want::Forbidden
            };
            check(&route, who, want, status, &body);
        }
        // User management: admins only.
        for route in ["/api/users", "/admin/users"] {
            let (status, body) = f.get(token, route).await;
            let want = if *who == "admin" {
                Want::Ok
            } else {
                Want::Forbidden
            };
            check(route, who, want, status, &body);
        }
        // Another workspace, and ids that do not exist, are hidden alike.
        for route in [
            format!("/api/workspaces/{}/portfolio", f.w2),
            format!("/api/workspaces/{}/partners/P001", f.w2),
            "/api/workspaces/9999/portfolio".to_string(),
            format!("/api/workspaces/{}/partners/NOPE", f.w1),
            format!("/w/{}/p/P001/a/no_such_area", f.w1),
        ] {
            let (status, body) = f.get(token, &route).await;
            // w2 has no data yet: those who see it are told so.
            let w2_visible = matches!(*who, "admin" | "user of another workspace");
            let expected = if route.contains(&format!("/{}/", f.w2)) && w2_visible {
                422
            } else {
                404
            };
            assert_eq!(status, expected, "{who} on {route}: {body}");
            for mark in P001_MARKS.iter().chain(&OTHER_MARKS) {
                assert!(
                    !body.contains(mark),
                    "{who} on {route} leaks {mark}: {body}"
                );
            }
        }
        // A simulation of a partner not visible is refused the same way.
        let r = client()
            .post(format!(
                "{}/api/workspaces/{}/partners/P001/simulate",
                f.server.base, f.w1
            ))
            .bearer_auth(token)
            .json(&serde_json::json!({"scenario": ""}))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        check(
            "POST simulate",
            who,
            if sees_p001 { Want::Ok } else { Want::Hidden },
            status,
            &body,
        );
        // Writes: only an admin creates workspaces; importers import.
        let r = client()
            .post(format!("{}/api/workspaces", f.server.base))
            .bearer_auth(token)
            .json(&serde_json::json!({"name": format!("by {who}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status().as_u16(),
            if *who == "admin" { 201 } else { 403 },
            "{who}"
        );
        if !whole {
            let r = client()
                .post(format!("{}/api/workspaces/{}/imports", f.server.base, f.w1))
                .bearer_auth(token)
                // A small body: refused before it is read.
                .multipart(multipart(&[(
                    "partners.csv".to_string(),
                    b"partner_id\nP9\n".to_vec(),
                )]))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            check(
                "POST imports",
                who,
                if in_w1 { Want::Forbidden } else { Want::Hidden },
                status,
                &body,
            );
        }
    }
    // Nobody signed in: 401 from the API, the login page for pages.
    for route in p001_routes(&f)
        .into_iter()
        .chain(workspace_routes(&f))
        .chain(import_routes(&f))
    {
        let r = client()
            .get(format!("{}{route}", f.server.base))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        if route.starts_with("/api/") {
            assert_eq!(status, 401, "{route}");
        } else {
            assert_eq!(status, 303, "{route}");
            assert_eq!(r.headers()["location"], "/login");
        }
        let body = r.text().await.unwrap();
        for mark in P001_MARKS.iter().chain(&OTHER_MARKS) {
            assert!(!body.contains(mark), "anonymous on {route} leaks {mark}");
        }
    }
}
