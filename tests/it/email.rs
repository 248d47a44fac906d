//! E-mail through a real SMTP server on loopback (`tests/smtp_sink.py`, on Python's
//! aiosmtpd): sign-up verification and the activity digest, read back as received.
//! Without python3 and aiosmtpd these tests say they skipped, unless
//! `GUILDHALL_TEST_SMTP` (or `CI`) asks for them, when their absence fails the run.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use guildhall::config::{SmtpConfig, SmtpTls};
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::*;
use crate::on_both_backends;

/// The SMTP server the test talks to, saving each message as a file.
struct SmtpSink {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpSink {
    /// Starts the sink, or returns `None` after saying why it skipped.
    fn start(test: &str) -> Option<SmtpSink> {
        if !python_helper(
            test,
            "GUILDHALL_TEST_SMTP",
            "aiosmtpd",
            "pip install aiosmtpd",
        ) {
            return None;
        }
        let dir = tempfile::tempdir().expect("mail directory");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_sink.py");
        let child = Command::new("python3")
            .arg(script)
            .arg(dir.path())
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("SMTP sink starts");
        let sink = SmtpSink { child, dir, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the SMTP sink did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(sink)
    }

    fn config(&self) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".into(),
            port: self.port,
            username: None,
            password: None,
            from: "Guildhall <noreply@guildhall.test>".into(),
            tls: SmtpTls::None,
        }
    }

    /// The messages received so far, oldest first, with quoted-printable soft breaks
    /// undone so that links read whole.
    fn messages(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("mail directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| {
                std::fs::read_to_string(f)
                    .expect("message")
                    .replace("=\r\n", "")
                    .replace("=\n", "")
                    .replace("=3D", "=")
            })
            .collect()
    }

    async fn wait_for(&self, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "only {} of {count} messages arrived",
                messages.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The value after `marker` in `text`, up to the first character a token never has.
fn after(text: &str, marker: &str) -> String {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in {text}"))
        + marker.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect()
}

async fn user_id(app: &TestApp, name: &'static str) -> i64 {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        guildhall::db::persons::local_user_by_login(&mut conn, name)
            .unwrap()
            .unwrap()
            .0
            .id
    })
    .await
    .unwrap()
}

on_both_backends! {
    async fn sign_up_sends_a_link_that_must_be_followed_before_signing_in(backend: Backend) {
        let Some(sink) = SmtpSink::start("sign_up_sends_a_link") else { return };
        let smtp = sink.config();
        let alpha = TestApp::spawn_with(backend, |c| c.smtp = Some(smtp)).await;
        let visitor = alpha.visitor();
        let account = visitor
            .post("/accounts", json!({"name": "ana", "email": "ana@leeds.gov.uk", "password": "correct horse battery"}))
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(account["email_verified"], false);
        let login = json!({"login": "ana", "password": "correct horse battery"});
        visitor.post("/auth/login", login.clone()).await.error(StatusCode::FORBIDDEN, "email_unverified");

        let mail = sink.wait_for(1).await.remove(0);
        assert!(mail.contains("To: ana@leeds.gov.uk"), "{mail}");
        assert!(mail.contains("From: Guildhall <noreply@guildhall.test>"), "{mail}");
        let token = after(&mail, "/verify-email?token=");
        assert!(token.len() > 20, "{mail}");

        // A new link replaces the old one.
        visitor.post("/accounts/verify/resend", json!({"login": "ana@leeds.gov.uk"})).await.expect(StatusCode::ACCEPTED);
        let mails = sink.wait_for(2).await;
        let fresh = after(&mails[1], "/verify-email?token=");
        assert_ne!(fresh, token);
        visitor.post("/accounts/verify", json!({"token": token})).await.error(StatusCode::BAD_REQUEST, "invalid_token");
        visitor.post("/accounts/verify", json!({"token": fresh})).await.expect(StatusCode::NO_CONTENT);
        visitor.post("/auth/login", login).await.ok();
        // A used link does not work twice; asking for one for an unknown account says nothing.
        visitor.post("/accounts/verify", json!({"token": fresh})).await.error(StatusCode::BAD_REQUEST, "invalid_token");
        visitor.post("/accounts/verify/resend", json!({"login": "nobody"})).await.expect(StatusCode::ACCEPTED);
        assert_eq!(sink.messages().len(), 2);
    }
}

on_both_backends! {
    async fn the_weekly_digest_arrives_by_smtp_and_its_link_turns_it_off(backend: Backend) {
        let Some(sink) = SmtpSink::start("the_weekly_digest_arrives") else { return };
        let smtp = sink.config();
        let alpha = TestApp::spawn_with(backend, |c| c.smtp = Some(smtp)).await;
        // Members made directly count as verified.
        let ana = alpha.admin("ana").await;
        let ben = alpha.admin("ben").await;
        ana.creates_community("planners", "public").await;
        ben.joins("planners").await;
        ben.put("/me/digest", json!({"digest": "weekly"})).await.ok();
        assert_eq!(ben.get("/me/digest").await.ok()["digest"], "weekly");
        ben.put("/me/digest", json!({"digest": "hourly"})).await.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");

        let thread = ana.posts_in("planners", "Retrofit grants for terraces").await;
        ana.replies(thread, None, "The *deadline* is in March").await;

        // Nothing is due yet; a week on, one digest goes out.
        let now = chrono::Utc::now().naive_utc();
        assert_eq!(guildhall::services::digest::send_due(&alpha.state, now).await.unwrap(), 0);
        let week_on = now + TimeDelta::days(7) + TimeDelta::minutes(1);
        assert_eq!(guildhall::services::digest::send_due(&alpha.state, week_on).await.unwrap(), 1);
        let mail = sink.wait_for(1).await.remove(0);
        assert!(mail.contains("To: ben@leeds.gov.uk"), "{mail}");
        assert!(mail.contains("multipart/alternative"), "{mail}");
        assert!(mail.contains("text/plain") && mail.contains("text/html"), "{mail}");
        assert!(mail.contains("Retrofit grants for terraces"), "{mail}");
        assert!(mail.contains("The deadline is in March"), "{mail}");
        // The window moved on: the same run a minute later sends nothing.
        assert_eq!(guildhall::services::digest::send_due(&alpha.state, week_on + TimeDelta::minutes(1)).await.unwrap(), 0);

        // The unsubscribe link works without signing in, and a forged one does not.
        let token = after(&mail, "/digest/unsubscribe?token=");
        assert!(guildhall::services::digest::unsubscribe(&alpha.state, &format!("{}x", token)).await.is_err());
        guildhall::services::digest::unsubscribe(&alpha.state, &token).await.unwrap();
        assert_eq!(ben.get("/me/digest").await.ok()["digest"], "off");
        let _ = user_id(&alpha, "ben").await;
    }
}

on_both_backends! {
    async fn without_smtp_nothing_is_sent_and_sign_up_works_as_before(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let account = alpha
            .visitor()
            .post("/accounts", json!({"name": "ana", "email": "ana@leeds.gov.uk", "password": "correct horse battery"}))
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(account["email_verified"], true);
        let ana = alpha.log_in("ana").await;
        ana.put("/me/digest", json!({"digest": "daily"})).await.ok();
        let later = chrono::Utc::now().naive_utc() + TimeDelta::days(2);
        assert_eq!(guildhall::services::digest::send_due(&alpha.state, later).await.unwrap(), 0);
    }
}

on_both_backends! {
    async fn a_digest_shows_a_week_in_the_members_communities_only(backend: Backend) {
        use guildhall::db::schema::posts;
        use diesel::prelude::*;
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        let ben = alpha.member("ben").await;
        for (name, visibility) in [("planners", "public"), ("housing", "public"), ("cabinet", "private"), ("archive", "public")] {
            ana.creates_community(name, visibility).await;
        }
        for name in ["planners", "housing", "archive"] {
            ben.joins(name).await;
        }
        ben.post_empty("/communities/archive/leave").await.expect(StatusCode::NO_CONTENT);

        let brownfield = ana.posts_in("planners", "Brownfield register").await;
        ana.replies(brownfield, None, "Updated figures attached").await;
        ben.replies(brownfield, None, "Thanks, very useful").await;
        ana.posts_in("housing", "Social rent pilot").await;
        ana.posts_in("cabinet", "Closed budget talks").await;
        ana.posts_in("archive", "Old minutes").await;
        let old = ana.posts_in("planners", "Last month's thread").await;
        let db = alpha.state.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap();
            let long_ago = chrono::Utc::now().naive_utc() - TimeDelta::days(30);
            diesel::update(posts::table.find(old)).set(posts::created_at.eq(long_ago)).execute(&mut *conn).unwrap();
        }).await.unwrap();

        let until = chrono::Utc::now().naive_utc() + TimeDelta::minutes(1);
        let since = until - TimeDelta::days(7);
        let ben_id = user_id(&alpha, "ben").await;
        let (_, digest) = guildhall::services::digest::compose(&alpha.state, ben_id, since, until).await.unwrap();
        let titles: Vec<&str> = digest.communities.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["housing network", "planners network"]);
        let r = guildhall::services::digest::render(&digest);
        assert_eq!(r.subject, "Guildhall: 2 new threads in your communities");
        for shown in ["Brownfield register", "Social rent pilot", "Updated figures attached", "Thanks, very useful", "/digest/unsubscribe?token="] {
            assert!(r.text.contains(shown), "{shown} missing from:\n{}", r.text);
            assert!(r.html.contains(shown), "{shown} missing from:\n{}", r.html);
        }
        for hidden in ["Closed budget talks", "Old minutes", "Last month's thread"] {
            assert!(!r.text.contains(hidden) && !r.html.contains(hidden), "{hidden} shown:\n{}", r.text);
        }
    }
}
