//! `guildhall admin seed`: the data set it writes is one the server serves as its own.

use serde_json::json;

use crate::harness::{TestApp, names};
use crate::on_both_backends;

on_both_backends! {
    async fn a_seeded_data_set_is_served_like_any_other(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let plan = guildhall::seed::SeedPlan {
            members: 60, communities: 4, posts: 50, comments: 400, remote_members: 6, seed: 7,
        };
        let hash = guildhall::services::accounts::seeded_password_hash().await.unwrap();
        let db = app.state.db.clone();
        let report = tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap();
            let mut stages = Vec::new();
            let report = guildhall::seed::seed(&mut conn, &plan, &hash, &mut |stage, done, total| {
                assert!(done <= total, "{stage}: {done} of {total}");
                if stages.last() != Some(&stage.to_owned()) {
                    stages.push(stage.to_owned());
                }
            }).unwrap();
            assert_eq!(stages, ["members", "members on other servers", "communities", "follows", "threads", "replies"]);
            report
        }).await.unwrap();
        assert_eq!((report.members, report.communities, report.posts, report.comments), (60, 4, 50, 400));
        assert!(report.votes > 0 && report.memberships >= 60);

        // A seeded member signs in with the documented password and finds their way.
        let visitor = app.visitor();
        let listed = visitor.get("/communities?limit=100").await.ok();
        let community = listed["items"].as_array().unwrap().iter()
            .find(|c| c["visibility"] == "public").expect("a public community")["name"].as_str().unwrap().to_owned();
        let threads = visitor.get(&format!("/communities/{community}/posts?sort=active")).await.ok();
        let thread = threads["items"][0]["id"].as_i64().expect("a thread");
        let comments = visitor.get(&format!("/posts/{thread}/comments?limit=100")).await.ok();
        assert!(!comments["items"].as_array().unwrap().is_empty());
        let member = app.visitor().get(&format!("/communities/{community}/members")).await.ok()["items"][0]["member"]["name"]
            .as_str().unwrap().to_owned();
        let token = visitor.post("/auth/login", json!({"login": member, "password": "seeded password"})).await.ok();
        assert!(token["token"].is_string());

        // New content after seeding gets fresh ids, and search sees seeded content.
        let ana = app.member("ana").await;
        ana.joins(&community).await;
        let id = ana.posts_in(&community, "After the seed").await;
        assert!(id > 50, "{id}");
        ana.replies(id, None, "A fresh reply").await;
        assert!(!names(&visitor.get("/search?q=guidance").await.ok(), "kind").is_empty());
        assert!(names(&visitor.get("/search?q=fresh").await.ok(), "kind").contains(&"comment".to_owned()));
    }
}

#[test]
fn the_seed_command_reports_what_it_made() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .args([
            "admin",
            "seed",
            "--members",
            "30",
            "--communities",
            "3",
            "--posts",
            "20",
            "--comments",
            "60",
        ])
        .current_dir(dir.path())
        .env(
            "GUILDHALL_DATABASE__URL",
            format!("sqlite://{}/seed.db", dir.path().display()),
        )
        .env("RUST_LOG", "warn")
        .output()
        .expect("guildhall runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("seeded 30 members, 1 members of other servers, 3 communities"),
        "{stdout}"
    );
    assert!(stdout.contains("20 threads, 60 replies"), "{stdout}");
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_guildhall"))
        .args(["admin", "seed", "--members", "0"])
        .current_dir(dir.path())
        .env(
            "GUILDHALL_DATABASE__URL",
            format!("sqlite://{}/seed.db", dir.path().display()),
        )
        .output()
        .expect("guildhall runs");
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--members must be at least 1"));
}
