//! Instance settings administrators change while the server runs: the name, the sign-up
//! mode and the allowed e-mail domains take effect at once and survive a restart.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestApp;
use crate::on_both_backends;

on_both_backends! {
    async fn an_administrator_changes_sign_up_rules_that_hold_at_once_and_after_a_restart(backend: Backend) {
        let mut app = TestApp::spawn(backend).await;
        let admin = app.admin("root").await;
        let ana = app.member("ana").await;

        // Only administrators read or change the settings.
        ana.get("/admin/settings").await.error(StatusCode::FORBIDDEN, "not_admin");
        ana.request(Method::PUT, "/admin/settings", Some(json!({
            "name": "Mine", "signup_mode": "open", "allowed_email_domains": []
        }))).await.error(StatusCode::FORBIDDEN, "not_admin");
        let before = admin.get("/admin/settings").await.ok();
        assert_eq!(before["signup_mode"], "open");

        // A domain that is not one is refused, and nothing changes.
        admin.request(Method::PUT, "/admin/settings", Some(json!({
            "name": "North West Planners", "signup_mode": "approval",
            "allowed_email_domains": ["not a domain"]
        }))).await.error(StatusCode::BAD_REQUEST, "invalid_email_domain");
        assert_eq!(admin.get("/admin/settings").await.ok(), before);

        let saved = admin.request(Method::PUT, "/admin/settings", Some(json!({
            "name": "North West Planners", "signup_mode": "approval",
            "allowed_email_domains": ["*.GOV.UK", " ", "nhs.net"]
        }))).await.ok();
        assert_eq!(saved["allowed_email_domains"], json!(["*.gov.uk", "nhs.net"]));

        let check = |app: &TestApp| {
            let visitor = app.visitor();
            async move {
                visitor.post("/accounts", json!({
                    "name": "eve", "email": "eve@example.com", "password": "correct horse battery"
                })).await.error(StatusCode::FORBIDDEN, "email_domain_not_allowed");
                let pending = visitor.post("/accounts", json!({
                    "name": "bea", "email": "bea@leeds.gov.uk", "password": "correct horse battery"
                })).await.expect(StatusCode::CREATED);
                assert_eq!(pending["approved"], false, "approval mode holds: {pending}");
                let nodeinfo: serde_json::Value = visitor.client
                    .get(format!("{}/nodeinfo/2.1", visitor.base)).send().await.unwrap()
                    .json().await.unwrap();
                assert_eq!(nodeinfo["metadata"]["nodeName"], "North West Planners");
            }
        };
        check(&app).await;

        // After a restart the saved settings, not the configuration file, are in force.
        app.stop().await;
        app.restart().await;
        let admin = app.log_in("root").await;
        assert_eq!(admin.get("/admin/settings").await.ok(), saved);
        admin.request(Method::PUT, "/admin/settings", Some(json!({
            "name": "North West Planners", "signup_mode": "closed", "allowed_email_domains": []
        }))).await.ok();
        app.visitor().post("/accounts", json!({
            "name": "cat", "email": "cat@leeds.gov.uk", "password": "correct horse battery"
        })).await.error(StatusCode::FORBIDDEN, "signup_closed");
    }
}
