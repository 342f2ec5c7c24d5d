//! The store on SQLite: migrations applied once, users and secrets, imports keeping
//! the months they do not cover.

use capscore_store::{NewImport, Role, ScoreRow, Store, StoreError};

async fn store(dir: &tempfile::TempDir) -> Store {
    Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap()
}

#[tokio::test]
async fn migrations_apply_once_and_reopening_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    s.add_user("ann", "long enough", Role::Admin).await.unwrap();
    s.close().await;
    let s = store(&dir).await;
    assert_eq!(s.schema_versions().await.unwrap(), vec![1, 2, 3]);
    assert!(s.user_by_name("ann").await.unwrap().is_some());
    // A database in a folder that does not exist yet: both are created.
    let nested = dir.path().join("a/b/c.db");
    let s = Store::connect(&format!("sqlite://{}", nested.display()))
        .await
        .unwrap();
    assert_eq!(s.schema_versions().await.unwrap(), vec![1, 2, 3]);
    assert!(nested.exists());
    assert!(matches!(
        Store::connect("mysql://x").await,
        Err(StoreError::BadUrl(_))
    ));
}

#[tokio::test]
async fn passwords_sessions_and_tokens_are_checked_and_stored_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    let u = s
        .add_user("bob", "correct horse", Role::ReportViewer)
        .await
        .unwrap();
    assert!(matches!(
        s.add_user("bob", "another password", Role::Admin).await,
        Err(StoreError::Exists(_))
    ));
    assert!(matches!(
        s.add_user("short", "1234567", Role::Admin).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        s.check_login("bob", "correct horse").await.unwrap(),
        Some(u.clone())
    );
    assert_eq!(s.check_login("bob", "wrong horse").await.unwrap(), None);
    assert_eq!(
        s.check_login("nobody", "correct horse").await.unwrap(),
        None
    );

    let (sid, csrf) = s.create_session(u.id, 3600).await.unwrap();
    let session = s.session(&sid).await.unwrap().unwrap();
    assert_eq!((session.user, session.csrf), (u.clone(), csrf));
    // An expired session is no session.
    let (old, _) = s.create_session(u.id, -1).await.unwrap();
    assert!(s.session(&old).await.unwrap().is_none());
    s.delete_session(&sid).await.unwrap();
    assert!(s.session(&sid).await.unwrap().is_none());

    let (id, token) = s.create_token(u.id, "script").await.unwrap();
    assert_eq!(s.token_user(&token).await.unwrap(), Some(u.clone()));
    // Nothing secret is stored in clear.
    let mut raw = Vec::new();
    for f in std::fs::read_dir(dir.path()).unwrap() {
        raw.extend(std::fs::read(f.unwrap().path()).unwrap());
    }
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("bob"), "the database files hold the users");
    assert!(!text.contains(&token) && !text.contains(&sid) && !text.contains("correct horse"));
    assert!(s.revoke_token(id).await.unwrap());
    assert!(!s.revoke_token(id).await.unwrap());
    assert_eq!(s.token_user(&token).await.unwrap(), None);
}

fn row(month: &str, total: f64) -> ScoreRow {
    ScoreRow {
        month: month.into(),
        partner_id: "P1".into(),
        area: "security".into(),
        total,
        qualified: total >= 70.0,
    }
}

#[tokio::test]
async fn an_import_replaces_the_months_it_covers_and_keeps_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    let u = s.add_user("ops", "long enough", Role::Admin).await.unwrap();
    let ws = s.create_workspace("w").await.unwrap();
    let import = |scores: Vec<ScoreRow>| NewImport {
        workspace_id: ws.id,
        kind: "tables".into(),
        dir: "ws-1/v-x".into(),
        user_id: u.id,
        report: "{}".into(),
        areas: r#"{"2024-01":["modern_work"]}"#.into(),
        metrics: scores
            .iter()
            .map(|r| capscore_store::MetricRow {
                month: r.month.clone(),
                partner_id: r.partner_id.clone(),
                area: r.area.clone(),
                metric: "net_customer_adds".into(),
                value: r.total / 2.0,
                target: 10.0,
                points: r.total,
            })
            .collect(),
        scores,
    };
    let first = s
        .commit_import(import(vec![row("2024-01", 10.0), row("2024-02", 20.0)]))
        .await
        .unwrap();
    assert_eq!(first.months, "2024-01,2024-02");
    assert_eq!(first.areas, r#"{"2024-01":["modern_work"]}"#);
    let second = s
        .commit_import(import(vec![row("2024-02", 75.0), row("2024-03", 80.0)]))
        .await
        .unwrap();
    assert_eq!(
        s.workspace(ws.id).await.unwrap().unwrap().current_import,
        Some(second.id)
    );
    let history = s.score_history(ws.id, "P1").await.unwrap();
    let totals: Vec<(&str, f64, bool)> = history
        .iter()
        .map(|r| (r.month.as_str(), r.total, r.qualified))
        .collect();
    assert_eq!(
        totals,
        vec![
            ("2024-01", 10.0, false),
            ("2024-02", 75.0, true),
            ("2024-03", 80.0, true)
        ]
    );
    assert_eq!(s.imports(ws.id).await.unwrap().len(), 2);
    assert_eq!(s.score_months(ws.id).await.unwrap().len(), 3);
    // Metric values too: the later import's for the months it covers, the others kept.
    let metrics: Vec<(String, f64)> = s
        .metric_history(ws.id, "P1")
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.month, r.value))
        .collect();
    assert_eq!(
        metrics,
        vec![
            ("2024-01".to_string(), 5.0),
            ("2024-02".to_string(), 37.5),
            ("2024-03".to_string(), 40.0)
        ]
    );
}

#[tokio::test]
async fn metric_values_are_written_in_batches_beyond_one_statement() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    let u = s.add_user("ops", "long enough", Role::Admin).await.unwrap();
    let ws = s.create_workspace("w").await.unwrap();
    let metrics: Vec<capscore_store::MetricRow> = (0..450)
        .map(|i| capscore_store::MetricRow {
            month: format!("20{:02}-{:02}", 10 + i / 12, 1 + i % 12),
            partner_id: "P1".into(),
            area: "modern_work".into(),
            metric: "usage_growth".into(),
            value: f64::from(i),
            target: 1.0,
            points: 0.5,
        })
        .collect();
    s.commit_import(NewImport {
        workspace_id: ws.id,
        kind: "tables".into(),
        dir: "ws-1/v-y".into(),
        user_id: u.id,
        report: "{}".into(),
        areas: String::new(),
        scores: vec![row("2024-01", 1.0)],
        metrics: metrics.clone(),
    })
    .await
    .unwrap();
    assert_eq!(s.metric_history(ws.id, "P1").await.unwrap(), metrics);
}
