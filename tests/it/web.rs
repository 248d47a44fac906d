//! The web pages: plain HTTP checks of their security (always run), and a member's
//! stories in a real headless browser with axe-core on every page.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, SET_COOKIE};

use crate::browser::Browser;
use crate::harness::{Backend, TestApp};
use crate::on_both_backends;

/// A browser stand-in over plain HTTP: keeps cookies, reads CSRF tokens from forms.
struct WebClient {
    base: String,
    client: reqwest::Client,
}

struct PageReply {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    html: String,
}

impl WebClient {
    fn new(app: &TestApp) -> WebClient {
        WebClient {
            base: app.base.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
        }
    }

    async fn get(&self, path: &str) -> PageReply {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("sent");
        PageReply {
            status: response.status(),
            headers: response.headers().clone(),
            html: response.text().await.expect("body"),
        }
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> PageReply {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .expect("sent");
        PageReply {
            status: response.status(),
            headers: response.headers().clone(),
            html: response.text().await.expect("body"),
        }
    }

    /// The CSRF token of the first form on `path`.
    async fn csrf(&self, path: &str) -> String {
        let page = self.get(path).await;
        let start = page
            .html
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no CSRF field on {path}"))
            + "name=\"csrf\" value=\"".len();
        let end = page.html[start..].find('"').expect("end of token") + start;
        page.html[start..end].to_owned()
    }

    /// Signs in through the sign-in form.
    async fn signs_in(&self, name: &str) -> PageReply {
        let csrf = self.csrf("/login").await;
        self.post(
            "/login",
            &[
                ("csrf", &csrf),
                ("login", name),
                ("password", "correct horse battery"),
            ],
        )
        .await
    }
}

async fn member_names(viewer: &crate::harness::Member) -> Vec<String> {
    let page = viewer.get("/communities/housing/members").await.ok();
    let mut names: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["member"]["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

#[track_caller]
fn assert_security_headers(page: &PageReply) {
    let csp = page
        .headers
        .get(CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .expect("a Content-Security-Policy header");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("form-action 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert!(page.headers.contains_key("referrer-policy"));
}

on_both_backends! {
    async fn a_form_without_its_csrf_token_is_refused_and_changes_nothing(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let owner = app.member("ana").await;
        owner.creates_community("housing", "public").await;
        app.member("ben").await;
        let ben = WebClient::new(&app);
        assert_eq!(ben.signs_in("ben").await.status, StatusCode::SEE_OTHER);

        let missing = ben.post("/c/housing/join", &[]).await;
        assert_eq!(missing.status, StatusCode::FORBIDDEN);
        assert!(missing.html.contains("This form has expired"), "{}", missing.html);
        assert!(missing.html.contains("href=\"/communities\""), "the page keeps the navigation");
        let wrong = ben.post("/c/housing/join", &[("csrf", "forged")]).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        // Another visitor's token is no good either.
        let other = WebClient::new(&app).csrf("/login").await;
        assert_eq!(ben.post("/c/housing/join", &[("csrf", &other)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(member_names(&owner).await, vec!["ana"]);

        // With its token the same form works.
        let csrf = ben.csrf("/c/housing").await;
        assert_eq!(ben.post("/c/housing/join", &[("csrf", &csrf)]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(member_names(&owner).await, vec!["ana", "ben"]);
    }

    async fn signing_in_without_a_token_is_refused(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.member("ana").await;
        let visitor = WebClient::new(&app);
        let refused = visitor
            .post("/login", &[("login", "ana"), ("password", "correct horse battery")])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.headers.get(SET_COOKIE).is_none_or(|c| !c.to_str().unwrap_or("").contains("guildhall_session")));
    }

    async fn every_page_carries_a_policy_that_forbids_inline_script(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.creates_community("housing", "public").await;
        let id = ana.posts_in("housing", "Damp and mould").await;
        let visitor = WebClient::new(&app);
        for path in ["/", "/communities", "/login", "/signup", "/c/housing", "/c/housing?sort=active", &format!("/post/{id}"), "/u/ana", "/no/such/page"] {
            let page = visitor.get(path).await;
            assert!(page.headers[CONTENT_TYPE].to_str().unwrap_or("").starts_with("text/html"), "{path}");
            assert_security_headers(&page);
            // One script, ours, from this server; nothing inline.
            let scripts: Vec<&str> = page.html.match_indices("<script").map(|(i, _)| &page.html[i..]).collect();
            assert_eq!(scripts.len(), 1, "{path}: {scripts:?}");
            assert!(scripts[0].starts_with(r#"<script src="/static/local-time.js" defer></script>"#), "{path}: {}", scripts[0]);
            assert!(page.html.contains("<html lang=\"en-GB\">"), "{path}");
        }
        // The JSON API is left as it was.
        let api = visitor.get("/api/v1/communities").await;
        assert!(api.headers.get(CONTENT_SECURITY_POLICY).is_none());
    }

    async fn an_unknown_address_gets_a_friendly_page_with_the_navigation(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let visitor = WebClient::new(&app);
        let page = visitor.get("/no/such/page").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.html.contains("<h1>Page not found</h1>"), "{}", page.html);
        assert!(page.html.contains("href=\"/communities\""));
        assert!(page.html.contains("Sign in"));
        let thread = visitor.get("/post/999999").await;
        assert_eq!(thread.status, StatusCode::NOT_FOUND);
        assert!(thread.html.contains("Page not found"));
        let community = visitor.get("/c/nowhere").await;
        assert_eq!(community.status, StatusCode::NOT_FOUND);
        assert!(community.html.contains("Page not found"));
    }

    async fn titles_and_remote_text_are_escaped(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.creates_community("housing", "public").await;
        let id = ana.posts_in("housing", "<script>alert('x')</script> & more").await;
        let visitor = WebClient::new(&app);
        for path in [format!("/post/{id}"), "/c/housing".to_owned()] {
            let page = visitor.get(&path).await;
            assert!(!page.html.contains("<script>alert"), "{path}: {}", page.html);
            assert!(
                page.html.contains("&#60;script&#62;alert(") || page.html.contains("&lt;script&gt;alert("),
                "{path}: {}",
                page.html
            );
        }
    }

    async fn the_first_run_page_creates_the_administrator_once(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let link = guildhall::services::setup::setup_link(&app.state).await.unwrap().expect("a link");
        let token = link.split("token=").nth(1).unwrap().to_owned();
        let path = link.trim_start_matches(&app.base).to_owned();
        let visitor = WebClient::new(&app);
        let page = visitor.get(&path).await;
        assert!(page.html.contains(&format!("value=\"{token}\"")), "the code is filled in: {}", page.html);
        let fields = |csrf: &str, code: &str| -> Vec<(String, String)> {
            vec![
                ("csrf".into(), csrf.into()),
                ("token".into(), code.into()),
                ("name".into(), "boss".into()),
                ("email".into(), "boss@leeds.gov.uk".into()),
                ("password".into(), "correct horse battery".into()),
            ]
        };
        let post = |fields: Vec<(String, String)>| {
            let visitor = &visitor;
            async move {
                let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                visitor.post("/setup", &borrowed).await
            }
        };
        // Without the form's CSRF token, nothing happens, even with the right code.
        assert_eq!(post(fields("forged", &token)).await.status, reqwest::StatusCode::FORBIDDEN);
        let csrf = visitor.csrf(&path).await;
        let wrong = post(fields(&csrf, "wrong")).await;
        assert_eq!(wrong.status, reqwest::StatusCode::FORBIDDEN);
        assert!(wrong.html.contains("href=\"#token\""), "the error summary links to the code: {}", wrong.html);
        let done = post(fields(&csrf, &token)).await;
        assert_eq!(done.status, reqwest::StatusCode::OK, "{}", done.html);
        assert!(done.html.contains("Administrator created"));
        assert_eq!(app.log_in("boss").await.get("/me").await.ok()["role"], "admin");
        let again = post(fields(&csrf, &token)).await;
        assert_eq!(again.status, reqwest::StatusCode::FORBIDDEN);
    }

    async fn members_keep_their_profile_password_and_account_in_settings(backend: Backend) {
        use reqwest::StatusCode;
        let app = TestApp::spawn(backend).await;
        app.member("ana").await;
        let visitor = WebClient::new(&app);
        let away = visitor.get("/settings").await;
        assert_eq!((away.status, away.headers.get("location").and_then(|l| l.to_str().ok())), (StatusCode::SEE_OTHER, Some("/login")));

        let ana = WebClient::new(&app);
        ana.signs_in("ana").await;
        let csrf = ana.csrf("/settings").await;
        let saved = ana.post("/settings/profile", &[("csrf", csrf.as_str()), ("display_name", "Ana Planner"), ("job_title", "Planning officer"), ("organisation", "Leeds City Council"), ("region", ""), ("bio", "I plan **houses**.")]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        let page = ana.get("/settings?saved=profile").await;
        assert!(page.html.contains("Your profile has been saved."), "{}", page.html);
        assert!(page.html.contains("value=\"Planning officer\""), "{}", page.html);
        let profile = app.visitor().get("/members/ana").await.ok();
        assert_eq!((profile["display_name"].as_str(), profile["organisation"].as_str()), (Some("Ana Planner"), Some("Leeds City Council")));
        let too_long = "x".repeat(101);
        let refused = ana.post("/settings/profile", &[("csrf", csrf.as_str()), ("display_name", too_long.as_str())]).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.html.contains("href=\"#display_name\""), "{}", refused.html);

        // A wrong current password changes nothing; the right one signs ana out everywhere.
        let wrong = ana.post("/settings/password", &[("csrf", csrf.as_str()), ("current_password", "not it"), ("new_password", "a much longer password")]).await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
        assert!(wrong.html.contains("href=\"#current_password\""), "{}", wrong.html);
        let changed = ana.post("/settings/password", &[("csrf", csrf.as_str()), ("current_password", "correct horse battery"), ("new_password", "a much longer password")]).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER);
        assert_eq!(ana.get("/settings").await.status, StatusCode::SEE_OTHER, "signed out");
        let login = app.visitor().post("/auth/login", serde_json::json!({"login": "ana", "password": "a much longer password"})).await.ok();
        assert!(login["token"].is_string());

        // Deleting the account needs the password, then signs out for good.
        let ana = WebClient::new(&app);
        let csrf = ana.csrf("/login").await;
        ana.post("/login", &[("csrf", csrf.as_str()), ("login", "ana"), ("password", "a much longer password")]).await;
        let csrf = ana.csrf("/settings").await;
        let kept = ana.post("/settings/delete", &[("csrf", csrf.as_str()), ("delete_password", "wrong")]).await;
        assert_eq!(kept.status, StatusCode::BAD_REQUEST);
        assert!(kept.html.contains("href=\"#delete_password\""), "{}", kept.html);
        let gone = ana.post("/settings/delete", &[("csrf", csrf.as_str()), ("delete_password", "a much longer password")]).await;
        assert_eq!(gone.status, StatusCode::SEE_OTHER);
        app.visitor().post("/auth/login", serde_json::json!({"login": "ana", "password": "a much longer password"})).await.error(StatusCode::UNAUTHORIZED, "invalid_credentials");
    }

    async fn members_find_peers_in_the_directory(backend: Backend) {
        use reqwest::StatusCode;
        let app = TestApp::spawn_with(backend, |c| c.registration.mode = guildhall::config::SignupMode::Approval).await;
        let ana = app.admin("ana").await;
        ana.patch("/me", serde_json::json!({"job_title": "Housing adviser", "region": "Yorkshire"})).await.ok();
        guildhall::services::accounts::create_account(&app.state, "ben", "ben@leeds.gov.uk", "correct horse battery", guildhall::types::Role::Member).await.unwrap();
        add_pct(&app).await;
        // Someone still waiting for approval is not listed.
        app.visitor().post("/accounts", serde_json::json!({"name": "cy", "email": "cy@leeds.gov.uk", "password": "correct horse battery", "application": "Planner"})).await;

        app.visitor().get("/members").await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        let all = ana.get("/members").await.ok();
        assert_eq!(crate::harness::names(&all, "name"), ["ana", "ben", "pct"]);
        assert_eq!(crate::harness::names(&ana.get("/members?q=YORK").await.ok(), "name"), ["ana"]);
        assert_eq!(crate::harness::names(&ana.get("/members?q=50%25").await.ok(), "name"), ["pct"]);
        assert!(crate::harness::names(&ana.get("/members?q=_").await.ok(), "name").is_empty(), "_ is taken literally");
        let first = ana.get("/members?limit=2").await.ok();
        assert_eq!(crate::harness::names(&first, "name"), ["ana", "ben"]);
        let cursor = first["next_cursor"].as_str().expect("a next page");
        assert_eq!(crate::harness::names(&ana.get(&format!("/members?limit=2&cursor={cursor}")).await.ok(), "name"), ["pct"]);

        let browser = WebClient::new(&app);
        assert_eq!(browser.get("/members").await.status, StatusCode::SEE_OTHER);
        browser.signs_in("ana").await;
        let page = browser.get("/members?q=housing").await;
        assert!(page.html.contains("href=\"/u/ana\"") && page.html.contains("Housing adviser, Yorkshire"), "{}", page.html);
        assert!(!page.html.contains("href=\"/u/ben\""), "{}", page.html);

        // Interests are searched; a member who opts out is not listed, but keeps a profile.
        let ben = app.log_in("ben").await;
        let me = ben.patch("/me", serde_json::json!({"interests": "Planning enforcement, flood risk"})).await.ok();
        assert_eq!(me["in_directory"], true, "{me}");
        assert_eq!(crate::harness::names(&ana.get("/members?q=flood").await.ok(), "name"), ["ben"]);
        let me = ben.patch("/me", serde_json::json!({"in_directory": false})).await.ok();
        assert_eq!(me["in_directory"], false, "{me}");
        assert!(crate::harness::names(&ana.get("/members?q=flood").await.ok(), "name").is_empty());
        let shown = ana.get("/members/ben").await.ok();
        assert_eq!(shown["interests"], "Planning enforcement, flood risk");
        assert!(shown.get("in_directory").is_none(), "only the member sees their choice: {shown}");
        assert_eq!(ben.get("/me").await.ok()["in_directory"], false);

        // The same through the settings form: the box starts ticked, and unticking it hides ana.
        let settings = browser.get("/settings").await;
        assert!(settings.html.contains(r#"name="in_directory" value="yes" checked"#), "{}", settings.html);
        let csrf = browser.csrf("/settings").await;
        let saved = browser.post("/settings/profile", &[
            ("csrf", csrf.as_str()), ("display_name", ""), ("job_title", "Housing adviser"),
            ("organisation", ""), ("region", "Yorkshire"), ("interests", "Homelessness"), ("bio", ""),
        ]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        assert!(crate::harness::names(&ana.get("/members").await.ok(), "name") == ["pct"]);
        let profile = browser.get("/u/ana").await;
        assert!(profile.html.contains("Interests: Homelessness"), "{}", profile.html);
    }

    async fn a_content_warning_comes_before_the_body_which_opens_on_request(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let ana = app.member("ana").await;
        ana.creates_community("housing", "public").await;
        let thread = ana
            .post("/communities/housing/posts", serde_json::json!({"title": "Incident review", "body": "The **details**", "content_warning": "Flooding <deaths>"}))
            .await
            .expect(reqwest::StatusCode::CREATED);
        let page = WebClient::new(&app).get(&format!("/post/{}", thread["id"])).await;
        let warning = page.html.find("Content warning: Flooding &#60;deaths&#62;")
            .or_else(|| page.html.find("Content warning: Flooding &lt;deaths&gt;"))
            .unwrap_or_else(|| panic!("no escaped warning: {}", page.html));
        let details = page.html.find("<details class=\"content-warning\">").expect("details");
        let body = page.html.find("<strong>details</strong>").expect("body");
        assert!(details < warning && warning < body, "the warning leads, inside its details");
    }

    async fn the_session_cookie_is_http_only_and_same_site(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.member("ana").await;
        let ana = WebClient::new(&app);
        let signed_in = ana.signs_in("ana").await;
        let cookie = signed_in
            .headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|c| c.to_str().ok())
            .find(|c| c.starts_with("guildhall_session="))
            .expect("a session cookie")
            .to_owned();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Secure"), "{cookie}");
        let home = ana.get("/").await;
        assert!(home.html.contains("Latest threads in your communities"), "{}", home.html);

        let https = TestApp::spawn_with(backend, |c| c.instance.https = true).await;
        https.member("ben").await;
        let ben = WebClient::new(&https);
        let csrf = ben.csrf("/login").await;
        let reply = ben
            .post("/login", &[("csrf", &csrf), ("login", "ben"), ("password", "correct horse battery")])
            .await;
        let cookie = reply.headers.get_all(SET_COOKIE).iter().filter_map(|c| c.to_str().ok())
            .find(|c| c.starts_with("guildhall_session=")).expect("a session cookie").to_owned();
        assert!(cookie.contains("; Secure"), "{cookie}");
    }

    async fn only_administrators_see_the_admin_pages(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.member("ben").await;
        let visitor = WebClient::new(&app);
        assert_eq!(visitor.get("/admin").await.status, StatusCode::SEE_OTHER, "the sign-in prompt");
        let ben = WebClient::new(&app);
        assert_eq!(ben.signs_in("ben").await.status, StatusCode::SEE_OTHER);
        assert!(!ben.get("/").await.html.contains("href=\"/admin\""), "no Admin link for members");
        for path in ["/admin", "/admin/accounts", "/admin/federation", "/admin/bans"] {
            let page = ben.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
            assert!(page.html.contains("You cannot do that"), "{path}: {}", page.html);
        }
        let csrf = ben.csrf("/").await;
        let refused = ben.post("/admin/federation", &[("csrf", &csrf), ("domain", "evil.example"), ("state", "blocked")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let boss = app.admin("boss").await;
        assert_eq!(boss.get("/admin/federation/peers").await.ok()["entries"], serde_json::json!([]));
    }

    async fn an_administrator_approves_an_account_and_blocks_a_peer(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| {
            c.registration.mode = guildhall::config::SignupMode::Approval;
        })
        .await;
        let boss_api = app.admin("boss").await;
        app.visitor()
            .post(
                "/accounts",
                serde_json::json!({"name": "cat", "email": "cat@leeds.gov.uk", "password": "correct horse battery", "application": "Planning officer at Leeds"}),
            )
            .await
            .expect(reqwest::StatusCode::CREATED);
        let boss = WebClient::new(&app);
        assert_eq!(boss.signs_in("boss").await.status, StatusCode::SEE_OTHER);
        let overview = boss.get("/admin").await;
        assert_eq!(overview.status, StatusCode::OK);
        assert!(overview.html.contains("href=\"/admin\" aria-current=\"page\""), "the Admin link: {}", overview.html);
        assert!(overview.html.contains(r#"value="approval" checked"#), "{}", overview.html);
        let accounts = boss.get("/admin/accounts").await;
        assert!(accounts.html.contains("Planning officer at Leeds"), "{}", accounts.html);

        // Without the form's token nothing changes.
        assert_eq!(boss.post("/admin/accounts/cat/approve", &[]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(boss.post("/admin/settings", &[("name", "Taken"), ("signup_mode", "open")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(boss_api.get("/admin/settings").await.ok()["signup_mode"], "approval");
        assert_eq!(boss.post("/admin/federation", &[("domain", "evil.example"), ("state", "blocked")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(boss_api.get("/admin/federation/peers").await.ok()["entries"], serde_json::json!([]));

        let csrf = boss.csrf("/admin/accounts").await;
        let approved = boss.post("/admin/accounts/cat/approve", &[("csrf", &csrf)]).await;
        assert_eq!(approved.status, StatusCode::SEE_OTHER);
        assert!(!boss.get("/admin/accounts").await.html.contains("Planning officer at Leeds"));
        app.log_in("cat").await;
        let invite = boss.post("/admin/invites", &[("csrf", &csrf)]).await;
        assert!(invite.html.contains("Invite created"), "{}", invite.html);

        let bad = boss.post("/admin/federation", &[("csrf", &csrf), ("domain", "not a domain"), ("state", "blocked")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.html);
        assert!(bad.html.contains("href=\"#domain\""), "the summary links to the field: {}", bad.html);
        let blocked = boss.post("/admin/federation", &[("csrf", &csrf), ("domain", "evil.example"), ("state", "blocked")]).await;
        assert_eq!(blocked.status, StatusCode::SEE_OTHER, "{}", blocked.html);
        assert!(boss.get("/admin/federation").await.html.contains("evil.example"));
        let peers = boss_api.get("/admin/federation/peers").await.ok();
        assert_eq!(peers["entries"][0]["domain"], "evil.example");
        assert_eq!(peers["entries"][0]["state"], "blocked");
        let removed = boss.post("/admin/federation/remove", &[("csrf", &csrf), ("domain", "evil.example")]).await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER);
        assert_eq!(boss_api.get("/admin/federation/peers").await.ok()["entries"], serde_json::json!([]));

        let ban = boss.post("/admin/bans", &[("csrf", &csrf), ("member", "cat"), ("reason", "Spam")]).await;
        assert_eq!(ban.status, StatusCode::SEE_OTHER, "{}", ban.html);
        assert!(boss.get("/admin/bans").await.html.contains("Reason: Spam"));
        let unban = boss.post("/admin/bans/remove", &[("csrf", &csrf), ("member", "cat")]).await;
        assert_eq!(unban.status, StatusCode::SEE_OTHER);
        assert!(boss.get("/admin/bans").await.html.contains("Nobody is banned"));
    }

    async fn a_wrong_password_gets_the_same_message_as_a_wrong_name(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.member("ana").await;
        let visitor = WebClient::new(&app);
        let csrf = visitor.csrf("/login").await;
        let wrong_password = visitor.post("/login", &[("csrf", &csrf), ("login", "ana"), ("password", "not the password")]).await;
        let wrong_name = visitor.post("/login", &[("csrf", &csrf), ("login", "nobody"), ("password", "not the password")]).await;
        assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong_name.status, StatusCode::UNAUTHORIZED);
        let message = |html: &str| html.split("error-summary").nth(1).map(|s| s[..s.find("</ul>").unwrap_or(s.len())].to_owned());
        assert_eq!(message(&wrong_password.html), message(&wrong_name.html));
        assert!(wrong_password.html.contains("href=\"#login\""), "the summary links to the field");
    }
}

/// A community on another server: found from the directory's search box, shown with
/// its origin, and joined from its page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_community_is_found_shown_and_joined() {
    let alpha = TestApp::spawn(Backend::Sqlite).await;
    let beta = TestApp::spawn(Backend::Sqlite).await;
    let ana = alpha.member("ana").await;
    ana.creates_community("planners", "public").await;
    ana.posts_in("planners", "Local plans").await;
    beta.member("bob").await;
    let bob = WebClient::new(&beta);
    bob.signs_in("bob").await;
    let host = crate::harness::domain(&alpha);

    let found = bob
        .get(&format!("/communities?q=%21planners%40{host}"))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.html);
    let href = format!("href=\"/c/planners@{host}\"");
    assert!(found.html.contains(&href), "{}", found.html);
    let missing = bob.get(&format!("/communities?q=%21nobody%40{host}")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.html.contains("href=\"#q\""),
        "the error links to the search box"
    );

    let page = bob.get(&format!("/c/planners@{host}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains(&format!("from {host}")), "{}", page.html);
    let csrf = bob.csrf(&format!("/c/planners@{host}")).await;
    let joined = bob
        .post(&format!("/c/planners@{host}/join"), &[("csrf", &csrf)])
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER);
    crate::harness::eventually("alpha accepts bob and beta backfills", || async {
        let page = bob.get(&format!("/c/planners@{host}")).await;
        page.html.contains("Leave community") && page.html.contains("Local plans")
    })
    .await;
}

/// Sign-up modes on the sign-up page: approval says the account waits; a domain outside
/// the allowed list is refused at the e-mail field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_follows_the_instances_rules() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.registration.mode = guildhall::config::SignupMode::Approval;
        c.registration.allowed_email_domains = vec!["leeds.gov.uk".into()];
    })
    .await;
    let visitor = WebClient::new(&app);
    let csrf = visitor.csrf("/signup").await;
    let outside = visitor
        .post(
            "/signup",
            &[
                ("csrf", &csrf),
                ("name", "ana"),
                ("email", "ana@example.com"),
                ("password", "correct horse battery"),
                ("application", ""),
            ],
        )
        .await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN);
    assert!(outside.html.contains("href=\"#email\""), "{}", outside.html);
    assert!(outside.html.contains("id=\"email-error\""));
    let applied = visitor
        .post(
            "/signup",
            &[
                ("csrf", &csrf),
                ("name", "ana"),
                ("email", "ana@leeds.gov.uk"),
                ("password", "correct horse battery"),
                ("application", "Housing officer"),
            ],
        )
        .await;
    assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.html);
    assert!(applied.html.contains("Application received"));
}

/// The members' names in a page of memberships.
fn handles(page: &serde_json::Value) -> Vec<String> {
    let mut names: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["member"]["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// Every page a community's facilitators use.
const MANAGE_PAGES: [&str; 5] = [
    "/c/housing/manage",
    "/c/housing/manage/members",
    "/c/housing/manage/reports",
    "/c/housing/manage/bans",
    "/c/housing/manage/log",
];

on_both_backends! {
    async fn only_facilitators_use_the_manage_pages(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let fay_api = app.member("fay").await;
        fay_api.creates_community("housing", "restricted").await;
        let ben_api = app.member("ben").await;
        assert_eq!(ben_api.joins("housing").await, "pending");
        fay_api.post_empty("/communities/housing/members/ben/approve").await.expect(StatusCode::NO_CONTENT);
        let cat_api = app.member("cat").await;
        assert_eq!(cat_api.joins("housing").await, "pending");
        let id = ben_api.posts_in("housing", "Damp and mould").await;
        let reply = ben_api.replies(id, None, "Open the windows").await;

        let visitor = WebClient::new(&app);
        for path in MANAGE_PAGES {
            assert_eq!(visitor.get(path).await.status, StatusCode::SEE_OTHER, "{path}: the sign-in prompt");
        }

        let ben = WebClient::new(&app);
        assert_eq!(ben.signs_in("ben").await.status, StatusCode::SEE_OTHER);
        assert!(!ben.get("/c/housing").await.html.contains("/c/housing/manage"), "no Manage link for members");
        let thread = ben.get(&format!("/post/{id}")).await;
        assert!(!thread.html.contains("Pin thread"), "{}", thread.html);
        assert!(!thread.html.contains("/remove\""), "{}", thread.html);
        let forms = [format!("/post/{id}/remove"), format!("/comment/{reply}/remove")];
        for path in MANAGE_PAGES.iter().map(|p| p.to_string()).chain(forms) {
            let page = ben.get(&path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
            assert!(page.html.contains("You cannot do that"), "{path}: {}", page.html);
        }
        // With a good token, the services still refuse a member who does not facilitate.
        let csrf = ben.csrf("/c/housing").await;
        let attempts: [(String, Vec<(&str, &str)>); 9] = [
            ("/c/housing/manage".into(), vec![("title", "Taken over"), ("visibility", "public")]),
            ("/c/housing/manage/members/approve".into(), vec![("member", "cat")]),
            ("/c/housing/manage/members/reject".into(), vec![("member", "cat")]),
            ("/c/housing/manage/facilitators/add".into(), vec![("member", "ben")]),
            ("/c/housing/manage/bans".into(), vec![("member", "fay"), ("reason", "Mine now")]),
            (format!("/post/{id}/remove"), vec![("reason", "Mine now")]),
            (format!("/post/{id}/pin"), vec![("on", "true")]),
            (format!("/post/{id}/lock"), vec![("on", "true")]),
            (format!("/comment/{reply}/remove"), vec![("reason", "Mine now")]),
        ];
        for (path, fields) in &attempts {
            let mut fields = fields.clone();
            fields.push(("csrf", &csrf));
            let refused = ben.post(path, &fields).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}: {}", refused.html);
        }
        let community = fay_api.get("/communities/housing").await.ok();
        assert_eq!(community["title"], "housing network");
        assert_eq!(community["visibility"], "restricted");
        let pending = fay_api.get("/communities/housing/members?state=pending").await.ok();
        assert_eq!(handles(&pending), vec!["cat"]);
        let post = fay_api.get(&format!("/posts/{id}")).await.ok();
        assert_eq!((post["removed"].as_bool(), post["pinned"].as_bool(), post["locked"].as_bool()), (Some(false), Some(false), Some(false)));

        // The facilitator sees the link and every page.
        let fay = WebClient::new(&app);
        assert_eq!(fay.signs_in("fay").await.status, StatusCode::SEE_OTHER);
        assert!(fay.get("/c/housing").await.html.contains("href=\"/c/housing/manage\""));
        for path in MANAGE_PAGES {
            let page = fay.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.html);
            assert_security_headers(&page);
        }
    }

    async fn a_facilitators_form_without_its_token_changes_nothing(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let fay_api = app.member("fay").await;
        fay_api.creates_community("housing", "restricted").await;
        let ben_api = app.member("ben").await;
        ben_api.joins("housing").await;
        fay_api.post_empty("/communities/housing/members/ben/approve").await.expect(StatusCode::NO_CONTENT);
        let cat_api = app.member("cat").await;
        cat_api.joins("housing").await;
        let id = ben_api.posts_in("housing", "Damp and mould").await;
        let fay = WebClient::new(&app);
        assert_eq!(fay.signs_in("fay").await.status, StatusCode::SEE_OTHER);

        let attempts: [(String, Vec<(&str, &str)>); 7] = [
            ("/c/housing/manage".into(), vec![("title", "Hijacked"), ("visibility", "public")]),
            ("/c/housing/manage/members/approve".into(), vec![("member", "cat")]),
            ("/c/housing/manage/bans".into(), vec![("member", "ben"), ("reason", "Forged")]),
            (format!("/post/{id}/remove"), vec![("reason", "Forged")]),
            (format!("/post/{id}/lock"), vec![("on", "true")]),
            (format!("/post/{id}/pin"), vec![("on", "true")]),
            ("/c/housing/manage/facilitators/add".into(), vec![("member", "ben")]),
        ];
        for (path, fields) in &attempts {
            let missing = fay.post(path, fields).await;
            assert_eq!(missing.status, StatusCode::FORBIDDEN, "{path}");
            assert!(missing.html.contains("This form has expired"), "{path}: {}", missing.html);
            let mut forged = fields.clone();
            forged.push(("csrf", "forged"));
            assert_eq!(fay.post(path, &forged).await.status, StatusCode::FORBIDDEN, "{path}");
        }
        let community = fay_api.get("/communities/housing").await.ok();
        assert_eq!(community["title"], "housing network");
        assert_eq!(community["visibility"], "restricted");
        let pending = fay_api.get("/communities/housing/members?state=pending").await.ok();
        assert_eq!(handles(&pending), vec!["cat"]);
        let bans = fay_api.get("/communities/housing/bans").await.ok();
        assert_eq!(bans["items"], serde_json::json!([]));
        let post = fay_api.get(&format!("/posts/{id}")).await.ok();
        assert_eq!((post["removed"].as_bool(), post["pinned"].as_bool(), post["locked"].as_bool()), (Some(false), Some(false), Some(false)));
        let log = fay_api.get("/communities/housing/modlog").await.ok();
        assert_eq!(log["items"].as_array().map(Vec::len), Some(1), "only ben's approval: {log}");

        // With its token, a removal shows to members as removed, and can be undone.
        let csrf = fay.csrf("/c/housing/manage").await;
        let blank = fay.post(&format!("/post/{id}/remove"), &[("csrf", &csrf), ("reason", " ")]).await;
        assert_eq!(blank.status, StatusCode::BAD_REQUEST);
        assert!(blank.html.contains("href=\"#reason\""), "{}", blank.html);
        let removed = fay.post(&format!("/post/{id}/remove"), &[("csrf", &csrf), ("reason", "Off topic")]).await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.html);
        let ben = WebClient::new(&app);
        assert_eq!(ben.signs_in("ben").await.status, StatusCode::SEE_OTHER);
        let gone = ben.get(&format!("/post/{id}")).await;
        assert_eq!(gone.status, StatusCode::GONE);
        assert!(gone.html.contains("removed by a facilitator"), "{}", gone.html);
        assert!(!ben.get("/c/housing").await.html.contains("Damp and mould"));
        let seen = fay.get(&format!("/post/{id}")).await;
        assert!(seen.html.contains("Restore thread"), "{}", seen.html);
        let log = fay.get("/c/housing/manage/log").await;
        assert!(log.html.contains("Removed a thread") && log.html.contains("Off topic"), "{}", log.html);
        let restored = fay.post(&format!("/post/{id}/restore"), &[("csrf", &csrf)]).await;
        assert_eq!(restored.status, StatusCode::SEE_OTHER);
        assert_eq!(ben.get(&format!("/post/{id}")).await.status, StatusCode::OK);
    }
}

/// A member's whole story in a real browser, with axe-core on every page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_takes_part_in_a_browser() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let Some(browser) = Browser::start("web::a_member_takes_part_in_a_browser", &app.base).await
    else {
        return;
    };
    let ana = app.member("ana").await;
    ana.creates_community("housing", "public").await;
    let theirs = ana.posts_in("housing", "Damp and mould: what worked").await;
    let shared = crate::library::shares(
        &ana,
        "housing",
        "Damp survey form",
        "The form our surveyors use.",
        ("survey.pdf", &crate::library::pdf("survey")),
    )
    .await;

    // First run: the one-time link creates the administrator.
    let link = guildhall::services::setup::setup_link(&app.state)
        .await
        .unwrap()
        .expect("a set-up link");
    browser.open(link.trim_start_matches(&app.base)).await;
    browser.check_accessibility().await;
    browser.press("Create administrator").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;
    browser.fill("#name", "boss").await;
    browser.fill("#email", "boss@leeds.gov.uk").await;
    browser.fill("#password", "correct horse battery").await;
    browser.press("Create administrator").await;
    browser.sees("Administrator created").await;
    browser.check_accessibility().await;

    // Signed out: the home page, then sign up.
    browser.open("/").await;
    browser.check_accessibility().await;
    browser.follow("Create an account").await;
    browser.check_accessibility().await;
    browser.press("Create account").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;
    browser.fill("#name", "ben").await;
    browser.fill("#email", "ben@leeds.gov.uk").await;
    browser.fill("#password", "correct horse battery").await;
    browser.press("Create account").await;
    browser.sees("Your account is ready").await;
    browser.check_accessibility().await;

    // Sign in: a wrong password first.
    browser.follow("Sign in").await;
    browser.fill("#login", "ben").await;
    browser.fill("#password", "wrong password").await;
    browser.press("Sign in").await;
    browser.sees("The name or password is not right").await;
    browser.check_accessibility().await;
    browser.fill("#password", "correct horse battery").await;
    browser.press("Sign in").await;
    browser.sees("Latest threads in your communities").await;
    browser.check_accessibility().await;

    // Settings: the profile.
    browser.open("/settings").await;
    browser.check_accessibility().await;
    browser.fill("#job_title", "Housing adviser").await;
    browser.press("Save profile").await;
    browser.sees("Your profile has been saved.").await;
    browser.check_accessibility().await;

    // The member directory finds peers by role.
    browser.follow("Members").await;
    browser.check_accessibility().await;
    browser.fill("#q", "housing").await;
    browser.press("Search").await;
    browser.sees("Members matching").await;
    browser.sees("Housing adviser").await;
    browser.check_accessibility().await;

    // Find the community and join it.
    browser.follow("Communities").await;
    browser.check_accessibility().await;
    browser.fill("#q", "hous").await;
    browser.press("Search").await;
    browser.sees("Communities matching").await;
    browser.follow("housing network").await;
    browser.press("Join community").await;
    browser.sees("Leave community").await;
    browser.check_accessibility().await;

    // The community's library: the list, the upload form with its errors, a document.
    browser
        .follow("Library: documents shared in this community")
        .await;
    browser.sees("Damp survey form").await;
    browser.check_accessibility().await;
    browser.follow("Share a document").await;
    browser.check_accessibility().await;
    browser.press("Share document").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;
    browser
        .open(&format!("/c/housing/library/{}", shared["id"]))
        .await;
    browser.sees("Discuss this document").await;
    browser.check_accessibility().await;
    browser.open("/c/housing").await;

    // Start a thread, previewing it first.
    browser.follow("Start a thread").await;
    browser.check_accessibility().await;
    browser.fill("#title", "Tenant surveys").await;
    browser.fill("#body", "We ask **every** tenant.").await;
    browser.press("Preview").await;
    assert_eq!(
        browser
            .find(".preview strong")
            .await
            .text()
            .await
            .expect("text"),
        "every"
    );
    browser.check_accessibility().await;
    // …with a poll, one more option added without script.
    browser.fill("#poll_option_0", "Paper").await;
    browser.fill("#poll_option_1", "Online").await;
    browser.press("Add another option").await;
    browser.fill("#poll_option_4", "Door to door").await;
    browser
        .find("#poll_multiple-yes")
        .await
        .click()
        .await
        .expect("ticked");
    browser.check_accessibility().await;
    // Enter in a field posts the thread, rather than adding another option.
    browser
        .find("#poll_option_4")
        .await
        .click()
        .await
        .expect("focused");
    browser.enter().await;
    assert!(browser.path().await.starts_with("/post/"));
    browser.sees("Tenant surveys").await;
    browser.sees("Select all that apply.").await;
    browser.check_accessibility().await;
    browser
        .find("#choice-0")
        .await
        .click()
        .await
        .expect("ticked");
    browser
        .find("#choice-2")
        .await
        .click()
        .await
        .expect("ticked");
    browser.press("Vote").await;
    browser.sees("1 person has voted.").await;
    browser.sees("1 vote (100%)").await;
    browser.check_accessibility().await;

    // Edit it.
    browser.follow("Edit thread").await;
    browser.check_accessibility().await;
    browser.fill("#title", "Tenant surveys that work").await;
    browser.press("Save changes").await;
    browser.sees("Tenant surveys that work").await;
    browser.sees("edited").await;

    // Reply to ana's thread, vote on it, and report it.
    browser.open(&format!("/post/{theirs}")).await;
    browser.fill("#body", "We tried *dehumidifiers*.").await;
    browser.press("Post reply").await;
    browser.sees("We tried dehumidifiers.").await;
    browser.check_accessibility().await;
    browser.press("Vote up").await;
    browser.sees("1 point (you voted up)").await;
    browser.check_accessibility().await;
    browser.click("a[href*='/reply?to=']").await;
    browser.check_accessibility().await;
    browser.fill("#body", "And ventilation.").await;
    browser.press("Post reply").await;
    browser.sees("And ventilation.").await;
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css(".comments .comments .comment"))
            .await
            .is_ok(),
        "the reply is nested"
    );
    // Vote a reply down, then take the vote back.
    browser.click(".comment-actions .vote-down").await;
    browser.sees("-1 point").await;
    browser.sees("Withdraw down vote").await;
    browser.click(".comment-actions .vote-down").await;
    browser.sees("0 points").await;
    // Edit a reply with a preview, then delete it; the nested reply stays.
    browser.click("a[href^='/comment/'][href$='/edit']").await;
    browser.check_accessibility().await;
    browser
        .fill("#body", "We tried *dehumidifiers* and fans.")
        .await;
    browser.press("Preview").await;
    assert_eq!(
        browser
            .find(".preview em")
            .await
            .text()
            .await
            .expect("text"),
        "dehumidifiers"
    );
    browser.check_accessibility().await;
    browser.press("Save changes").await;
    browser.sees("We tried dehumidifiers and fans.").await;
    browser.click("a[href^='/comment/'][href$='/edit']").await;
    browser.press("Delete reply").await;
    browser.sees("This comment was deleted.").await;
    browser.sees("And ventilation.").await;
    browser.check_accessibility().await;
    browser.follow("Report this thread").await;
    browser.check_accessibility().await;
    browser.fill("#reason", "Shares a tenant's address.").await;
    browser.press("Send report").await;
    browser.sees("Report sent").await;
    browser.check_accessibility().await;
    let reports = ana.get("/communities/housing/reports").await.ok();
    assert_eq!(reports["items"][0]["reason"], "Shares a tenant's address.");

    // Search from the header, a query with no words, and the member directory.
    browser.follow("Search").await;
    browser.check_accessibility().await;
    browser.fill("#q", "ventilation").await;
    browser.press("Search").await;
    browser.sees("Results for “ventilation”").await;
    browser.sees("And ventilation.").await;
    browser.check_accessibility().await;
    browser.fill("#q", "?!").await;
    browser.press("Search").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;

    // A missing page, a member's page, and signing out.
    browser.open("/no/such/page").await;
    browser.sees("Page not found").await;
    browser.check_accessibility().await;
    browser.open("/u/ana").await;
    browser.check_accessibility().await;
    browser.press("Sign out").await;
    browser.sees("Create an account").await;
}

/// The CSP stops inline script in the real browser, while WebDriver's own scripts run.
/// An administrator's rounds in a real browser, with axe-core on every admin page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_looks_after_the_instance_in_a_browser() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.registration.mode = guildhall::config::SignupMode::Approval;
        c.registration.allowed_email_domains = vec!["leeds.gov.uk".into()];
    })
    .await;
    let Some(browser) = Browser::start(
        "web::an_administrator_looks_after_the_instance_in_a_browser",
        &app.base,
    )
    .await
    else {
        return;
    };
    app.admin("boss").await;
    app.visitor()
        .post(
            "/accounts",
            serde_json::json!({"name": "cat", "email": "cat@leeds.gov.uk", "password": "correct horse battery", "application": "Planning officer at Leeds"}),
        )
        .await
        .expect(StatusCode::CREATED);

    browser.open("/login").await;
    browser.fill("#login", "boss").await;
    browser.fill("#password", "correct horse battery").await;
    browser.press("Sign in").await;
    browser.follow("Admin").await;
    browser
        .sees("an administrator approves each new account")
        .await;
    let approval = browser.find("#signup_mode-approval").await;
    assert_eq!(
        approval.prop("checked").await.expect("checked").as_deref(),
        Some("true")
    );
    let domains = browser.find("#domains").await;
    assert_eq!(
        domains.prop("value").await.expect("value").as_deref(),
        Some("leeds.gov.uk")
    );
    browser.check_accessibility().await;

    // Approvals and invites.
    browser
        .follow("Accounts waiting for approval and invites")
        .await;
    browser.sees("Planning officer at Leeds").await;
    browser.check_accessibility().await;
    browser.press("Approve cat").await;
    browser.sees("No accounts are waiting for approval").await;
    browser.press("Create an invite").await;
    browser.sees("Invite created").await;
    browser.check_accessibility().await;
    app.log_in("cat").await;

    // The federation policy: a bad domain, then a block, then its removal.
    browser.follow("Administration").await;
    browser
        .follow("Federation policy and delivery to peers")
        .await;
    browser
        .sees("Nothing has been sent to another server yet")
        .await;
    browser.check_accessibility().await;
    browser.fill("#domain", "not a domain").await;
    browser.press("Block domain").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;
    browser.fill("#domain", "evil.example").await;
    browser.press("Block domain").await;
    browser.sees("evil.example").await;
    browser.check_accessibility().await;
    browser.press("Unblock evil.example").await;
    browser.sees("No server has been allowed or blocked").await;

    // Instance-wide bans.
    browser.follow("Administration").await;
    browser.follow("Instance-wide bans").await;
    browser.check_accessibility().await;
    browser.press("Ban from this instance").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;
    browser.fill("#member", "cat").await;
    browser.fill("#reason", "Spam").await;
    browser.press("Ban from this instance").await;
    browser.sees("Reason: Spam").await;
    browser.check_accessibility().await;
    browser.press("Unban cat").await;
    browser.sees("Nobody is banned from this instance").await;

    // The instance settings: a mistake shows on the form, then the change holds at once.
    browser.follow("Administration").await;
    browser.fill("#domains", "leeds.gov.uk\nnot a domain").await;
    browser.press("Save settings").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;
    browser.fill("#name", "Yorkshire Planners").await;
    browser.fill("#domains", "*.gov.uk").await;
    browser
        .find("#signup_mode-invite")
        .await
        .click()
        .await
        .expect("choosing invite");
    browser.press("Save settings").await;
    browser.sees("The settings are saved and in force").await;
    browser.sees("Yorkshire Planners").await;
    browser.check_accessibility().await;
    app.visitor()
        .post(
            "/accounts",
            serde_json::json!({"name": "dan", "email": "dan@york.gov.uk", "password": "correct horse battery"}),
        )
        .await
        .error(StatusCode::BAD_REQUEST, "invite_required");
}

/// A facilitator's rounds in a real browser, with axe-core on every page they use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_approves_a_member_and_removes_a_post_in_a_browser() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let Some(browser) = Browser::start(
        "web::a_facilitator_approves_a_member_and_removes_a_post_in_a_browser",
        &app.base,
    )
    .await
    else {
        return;
    };
    let fay = app.member("fay").await;
    fay.creates_community("housing", "restricted").await;
    let ben = app.member("ben").await;
    assert_eq!(ben.joins("housing").await, "pending");
    let cat = app.member("cat").await;
    cat.joins("housing").await;

    browser.open("/login").await;
    browser.fill("#login", "fay").await;
    browser.fill("#password", "correct horse battery").await;
    browser.press("Sign in").await;
    browser.open("/c/housing").await;
    browser.follow("Manage community").await;
    browser.sees("2 join requests waiting").await;
    browser.check_accessibility().await;

    // The join requests.
    browser.follow("Members and join requests").await;
    browser.sees("Waiting to join").await;
    browser.check_accessibility().await;
    browser.press("Approve ben").await;
    browser.press("Reject cat").await;
    browser.sees("Nobody is waiting to join").await;
    browser.check_accessibility().await;
    assert_eq!(
        handles(&fay.get("/communities/housing/members").await.ok()),
        vec!["ben", "fay"]
    );

    // Ben posts; a member reports it; the facilitator pins it, then removes it from the report.
    let id = ben.posts_in("housing", "Cheap flats for sale").await;
    let comment = ben.replies(id, None, "Call me today").await;
    fay.post(
        &format!("/posts/{id}/report"),
        serde_json::json!({"reason": "Advertising"}),
    )
    .await
    .expect(StatusCode::CREATED);
    browser.open(&format!("/post/{id}")).await;
    browser.press("Pin thread").await;
    browser.sees("Unpin thread").await;
    browser.check_accessibility().await;
    browser
        .click(&format!("a[href='/comment/{comment}/remove']"))
        .await;
    browser.sees("You are removing a reply").await;
    browser.check_accessibility().await;
    browser.fill("#reason", "Personal details").await;
    browser.press("Remove reply").await;
    browser.sees("Removed").await;
    browser.check_accessibility().await;

    browser.open("/c/housing/manage").await;
    browser.follow("Reports").await;
    browser.sees("Reason: Advertising").await;
    browser.check_accessibility().await;
    browser
        .click(&format!("a[href='/post/{id}/remove?report=1']"))
        .await;
    browser.check_accessibility().await;
    browser.press("Remove thread").await;
    browser.sees("There is a problem").await;
    browser.sees("Enter why you are removing it").await;
    browser.check_accessibility().await;
    browser.fill("#reason", "Selling is not allowed here").await;
    browser.press("Remove thread").await;
    browser.sees("There are no open reports").await;
    browser.check_accessibility().await;
    ben.get(&format!("/posts/{id}"))
        .await
        .error(StatusCode::GONE, "gone");

    // The log shows it, newest first.
    browser.follow("Moderation log").await;
    browser.sees("Removed a thread").await;
    browser.sees("Selling is not allowed here").await;
    browser.sees("Approved a request to join").await;
    browser.check_accessibility().await;
    let text = browser.text().await;
    assert!(
        text.find("Resolved a report") < text.find("Removed a thread")
            && text.find("Removed a thread") < text.find("Approved a request to join"),
        "{text}"
    );

    // A ban, then an unban.
    browser.follow("Bans").await;
    browser.sees("Nobody is banned from this community").await;
    browser.check_accessibility().await;
    browser.fill("#member", "ben").await;
    browser.fill("#expires", "31 December").await;
    browser.press("Ban from this community").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;
    browser.fill("#reason", "Keeps advertising").await;
    browser.fill("#expires", "2099-12-31").await;
    browser.press("Ban from this community").await;
    browser.sees("Reason: Keeps advertising").await;
    browser.sees("31 December 2099").await;
    browser.check_accessibility().await;
    ben.post_empty("/communities/housing/join")
        .await
        .error(StatusCode::FORBIDDEN, "banned");
    browser.press("Unban ben").await;
    browser.sees("Nobody is banned from this community").await;
    ben.joins("housing").await;

    // The settings: a mistake shows on the form, then the change is saved.
    browser.follow("Settings").await;
    browser.fill("#title", "").await;
    browser.press("Save settings").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;
    browser.fill("#title", "Leeds housing officers").await;
    browser
        .fill("#description", "For **housing** officers in Leeds.")
        .await;
    browser
        .find("#visibility-private")
        .await
        .click()
        .await
        .expect("choosing private");
    browser.press("Save settings").await;
    browser.sees("The community's settings are saved").await;
    browser.check_accessibility().await;
    let community = fay.get("/communities/housing").await.ok();
    assert_eq!(community["title"], "Leeds housing officers");
    assert_eq!(community["visibility"], "private");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_enforces_the_content_security_policy() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let Some(browser) = Browser::start(
        "web::the_browser_enforces_the_content_security_policy",
        &app.base,
    )
    .await
    else {
        return;
    };
    browser.open("/").await;
    let ran = browser
        .client
        .execute(
            "const s = document.createElement('script'); s.textContent = 'window.inlineRan = true';\
             document.body.appendChild(s); return window.inlineRan === true;",
            vec![],
        )
        .await
        .expect("script");
    assert_eq!(
        ran,
        serde_json::Value::Bool(false),
        "inline script ran despite the policy"
    );

    // Our own script, from this server, does run: it shows times in the reader's zone.
    let ana = app.member("ana").await;
    ana.creates_community("planners", "public").await;
    ana.posts_in("planners", "Local plan").await;
    browser.open("/c/planners").await;
    let shown = browser
        .client
        .execute(
            "const t = document.querySelector('time[datetime]'); \
             const f = new Intl.DateTimeFormat('en-GB', {day: 'numeric', month: 'long', year: 'numeric', \
               hour: '2-digit', minute: '2-digit', timeZoneName: 'short'}); \
             return [t.title, t.textContent, f.format(new Date(t.getAttribute('datetime')))];",
            vec![],
        )
        .await
        .expect("script");
    let shown: Vec<String> = serde_json::from_value(shown).expect("three strings");
    assert!(
        shown[0].ends_with("UTC"),
        "the server's wording stays as the title: {shown:?}"
    );
    assert_eq!(shown[1], shown[2], "shown in the reader's zone: {shown:?}");
}

/// Signing in, starting a thread and replying with the keyboard alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_can_do_everything_with_the_keyboard() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let Some(browser) = Browser::start(
        "web::a_member_can_do_everything_with_the_keyboard",
        &app.base,
    )
    .await
    else {
        return;
    };
    let ana = app.member("ana").await;
    ana.creates_community("housing", "public").await;

    browser.open("/").await;
    // The skip link comes first.
    browser.tab().await;
    assert_eq!(browser.focused().await, "Skip to main content");
    browser.tab_to("Sign in").await;
    browser.enter().await;
    browser.tab_to("#login").await;
    browser.keys("ana").await;
    browser.tab().await;
    browser.keys("correct horse battery").await;
    // Back to the name to check it, and forward again.
    browser.shift_tab().await;
    assert_eq!(browser.focused().await, "#login");
    browser.tab().await;
    assert_eq!(browser.focused().await, "#password");
    browser.enter().await;
    browser.sees("Latest threads in your communities").await;

    browser.open("/c/housing").await;
    browser.tab_to("Start a thread").await;
    browser.enter().await;
    browser.tab_to("#title").await;
    browser.keys("Keyboard thread").await;
    browser.tab().await;
    browser.keys("Written without a mouse.").await;
    browser.tab_to("Post thread").await;
    browser.enter().await;
    browser.sees("Written without a mouse.").await;

    browser.tab_to("#body").await;
    browser.keys("A keyboard reply.").await;
    browser.tab_to("Post reply").await;
    browser.enter().await;
    browser.sees("A keyboard reply.").await;
}

/// A member whose organisation has a `%` in it, to show searches take it literally.
async fn add_pct(app: &TestApp) {
    guildhall::services::accounts::create_account(
        &app.state,
        "pct",
        "pct@leeds.gov.uk",
        "correct horse battery",
        guildhall::types::Role::Member,
    )
    .await
    .unwrap();
    app.log_in("pct")
        .await
        .patch(
            "/me",
            serde_json::json!({"organisation": "50% Housing Trust"}),
        )
        .await
        .ok();
}

on_both_backends! {
    async fn a_member_asks_a_poll_and_votes_through_forms(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let owner = app.member("ana").await;
        owner.creates_community("housing", "public").await;
        app.member("ben").await;
        let ana = WebClient::new(&app);
        assert_eq!(ana.signs_in("ana").await.status, StatusCode::SEE_OTHER);

        // The compose page has an optional poll section, in a fieldset with a legend.
        let form = ana.get("/c/housing/new").await;
        assert!(form.html.contains("<legend class=\"fieldset-legend-large\">Poll (optional)</legend>"), "{}", form.html);
        assert!(form.html.contains("id=\"poll_option_3\""), "four option fields to start with");
        assert!(!form.html.contains("id=\"poll_option_4\""));
        let csrf = ana.csrf("/c/housing/new").await;

        // One more option field, without JavaScript: the form comes back with what was typed.
        let more = ana.post("/c/housing/new", &[("csrf", &csrf), ("title", "Meeting day"), ("poll_option_0", "Tuesday"), ("action", "add_option")]).await;
        assert_eq!(more.status, StatusCode::OK);
        assert!(more.html.contains("id=\"poll_option_4\""), "{}", more.html);
        assert!(more.html.contains("value=\"Tuesday\""));

        // One option is not a poll: the error summary links to the first option.
        let refused = ana.post("/c/housing/new", &[("csrf", &csrf), ("title", "Meeting day"), ("poll_option_0", "Tuesday"), ("action", "publish")]).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.html.contains("There is a problem"));
        assert!(refused.html.contains("href=\"#poll_option_0\""), "{}", refused.html);
        let late = ana.post("/c/housing/new", &[("csrf", &csrf), ("title", "Meeting day"), ("poll_option_0", "Tuesday"), ("poll_option_1", "Friday"), ("poll_closes_at", "2020-01-01T10:00"), ("action", "publish")]).await;
        assert_eq!(late.status, StatusCode::BAD_REQUEST);
        assert!(late.html.contains("href=\"#poll_closes_at\""), "{}", late.html);

        let posted = ana.post("/c/housing/new", &[
            ("csrf", &csrf), ("title", "Meeting day"), ("body", "Which day suits?"),
            ("poll_option_0", "Tuesday"), ("poll_option_1", ""), ("poll_option_2", "Thursday"),
            ("poll_multiple", "no"), ("poll_closes_at", "2099-01-01T10:00"), ("action", "publish"),
        ]).await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER);
        let location = posted.headers["location"].to_str().unwrap().to_owned();
        let id: i64 = location.trim_start_matches("/post/").parse().unwrap();
        let poll = owner.get(&format!("/posts/{id}")).await.ok()["poll"].clone();
        assert_eq!(poll["options"].as_array().unwrap().len(), 2, "empty option fields are left out: {poll}");
        assert_eq!(poll["closes_at"], "2099-01-01T10:00:00Z");
        assert!(ana.get("/c/housing").await.html.contains("<strong class=\"tag tag-grey\">Poll</strong>"), "the thread list marks the poll");

        // ben sees radios in a fieldset, and no results before voting.
        let ben = WebClient::new(&app);
        ben.signs_in("ben").await;
        let page = ben.get(&location).await;
        assert!(page.html.contains("<legend>Your vote"), "{}", page.html);
        assert!(page.html.contains("type=\"radio\" id=\"choice-0\" name=\"choice\" value=\"0\""), "{}", page.html);
        assert!(page.html.contains("You will see the results once you have voted"));
        assert!(!page.html.contains("poll-results"));

        // Voting with nothing chosen is refused with the reason beside the poll.
        let csrf = ben.csrf(&location).await;
        let none = ben.post(&format!("/post/{id}/poll"), &[("csrf", &csrf), ("action", "vote")]).await;
        assert_eq!(none.status, StatusCode::BAD_REQUEST);
        assert!(none.html.contains("href=\"#choice-0\""), "{}", none.html);
        assert!(none.html.contains("id=\"poll-choice-error\""), "{}", none.html);

        let voted = ben.post(&format!("/post/{id}/poll"), &[("csrf", &csrf), ("choice", "1"), ("action", "vote")]).await;
        assert_eq!(voted.status, StatusCode::SEE_OTHER);
        let page = ben.get(&location).await;
        assert!(page.html.contains("1 person has voted."), "{}", page.html);
        assert!(page.html.contains("1 vote (100%)"), "the share in words, not only a bar: {}", page.html);
        assert!(page.html.contains("Your choice"));
        assert!(page.html.contains("Withdraw vote"));

        let withdrawn = ben.post(&format!("/post/{id}/poll"), &[("csrf", &csrf), ("action", "withdraw")]).await;
        assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
        assert_eq!(owner.get(&format!("/posts/{id}")).await.ok()["poll"]["voters_count"], 0);
    }
}

/// A facilitator and a member use the event pages in a real browser, with axe-core on
/// each: the events list, the event form (with an error), an event, and answering it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_use_the_event_pages_in_a_browser() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let Some(browser) =
        Browser::start("web::members_use_the_event_pages_in_a_browser", &app.base).await
    else {
        return;
    };
    let fay = app.member("fay").await;
    fay.creates_community("housing", "public").await;
    let id = fay
        .post(
            "/communities/housing/events",
            serde_json::json!({"title": "Damp surgery", "description": "Bring photos.",
                "starts_at": "2099-03-02T10:00", "ends_at": "2099-03-02T12:00", "timezone": "Europe/London",
                "address": "Civic Hall, Leeds", "online_link": "https://meet.example/damp", "capacity": 20}),
        )
        .await
        .expect(StatusCode::CREATED)["id"]
        .as_i64()
        .expect("event id");
    fay.post(
        &format!("/events/{id}/sessions"),
        serde_json::json!({"title": "Landlord duties", "starts_at": "2099-03-02T10:00", "ends_at": "2099-03-02T11:00"}),
    )
    .await
    .expect(StatusCode::CREATED);

    browser.open("/login").await;
    browser.fill("#login", "fay").await;
    browser.fill("#password", "correct horse battery").await;
    browser.press("Sign in").await;
    browser.open("/c/housing").await;
    browser.follow("Events").await;
    browser.sees("Damp surgery").await;
    browser.check_accessibility().await;
    browser.follow("Create an event").await;
    browser.check_accessibility().await;
    browser.press("Create event").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;

    browser.open(&format!("/events/{id}")).await;
    browser.sees("Programme").await;
    browser.sees("Landlord duties").await;
    browser.check_accessibility().await;
    browser.follow("Edit the event").await;
    browser.check_accessibility().await;
    browser.open(&format!("/post/{id}")).await;
    browser
        .follow("when and where it is, and your answer")
        .await;
    browser.sees("Programme").await;
    browser.press("Sign out").await;

    app.member("ben").await;
    browser.open("/login").await;
    browser.fill("#login", "ben").await;
    browser.fill("#password", "correct horse battery").await;
    browser.press("Sign in").await;
    browser.open(&format!("/events/{id}")).await;
    browser.sees("The link is shown to people going").await;
    browser.press("Going to Damp surgery").await;
    browser.sees("https://meet.example/damp").await;
    browser.sees("Your answer: going").await;
    browser.check_accessibility().await;
    browser.open("/c/housing/events?when=past").await;
    browser.sees("No past events").await;
    browser.check_accessibility().await;
}

/// A member writes on their blog, reads comments and notifications, and chooses an e-mail
/// digest, in a real browser with axe-core on every page and the keyboard alone where
/// it matters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_blogs_and_reads_notifications_in_a_browser() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        // Offers the digest; nothing is sent in this test.
        c.smtp = Some(guildhall::config::SmtpConfig {
            host: "127.0.0.1".into(),
            port: 9,
            username: None,
            password: None,
            from: "Guildhall <noreply@guildhall.test>".into(),
            tls: guildhall::config::SmtpTls::None,
        });
    })
    .await;
    let Some(browser) = Browser::start(
        "web::a_member_blogs_and_reads_notifications_in_a_browser",
        &app.base,
    )
    .await
    else {
        return;
    };
    app.admin("ana").await;
    let ben = app.admin("ben").await;

    browser.open("/login").await;
    browser.fill("#login", "ana").await;
    browser.fill("#password", "correct horse battery").await;
    browser.press("Sign in").await;

    // The blog section of the profile, the compose form with its error, a published post.
    browser.open("/u/ana").await;
    browser.sees("No blog posts yet.").await;
    browser.check_accessibility().await;
    browser.follow("Write a blog post").await;
    browser.check_accessibility().await;
    browser.press("Publish").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;
    browser.fill("#title", "What the pilot taught us").await;
    browser.fill("#body", "Start **small**.").await;
    browser.tab_to("Publish").await;
    browser.enter().await;
    browser.sees("What the pilot taught us").await;
    browser.sees("No comments yet.").await;
    browser.check_accessibility().await;
    let id: i64 = browser
        .path()
        .await
        .trim_start_matches("/blog/")
        .parse()
        .expect("blog post id");

    // Ben comments; ana sees the count in the header and the notification.
    ben.post(
        &format!("/blog/{id}/comments"),
        serde_json::json!({"body": "Agreed."}),
    )
    .await
    .expect(StatusCode::CREATED);
    browser.open(&format!("/blog/{id}")).await;
    browser.sees("Agreed.").await;
    let count = browser.find(".count").await.text().await.expect("text");
    assert!(count.starts_with('1'), "{count}");
    browser.check_accessibility().await;
    browser.click("a[href='/notifications']").await;
    browser.sees("commented on your blog post").await;
    browser.check_accessibility().await;
    browser.press("Mark all as read").await;
    browser.sees("All read.").await;
    browser.check_accessibility().await;

    // Edit the post.
    browser.open(&format!("/blog/{id}")).await;
    browser.follow("Edit this blog post").await;
    browser.check_accessibility().await;
    browser
        .fill("#title", "What the pilot taught us, revised")
        .await;
    browser.press("Save changes").await;
    browser.sees("What the pilot taught us, revised").await;
    browser.sees("edited").await;

    // The digest choice in settings.
    browser.open("/settings").await;
    browser.check_accessibility().await;
    browser
        .find("#digest-weekly")
        .await
        .click()
        .await
        .expect("chosen");
    browser.press("Save e-mail choice").await;
    browser
        .sees("Your e-mail digest choice has been saved.")
        .await;
    browser.check_accessibility().await;
    let ana = app.log_in("ana").await;
    assert_eq!(ana.get("/me/digest").await.ok()["digest"], "weekly");
    assert_eq!(ben.get("/me/digest").await.ok()["digest"], "off");

    // The pages e-mail links open.
    browser.open("/verify-email?token=nonsense").await;
    browser.sees("That link has not worked").await;
    browser.check_accessibility().await;
    browser.open("/digest/unsubscribe?token=nonsense").await;
    browser.check_accessibility().await;
}

/// A facilitator keeps the library, and members answer a poll, search and look for peers,
/// in a real browser with axe-core on every page and the keyboard alone where it matters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_use_the_library_polls_search_and_directory_in_a_browser() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let Some(browser) = Browser::start(
        "web::members_use_the_library_polls_search_and_directory_in_a_browser",
        &app.base,
    )
    .await
    else {
        return;
    };
    let fay = app.member("fay").await;
    fay.creates_community("housing", "public").await;
    let files = tempfile::tempdir().expect("a folder for the files to upload");
    let survey = files.path().join("damp survey.csv");
    std::fs::write(&survey, "ward,homes\nArmley,12\n").expect("first version written");
    let revised = files.path().join("damp survey v2.csv");
    std::fs::write(&revised, "ward,homes\nArmley,12\nBramley,7\n").expect("second version written");

    browser.open("/login").await;
    browser.fill("#login", "fay").await;
    browser.fill("#password", "correct horse battery").await;
    browser.press("Sign in").await;

    // The library, a folder for it, and the form that shares a document.
    browser.open("/c/housing").await;
    browser
        .follow("Library: documents shared in this community")
        .await;
    browser.sees("No documents yet.").await;
    browser.check_accessibility().await;
    browser.press("Add folder").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;
    browser.fill("#folder_name", "Surveys").await;
    browser.press("Add folder").await;
    browser.sees("Documents in Surveys").await;
    browser.check_accessibility().await;
    browser.tab_to("Share a document").await;
    browser.enter().await;
    browser.sees("Share a document").await;
    browser.check_accessibility().await;
    browser.press("Share document").await;
    browser.sees("There is a problem").await;
    browser.check_accessibility().await;
    browser.fill("#title", "Damp survey").await;
    browser
        .fill("#description", "Homes with damp, by ward.")
        .await;
    browser
        .find("#folder_id option:nth-child(2)")
        .await
        .click()
        .await
        .expect("choosing the folder");
    browser
        .find("#file")
        .await
        .send_keys(&survey.display().to_string())
        .await
        .expect("choosing the file");
    browser.press("Share document").await;
    browser.sees("Homes with damp, by ward.").await;
    browser.sees("in Surveys").await;
    browser.sees("Download damp survey.csv").await;
    browser.check_accessibility().await;
    browser
        .find("#file")
        .await
        .send_keys(&revised.display().to_string())
        .await
        .expect("choosing the new version");
    browser.press("Upload version").await;
    browser.sees("Download damp survey v2.csv").await;
    browser.sees("version 2").await;
    browser.check_accessibility().await;
    browser
        .find("#folder_id option:nth-child(1)")
        .await
        .click()
        .await
        .expect("choosing no folder");
    browser.press("Move").await;
    assert!(
        !browser.text().await.contains("in Surveys"),
        "the document left its folder"
    );
    browser.follow("Library").await;
    browser.sees("Damp survey").await;
    browser.check_accessibility().await;

    // A poll, answered with the keyboard by a member (its facilitator sees the results
    // from the start).
    let poll = fay
        .post(
            "/communities/housing/posts",
            serde_json::json!({"title": "Meeting day", "body": "Which day suits?",
                "poll": {"options": ["Monday", "Tuesday"], "multiple": false}}),
        )
        .await
        .expect(StatusCode::CREATED)["id"]
        .as_i64()
        .expect("poll thread id");
    app.member("ben").await.joins("housing").await;
    browser.press("Sign out").await;
    browser.open("/login").await;
    browser.fill("#login", "ben").await;
    browser.fill("#password", "correct horse battery").await;
    browser.press("Sign in").await;
    browser.open(&format!("/post/{poll}")).await;
    browser
        .sees("You will see the results once you have voted")
        .await;
    browser.check_accessibility().await;
    browser.tab_to("#choice-0").await;
    browser.keys(" ").await;
    browser.tab_to("Vote").await;
    browser.enter().await;
    browser.sees("1 person has voted.").await;
    browser.sees("Your choice").await;
    browser.check_accessibility().await;

    // Search finds the document; the directory finds the member.
    browser.open("/search").await;
    browser.check_accessibility().await;
    browser.fill("#q", "damp").await;
    browser.press("Search").await;
    browser.sees("Damp survey").await;
    browser.check_accessibility().await;
    browser.open("/members").await;
    browser.check_accessibility().await;
    browser.fill("#q", "fay").await;
    browser.press("Search").await;
    browser.sees("@fay").await;
    browser.check_accessibility().await;
}
