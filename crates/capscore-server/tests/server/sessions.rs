//! Sign-in with a session cookie: CSRF on every form, rate limiting, logout.

use reqwest::Client;

use crate::harness::{PASSWORD, client, fixture};

/// The value of the hidden `csrf` field of a page.
pub(crate) fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..].split('"').next().unwrap().to_string()
}

pub(crate) async fn login(c: &Client, base: &str, user: &str, password: &str) -> reqwest::Response {
    let page = c
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    c.post(format!("{base}/login"))
        .form(&[
            ("username", user),
            ("password", password),
            ("csrf", &csrf_of(&page)),
        ])
        .send()
        .await
        .unwrap()
}

on_both!(sign_in_forms_carry_csrf_and_sign_out_ends_the_session);
async fn sign_in_forms_carry_csrf_and_sign_out_ends_the_session(db: Option<String>) {
    let f = fixture(db).await;
    let base = &f.server.base;
    // Not signed in: pages send to the login page, the API answers 401.
    let c = client();
    let r = c.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login");
    assert_eq!(
        c.get(format!("{base}/api/workspaces"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // A login form without its cookie's token is refused.
    let r = client()
        .post(format!("{base}/login"))
        .form(&[
            ("username", "admin"),
            ("password", PASSWORD),
            ("csrf", "guess"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    let r = login(&c, base, "admin", PASSWORD).await;
    assert_eq!(r.status(), 303);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("cs_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let home = c
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("href=\"/w/"), "{home}");
    let token = csrf_of(&home);

    // Forms without the session's CSRF token are refused; with it they work.
    let r = c
        .post(format!("{base}/workspaces"))
        .form(&[("name", "w3"), ("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(format!("{base}/workspaces"))
        .form(&[("name", "w3"), ("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // The API with the session cookie needs the token in a header for changes.
    let r = c
        .post(format!("{base}/api/workspaces"))
        .json(&serde_json::json!({"name": "w4"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(format!("{base}/api/workspaces"))
        .header("x-csrf-token", &token)
        .json(&serde_json::json!({"name": "w4"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    let r = c
        .post(format!("{base}/logout"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        c.get(format!("{base}/api/workspaces"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

on_both!(repeated_failed_sign_ins_are_refused_even_with_the_right_password);
async fn repeated_failed_sign_ins_are_refused_even_with_the_right_password(db: Option<String>) {
    let f = fixture(db).await;
    let base = &f.server.base;
    let c = client();
    for _ in 0..5 {
        assert_eq!(
            login(&c, base, "viewer1", "wrong password").await.status(),
            401
        );
    }
    let r = login(&c, base, "viewer1", PASSWORD).await;
    assert_eq!(r.status(), 429);
    assert_eq!(
        c.get(format!("{base}/api/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // Another user is not locked out by them.
    assert_eq!(
        login(&client(), base, "admin", PASSWORD).await.status(),
        303
    );
}
