//! User management by admins in the API and the pages: the same rules as `capscore
//! user`, CSRF on every form, tokens shown once, 403 for everyone else.

use crate::harness::{PASSWORD, client, fixture};
use crate::sessions::{csrf_of, login};

on_both!(admins_manage_users_grants_and_tokens_through_the_api);
async fn admins_manage_users_grants_and_tokens_through_the_api(db: Option<String>) {
    let f = fixture(db).await;
    let base = &f.server.base;
    let users = f.json(&f.admin, "/api/users").await;
    let viewer = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "viewer1")
        .unwrap();
    assert_eq!(viewer["role"], "report_viewer");
    assert_eq!(viewer["grants"][0]["partner_id"], "P001");
    assert_eq!(viewer["grants"][0]["workspace"], "w1");
    assert_eq!(viewer["tokens"][0]["name"], "test");
    assert!(viewer["tokens"][0].get("token").is_none());
    let post = |path: &str, token: &str, body: serde_json::Value| {
        client()
            .post(format!("{base}{path}"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    // Not an admin: refused, nothing created.
    let r = post(
        "/api/users",
        &f.partner_admin,
        serde_json::json!({"username": "eve", "password": "long enough", "role": "admin"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 403);
    // The store's rules: a short password, an unknown role, a taken name.
    for (body, status) in [
        (
            serde_json::json!({"username": "dan", "password": "short", "role": "report_viewer"}),
            400,
        ),
        (
            serde_json::json!({"username": "dan", "password": "long enough", "role": "boss"}),
            400,
        ),
        (
            serde_json::json!({"username": "viewer1", "password": "long enough", "role": "report_viewer"}),
            409,
        ),
    ] {
        let r = post("/api/users", &f.admin, body.clone()).await.unwrap();
        assert_eq!(r.status(), status, "{body}");
    }
    let r = post(
        "/api/users",
        &f.admin,
        serde_json::json!({"username": "dan", "password": "long enough", "role": "report_viewer"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let dan: serde_json::Value = r.json().await.unwrap();
    let id = dan["id"].as_i64().unwrap();
    // A token for dan, shown once; with it dan sees what is granted, nothing else.
    let r = post(
        &format!("/api/users/{id}/tokens"),
        &f.admin,
        serde_json::json!({"name": "script"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let t: serde_json::Value = r.json().await.unwrap();
    let token = t["token"].as_str().unwrap().to_string();
    let p3 = format!("/api/workspaces/{}/partners/P003", f.w1);
    assert_eq!(f.get(&token, &p3).await.0, 404);
    let r = post(
        &format!("/api/users/{id}/grants"),
        &f.admin,
        serde_json::json!({"workspace_id": f.w1, "partner_id": "P003"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(f.get(&token, &p3).await.0, 200);
    assert_eq!(
        f.get(&token, &format!("/api/workspaces/{}/partners/P001", f.w1))
            .await
            .0,
        404
    );
    let delete = |path: String| {
        client()
            .delete(format!("{base}{path}"))
            .bearer_auth(&f.admin)
            .send()
    };
    let revoke = format!(
        "/api/users/{id}/grants?workspace_id={}&partner_id=P003",
        f.w1
    );
    assert_eq!(delete(revoke.clone()).await.unwrap().status(), 204);
    assert_eq!(f.get(&token, &p3).await.0, 404);
    assert_eq!(delete(revoke).await.unwrap().status(), 404);
    // The token revoked: refused from then on.
    let tid = t["id"].as_i64().unwrap();
    assert_eq!(
        delete(format!("/api/tokens/{tid}")).await.unwrap().status(),
        204
    );
    assert_eq!(f.get(&token, "/api/me").await.0, 401);
    assert_eq!(
        delete(format!("/api/tokens/{tid}")).await.unwrap().status(),
        404
    );
    let listed = f.json(&f.admin, "/api/users").await;
    let dan = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "dan")
        .unwrap();
    assert!(dan["tokens"][0]["revoked_at"].is_i64(), "{dan}");
    assert!(dan["grants"].as_array().unwrap().is_empty());
}

on_both!(the_users_page_manages_users_with_csrf_on_every_form);
async fn the_users_page_manages_users_with_csrf_on_every_form(db: Option<String>) {
    let f = fixture(db).await;
    let base = &f.server.base;
    let c = client();
    login(&c, base, "admin", PASSWORD).await;
    let html = c
        .get(format!("{base}/admin/users"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<h2>viewer1</h2>"), "{html}");
    assert!(html.contains("Partner P001 of workspace w1"), "{html}");
    assert!(
        html.contains("<label for=\"nu-role\">Role</label>"),
        "{html}"
    );
    let csrf = csrf_of(&html);
    // Without the form's token: refused.
    let r = c
        .post(format!("{base}/admin/users"))
        .form(&[
            ("csrf", "guess"),
            ("username", "erin"),
            ("password", "long enough"),
            ("role", "partner_admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A password too short: the page says why.
    let r = c
        .post(format!("{base}/admin/users"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "erin"),
            ("password", "short"),
            ("role", "partner_admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("at least 8 characters"));
    let r = c
        .post(format!("{base}/admin/users"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "erin"),
            ("password", "long enough"),
            ("role", "partner_admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let erin = f
        .server
        .state
        .store
        .user_by_name("erin")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(erin.role.as_str(), "partner_admin");
    // Grant a whole workspace, then revoke it.
    let w = f.w1.to_string();
    let r = c
        .post(format!("{base}/admin/users/{}/grant", erin.id))
        .form(&[
            ("csrf", csrf.as_str()),
            ("workspace_id", &w),
            ("partner_id", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let grants = f.server.state.store.grants(erin.id).await.unwrap();
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].partner_id, None);
    let r = c
        .post(format!("{base}/admin/users/{}/revoke", erin.id))
        .form(&[
            ("csrf", csrf.as_str()),
            ("workspace_id", &w),
            ("partner_id", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        f.server
            .state
            .store
            .grants(erin.id)
            .await
            .unwrap()
            .is_empty()
    );
    // A token: shown once on its page, never on the list.
    let r = c
        .post(format!("{base}/admin/users/{}/tokens", erin.id))
        .form(&[("csrf", csrf.as_str()), ("name", "nightly")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let shown = r.text().await.unwrap();
    let at = shown.find("cst_").expect("the token is shown");
    let token: String = shown[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    assert_eq!(f.get(&token, "/api/me").await.0, 200);
    let list = c
        .get(format!("{base}/admin/users"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("nightly"), "{list}");
    assert!(!list.contains(&token));
    let tid = f.server.state.store.tokens(erin.id).await.unwrap()[0].id;
    let r = c
        .post(format!("{base}/admin/tokens/{tid}/revoke"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(f.get(&token, "/api/me").await.0, 401);
    // Someone who is not an admin: refused on every form too.
    let v = client();
    login(&v, base, "viewer1", PASSWORD).await;
    let page = v
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let vcsrf = csrf_of(&page);
    let r = v
        .post(format!("{base}/admin/users"))
        .form(&[
            ("csrf", vcsrf.as_str()),
            ("username", "mallory"),
            ("password", "long enough"),
            ("role", "admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(
        f.server
            .state
            .store
            .user_by_name("mallory")
            .await
            .unwrap()
            .is_none()
    );
}
