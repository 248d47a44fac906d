//! The document library: members share files that are checked by their contents, keep
//! every version, download them with safe headers, file them in folders, find them by
//! search, and see them on other servers as threads with a `Document` attachment.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;
use crate::on_both_backends;

/// A small but real-looking PDF: what matters is its magic number.
pub(crate) fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n1 0 obj << /Title ({text}) >> endobj\n%%EOF\n").into_bytes()
}

/// The start of a ZIP archive whose first entry has this name.
fn zip_with(first_entry: &str) -> Vec<u8> {
    let mut bytes = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    bytes.extend_from_slice(&[0; 16]);
    bytes.extend_from_slice(&u16::try_from(first_entry.len()).unwrap().to_le_bytes());
    bytes.extend_from_slice(&[0, 0]);
    bytes.extend_from_slice(first_entry.as_bytes());
    bytes.extend_from_slice(&[0; 64]);
    bytes
}

fn elf() -> Vec<u8> {
    let mut bytes = b"\x7fELF\x02\x01\x01\0".to_vec();
    bytes.resize(200, 0);
    bytes
}

/// A `multipart/form-data` body with these text fields and one file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "guildhall-test-boundary-7d93";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        // The claimed type is deliberately wrong: the server must not believe it.
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Sends a multipart upload through the API as `who`.
pub(crate) async fn upload(
    who: &Member,
    path: &str,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> Reply {
    let (content_type, body) = multipart(fields, Some(file));
    let mut request = who
        .client
        .post(format!("{}/api/v1{path}", who.base))
        .header("content-type", content_type)
        .body(body);
    if let Some(token) = &who.token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("upload sent");
    let status = response.status();
    let text = response.text().await.expect("body");
    Reply {
        what: path.to_owned(),
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

/// Shares a document and returns its JSON.
pub(crate) async fn shares(
    who: &Member,
    community: &str,
    title: &str,
    description: &str,
    file: (&str, &[u8]),
) -> Value {
    upload(
        who,
        &format!("/communities/{community}/documents"),
        &[("title", title), ("description", description)],
        file,
    )
    .await
    .expect(StatusCode::CREATED)
}

/// Downloads through `url` (a full address) as `who`.
pub(crate) async fn download(who: &Member, url: &str) -> reqwest::Response {
    let mut request = who.client.get(url);
    if let Some(token) = &who.token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("download sent")
}

/// A CSV of about `size` bytes.
pub(crate) fn large_csv(size: usize) -> Vec<u8> {
    let mut csv = b"site,budget,notes\n".to_vec();
    let mut row = 0;
    while csv.len() < size {
        csv.extend_from_slice(format!("Site {row},{},caf\u{e9} and depot\n", row * 7).as_bytes());
        row += 1;
    }
    csv
}

/// The files an upload left in the storage's incoming directory.
fn left_incoming(app: &TestApp) -> usize {
    std::fs::read_dir(app.state.config.storage.path.join("incoming")).map_or(0, Iterator::count)
}

pub(crate) fn api_file(who: &Member, id: i64, version: i32) -> String {
    format!("{}/api/v1/documents/{id}/versions/{version}/file", who.base)
}

on_both_backends! {
    async fn large_files_are_checked_whole_and_leave_nothing_behind(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planning", "public").await;

        // Twenty megabytes of CSV arrive on disk, are recognised, and come back intact.
        let csv = large_csv(20 * 1024 * 1024);
        let doc = shares(&ana, "planning", "Budget lines", "", ("lines.csv", &csv)).await;
        assert_eq!(doc["current"]["media_type"], "text/csv");
        assert_eq!(doc["current"]["size_bytes"], csv.len());
        let file = download(&ana, &api_file(&ana, doc["id"].as_i64().unwrap(), 1)).await;
        assert!(file.bytes().await.unwrap().as_ref() == csv.as_slice(), "the file comes back whole");

        // Text is text to the last byte: a control character at the very end makes it
        // something else, which the library does not take.
        let mut tail = csv.clone();
        tail.extend_from_slice(b"\x07");
        upload(&ana, "/communities/planning/documents", &[("title", "Tail")], ("tail.csv", &tail)).await
            .error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type");
        // Over the limit: refused, and what arrived is not kept.
        let over = large_csv(26 * 1024 * 1024);
        upload(&ana, "/communities/planning/documents", &[("title", "Over")], ("over.csv", &over)).await
            .error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
        // Someone who may not share: refused after the file arrived, which is not kept.
        let ben = alpha.member("ben").await;
        ana.creates_community("cabinet", "private").await;
        upload(&ben, "/communities/cabinet/documents", &[("title", "In")], ("in.csv", &csv)).await
            .error(StatusCode::FORBIDDEN, "members_only");

        assert_eq!(left_incoming(&alpha), 0, "uploads leave nothing behind in incoming");
        let listed = ana.get("/communities/planning/documents").await.ok();
        assert_eq!(listed["documents"]["items"].as_array().map(Vec::len), Some(1), "{listed}");
    }

    async fn members_share_check_version_and_download_files(backend: Backend) {
        let alpha = TestApp::spawn_with(backend, |c| c.limits.upload_max_bytes = 64 * 1024).await;
        let ana = alpha.member("ana").await;
        let ben = alpha.member("ben").await;
        ana.creates_community("planning", "public").await;
        ben.joins("planning").await;

        let v1 = pdf("Depot plan, first draft");
        let doc = shares(&ana, "planning", "Depot plan", "Costs for the new depot at Kirkstall.", ("depot plan.pdf", &v1)).await;
        let id = doc["id"].as_i64().unwrap();
        assert_eq!(doc["title"], "Depot plan");
        assert_eq!(doc["current"]["version"], 1);
        assert_eq!(doc["current"]["media_type"], "application/pdf");
        assert_eq!(doc["current"]["file_name"], "depot plan.pdf");
        assert_eq!(doc["current"]["size_bytes"], v1.len());
        assert_eq!(doc["uploader"]["name"], "ana");
        // The document is a thread: discussed, voted and searched as one.
        let thread = ana.get(&format!("/posts/{}", doc["post_id"])).await.ok();
        assert_eq!(thread["title"], "Depot plan");

        let csv = shares(&ben, "planning", "Sites", "", ("sites.csv", b"site,budget\nKirkstall,120000\n")).await;
        assert_eq!(csv["current"]["media_type"], "text/csv");

        // Refused by what they are, whatever they are called or claim to be.
        let path = "/communities/planning/documents";
        upload(&ana, path, &[("title", "Report")], ("report.pdf", &elf())).await.error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type");
        upload(&ana, path, &[("title", "Minutes")], ("minutes.docx", &zip_with("minutes.txt"))).await.error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type");
        let big = pdf(&"x".repeat(70 * 1024));
        upload(&ana, path, &[("title", "Huge")], ("huge.pdf", &big)).await.error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
        upload(&ana, path, &[("title", "Empty")], ("empty.pdf", b"")).await.error(StatusCode::BAD_REQUEST, "empty_file");
        upload(&ana, path, &[("title", "")], ("a.pdf", &v1)).await.error(StatusCode::BAD_REQUEST, "invalid_input");
        let (content_type, body) = multipart(&[("title", "No file")], None);
        let reply = ana.client.post(format!("{}/api/v1{path}", alpha.base)).bearer_auth(ana.token.as_ref().unwrap())
            .header("content-type", content_type).body(body).send().await.unwrap();
        assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
        let listed = ana.get(path).await.ok();
        assert_eq!(names(&listed["documents"], "title"), ["Sites", "Depot plan"], "refused files leave nothing behind");

        // A second version becomes current; the first stays downloadable.
        let v2 = pdf("Depot plan, agreed");
        upload(&ben, &format!("/documents/{id}/versions"), &[], ("depot.pdf", &v2)).await.error(StatusCode::FORBIDDEN, "not_uploader");
        let doc = upload(&ana, &format!("/documents/{id}/versions"), &[], ("depot plan v2.pdf", &v2)).await.expect(StatusCode::CREATED);
        assert_eq!(doc["current"]["version"], 2);
        let versions = ana.get(&format!("/documents/{id}/versions")).await.ok();
        let numbers: Vec<i64> = versions.as_array().unwrap().iter().map(|v| v["version"].as_i64().unwrap()).collect();
        assert_eq!(numbers, [2, 1]);

        let first = download(&ben, &api_file(&ben, id, 1)).await;
        assert_eq!(first.status(), StatusCode::OK);
        let headers = first.headers().clone();
        assert_eq!(headers["content-type"], "application/pdf");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["content-disposition"], "attachment; filename=\"depot plan.pdf\"; filename*=UTF-8''depot%20plan.pdf");
        let etag = headers["etag"].to_str().unwrap().to_owned();
        assert_eq!(etag, format!("\"{}\"", versions[1]["sha256"].as_str().unwrap()));
        assert_eq!(first.bytes().await.unwrap().as_ref(), v1.as_slice());
        let second = download(&ben, &api_file(&ben, id, 2)).await;
        assert_eq!(second.bytes().await.unwrap().as_ref(), v2.as_slice());
        // The web address (the one other servers are given) serves the same file.
        let web = download(&alpha.visitor(), &format!("{}/c/planning/files/{id}/v/1", alpha.base)).await;
        assert_eq!(web.status(), StatusCode::OK);
        // A public file is no one's to refuse: a signature that does not verify counts
        // as no signature.
        let forged = forged_signature(&format!("{}/c/planning/files/{id}/v/1", alpha.base)).await;
        assert_eq!(forged.status(), StatusCode::OK);
        assert_eq!(web.headers()["x-content-type-options"], "nosniff");
        assert_eq!(web.bytes().await.unwrap().as_ref(), v1.as_slice());
        let unchanged = ben.client.get(api_file(&ben, id, 1)).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(download(&ben, &api_file(&ben, id, 3)).await.status(), StatusCode::NOT_FOUND);
        let csv_file = download(&ben, &api_file(&ben, csv["id"].as_i64().unwrap(), 1)).await;
        assert_eq!(csv_file.headers()["content-type"], "text/csv; charset=utf-8");

        // Folders: filing, and listing by folder.
        let folder = ana.post("/communities/planning/folders", json!({"name": "Budgets"})).await.expect(StatusCode::CREATED);
        ana.post("/communities/planning/folders", json!({"name": "budgets"})).await.error(StatusCode::CONFLICT, "folder_exists");
        let folder_id = folder["id"].as_i64().unwrap();
        ben.patch(&format!("/documents/{id}"), json!({"folder_id": folder_id})).await.error(StatusCode::FORBIDDEN, "not_uploader");
        ana.patch(&format!("/documents/{id}"), json!({"folder_id": 999_999})).await.error(StatusCode::BAD_REQUEST, "invalid_folder");
        let moved = ana.patch(&format!("/documents/{id}"), json!({"folder_id": folder_id})).await.ok();
        assert_eq!(moved["folder_id"], folder_id);
        let in_folder = ben.get(&format!("/communities/planning/documents?folder={folder_id}")).await.ok();
        assert_eq!(names(&in_folder["documents"], "title"), ["Depot plan"]);
        assert_eq!(in_folder["folders"][0]["name"], "Budgets");
        let top = ben.get("/communities/planning/documents?folder=top").await.ok();
        assert_eq!(names(&top["documents"], "title"), ["Sites"]);

        // Only the sharer or a facilitator takes a document out; then it is gone.
        ben.delete(&format!("/documents/{}", csv["id"])).await.expect(StatusCode::NO_CONTENT);
        ana.get(&format!("/documents/{}", csv["id"])).await.error(StatusCode::GONE, "gone");
        ben.delete(&format!("/documents/{id}")).await.error(StatusCode::FORBIDDEN, "not_uploader");
        assert_eq!(download(&ben, &api_file(&ben, csv["id"].as_i64().unwrap(), 1)).await.status(), StatusCode::GONE);
    }

    async fn a_private_communitys_files_are_for_its_members(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        let ben = alpha.member("ben").await;
        ana.creates_community("cabinet", "private").await;
        let doc = shares(&ana, "cabinet", "Reshuffle", "Confidential briefing on the reshuffle.", ("brief.pdf", &pdf("secret"))).await;
        let id = doc["id"].as_i64().unwrap();
        let url = format!("{}/c/cabinet/files/{id}/v/1", alpha.base);

        for who in [&ben, &alpha.visitor()] {
            who.get(&format!("/documents/{id}")).await.error(StatusCode::FORBIDDEN, "members_only");
            who.get("/communities/cabinet/documents").await.error(StatusCode::FORBIDDEN, "members_only");
            assert_eq!(download(who, &api_file(who, id, 1)).await.status(), StatusCode::FORBIDDEN);
            assert_eq!(download(who, &url).await.status(), StatusCode::FORBIDDEN);
        }
        upload(&ben, "/communities/cabinet/documents", &[("title", "Mine")], ("a.pdf", &pdf("a"))).await.error(StatusCode::FORBIDDEN, "members_only");
        assert!(!hits(&ben, "reshuffle").await.contains(&"Reshuffle".to_owned()), "search keeps private documents private");

        ben.joins("cabinet").await;
        ana.post_empty("/communities/cabinet/members/ben/approve").await.expect(StatusCode::NO_CONTENT);
        let file = download(&ben, &api_file(&ben, id, 1)).await;
        assert_eq!(file.status(), StatusCode::OK);
        assert_eq!(file.bytes().await.unwrap().as_ref(), pdf("secret").as_slice());
        assert_eq!(ben.get(&format!("/documents/{id}")).await.ok()["title"], "Reshuffle");
        assert_eq!(hits(&ben, "reshuffle").await, ["Reshuffle"]);
    }

    async fn documents_are_found_by_the_words_in_their_description(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planning", "public").await;
        shares(&ana, "planning", "Depot plan", "Drainage survey for the Kirkstall depot.", ("plan.pdf", &pdf("plan"))).await;
        assert_eq!(hits(&alpha.visitor(), "drainage").await, ["Depot plan"]);
        assert!(hits(&alpha.visitor(), "nonexistentword").await.is_empty());
    }

    async fn a_document_reaches_other_servers_as_a_page_with_its_file(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planning", "public").await;
        let bob = beta.member("bob").await;
        let handle = format!("planning@{}", domain(&alpha));
        bob.post("/resolve", json!({"query": handle})).await.ok();
        bob.joins(&handle).await;
        eventually("alpha accepts bob's follow", || async {
            bob.get(&format!("/communities/{handle}")).await.ok()["membership"] == "accepted"
        }).await;

        let doc = shares(&ana, "planning", "Depot plan", "Costs for the new depot.", ("depot.pdf", &pdf("v1"))).await;
        let (id, post) = (doc["id"].as_i64().unwrap(), doc["post_id"].as_i64().unwrap());
        let file = format!("{}/c/planning/files/{id}/v/1", alpha.base);

        // The thread as alpha serves it carries the file as a Document attachment.
        let page: Value = reqwest::Client::new().get(format!("{}/post/{post}", alpha.base))
            .header("accept", "application/activity+json").send().await.unwrap().json().await.unwrap();
        assert_eq!(page["type"], "Page");
        assert_eq!(page["attachment"], json!([{"type": "Document", "url": file, "mediaType": "application/pdf", "name": "depot.pdf"}]));

        // Beta shows the thread with a link to the file.
        let thread = || async {
            bob.get(&format!("/communities/{handle}/posts")).await.ok()["items"].as_array().unwrap()
                .iter().find(|p| p["title"] == "Depot plan").cloned()
        };
        eventually("beta receives the document's thread", || async { thread().await.is_some() }).await;
        let there = thread().await.unwrap();
        assert!(there["body_html"].as_str().unwrap().contains(&file), "{there}");

        // A new version updates the thread there.
        upload(&ana, &format!("/documents/{id}/versions"), &[], ("depot.pdf", &pdf("v2"))).await.expect(StatusCode::CREATED);
        let file2 = format!("{}/c/planning/files/{id}/v/2", alpha.base);
        eventually("beta hears of version 2", || async {
            thread().await.is_some_and(|t| t["body_html"].as_str().unwrap().contains(&file2))
        }).await;
    }

    async fn members_on_other_servers_open_a_private_communitys_files(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let beta = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("cabinet", "private").await;
        let bob = beta.member("bob").await;
        let cyd = beta.member("cyd").await;
        let handle = format!("cabinet@{}", domain(&alpha));
        let bob_there = format!("bob@{}", domain(&beta));
        bob.post("/resolve", json!({"query": handle})).await.ok();
        bob.joins(&handle).await;
        eventually("alpha records bob's request", || async {
            ana.post_empty(&format!("/communities/cabinet/members/{bob_there}/approve")).await.status == StatusCode::NO_CONTENT
        }).await;
        eventually("beta hears bob is in", || async {
            bob.get(&format!("/communities/{handle}")).await.ok()["membership"] == "accepted"
        }).await;

        let secret = pdf("Reshuffle briefing");
        let doc = shares(&ana, "cabinet", "Reshuffle", "Confidential briefing.", ("brief.pdf", &secret)).await;
        let file = format!("{}/c/cabinet/files/{}/v/1", alpha.base, doc["id"]);
        let through = format!("/remote-file?url={}", url::form_urlencoded::byte_serialize(file.as_bytes()).collect::<String>());

        // Beta's copy of the thread links the file through beta.
        let thread = || async {
            bob.get(&format!("/communities/{handle}/posts")).await.ok()["items"].as_array().unwrap()
                .iter().find(|p| p["title"] == "Reshuffle").cloned()
        };
        eventually("beta receives the document's thread", || async { thread().await.is_some() }).await;
        let there = thread().await.unwrap();
        assert!(there["body_html"].as_str().unwrap().contains(&format!("href=\"{through}\"")), "{there}");

        // Alpha gives the file to nobody unsigned or with a signature that does not
        // verify, and to bob through beta, signed as him.
        assert_eq!(reqwest::get(&file).await.unwrap().status(), StatusCode::FORBIDDEN);
        assert_eq!(forged_signature(&file).await.status(), StatusCode::FORBIDDEN);
        let web = reqwest::Client::new().get(format!("{}{through}", beta.base))
            .header("cookie", format!("guildhall_session={}", bob.token.as_deref().unwrap())).send().await.unwrap();
        assert_eq!(web.status(), StatusCode::OK);
        assert_eq!(web.headers()["x-content-type-options"], "nosniff");
        assert_eq!(web.headers()["content-disposition"], "attachment; filename=\"brief.pdf\"; filename*=UTF-8''brief.pdf");
        assert_eq!(web.headers()["content-security-policy"], "sandbox; default-src 'none'");
        assert_eq!(web.bytes().await.unwrap().as_ref(), secret.as_slice());
        let api = download(&bob, &format!("{}/api/v1{through}", beta.base)).await;
        assert_eq!(api.status(), StatusCode::OK);
        assert_eq!(api.bytes().await.unwrap().as_ref(), secret.as_slice());

        // Beta fetches only for members, and only library files of their communities.
        cyd.get(&through).await.error(StatusCode::FORBIDDEN, "members_only");
        beta.visitor().get(&through).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        let elsewhere = url::form_urlencoded::byte_serialize(format!("{}/c/cabinet/library", alpha.base).as_bytes()).collect::<String>();
        bob.get(&format!("/remote-file?url={elsewhere}")).await.error(StatusCode::BAD_REQUEST, "invalid_url");
        let missing = through.replace("%2Fv%2F1", "%2Fv%2F9");
        bob.get(&missing).await.error(StatusCode::NOT_FOUND, "not_found");

        // Alpha decides, not beta: were beta to count cyd in (her request still waits on
        // alpha), alpha refuses the request signed as her.
        cyd.joins(&handle).await;
        let (cabinet_domain, cyd_name) = (domain(&alpha), "cyd".to_owned());
        beta.state.db.write(move |conn| {
            let community = guildhall::db::federation::remote_community(conn, "cabinet", &cabinet_domain)?.expect("known");
            let cyd = guildhall::db::persons::local_person_by_name(conn, &cyd_name)?.expect("cyd");
            guildhall::db::communities::set_membership(conn, community.id, cyd.id, "accepted")
        }).await.unwrap();
        let refused = cyd.get(&through).await;
        refused.error(StatusCode::FORBIDDEN, "members_only");
        assert!(format!("{:?}", cyd.get(&through).await.body).contains("does not count you as a member"), "alpha refused, not beta");

        // Once alpha bans bob, the file is his no more.
        ana.post("/communities/cabinet/bans", json!({"member": bob_there, "reason": "left the council"})).await.expect(StatusCode::NO_CONTENT);
        let refused = bob.get(&through).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{:?}", refused.body);
    }

    async fn pruning_deletes_the_files_of_deleted_documents_only(backend: Backend) {
        let alpha = TestApp::spawn(backend).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planning", "public").await;
        let (shared, alone) = (pdf("held twice"), pdf("held once"));
        let first = shares(&ana, "planning", "First", "", ("a.pdf", &shared)).await;
        let second = shares(&ana, "planning", "Second", "", ("b.pdf", &shared)).await;
        let third = shares(&ana, "planning", "Third", "", ("c.pdf", &alone)).await;
        // An upload whose database write never happened leaves a file behind.
        let stray = b"stray bytes".to_vec();
        let stray_hash = guildhall::storage::content_hash(&stray);
        alpha.state.files.put(&stray_hash, stray).await.unwrap();
        ana.delete(&format!("/documents/{}", first["id"])).await.expect(StatusCode::NO_CONTENT);
        ana.delete(&format!("/documents/{}", third["id"])).await.expect(StatusCode::NO_CONTENT);
        let stored = || async { alpha.state.files.list().await.unwrap().len() };
        assert_eq!(stored().await, 3);

        // Within the grace period nothing goes; a dry run only counts.
        let prune = |hours: i64, dry_run: bool| guildhall::services::library::prune_files(&alpha.state, chrono::TimeDelta::hours(hours), dry_run);
        let kept = prune(24, false).await.unwrap();
        assert_eq!((kept.files, kept.unused, kept.recent), (3, 0, 2));
        let dry = prune(0, true).await.unwrap();
        assert_eq!((dry.unused, dry.unused_bytes), (2, (alone.len() + 11) as u64));
        assert_eq!(stored().await, 3);

        // The deleted document's own file and the stray go; bytes a live document shares stay.
        let done = prune(0, false).await.unwrap();
        assert_eq!((done.files, done.unused), (3, 2));
        assert_eq!(stored().await, 1);
        let file = download(&ana, &api_file(&ana, second["id"].as_i64().unwrap(), 1)).await;
        assert_eq!(file.bytes().await.unwrap().as_ref(), shared.as_slice());
    }

    async fn the_library_pages_share_and_show_documents(backend: Backend) {
        let alpha = TestApp::spawn_with(backend, |c| c.limits.upload_max_bytes = 64 * 1024).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planning", "public").await;
        let web = web_session(&alpha, "ana").await;
        let page = |path: &str| {
            let (web, url) = (web.clone(), format!("{}{path}", alpha.base));
            async move {
                let reply = web.get(url).send().await.unwrap();
                (reply.status(), reply.text().await.unwrap())
            }
        };
        let (status, html) = page("/c/planning").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("href=\"/c/planning/library\""), "the community links to its library");
        let (status, html) = page("/c/planning/library").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("No documents yet."));

        // A folder from the library page's own form; a nameless one comes back with its error.
        let csrf = web_csrf(&web, &format!("{}/c/planning/library", alpha.base)).await;
        let folders = format!("{}/c/planning/library/folders", alpha.base);
        let reply = web.post(&folders).form(&[("csrf", csrf.as_str()), ("folder_name", "")]).send().await.unwrap();
        assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
        let html = reply.text().await.unwrap();
        assert!(html.contains("There is a problem") && html.contains("href=\"#folder_name\"") && html.contains("Folder name must not be empty"), "{html}");
        let reply = web.post(&folders).form(&[("csrf", csrf.as_str()), ("folder_name", "Budgets")]).send().await.unwrap();
        assert_eq!(reply.status(), StatusCode::SEE_OTHER);
        let location = reply.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/c/planning/library?folder="), "{location}");
        let (_, html) = page(&location).await;
        assert!(html.contains("Documents in Budgets"), "{html}");

        let csrf = web_csrf(&web, &format!("{}/c/planning/library/upload", alpha.base)).await;
        let send = |fields: Vec<(&'static str, String)>, file: Option<(&'static str, Vec<u8>)>| {
            let web = web.clone();
            let url = format!("{}/c/planning/library/upload", alpha.base);
            async move {
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let (content_type, body) = multipart(&fields, file.as_ref().map(|(n, b)| (*n, b.as_slice())));
                let reply = web.post(url).header("content-type", content_type).body(body).send().await.unwrap();
                (reply.status(), reply.headers().get("location").map(|l| l.to_str().unwrap().to_owned()), reply.text().await.unwrap())
            }
        };
        // Without the form's token nothing is stored.
        let (status, _, _) = send(vec![("title", "Forged".into())], Some(("a.pdf", pdf("a")))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // A refused type comes back on the form, with the error on the file field.
        let (status, _, html) = send(vec![("csrf", csrf.clone()), ("title", "Minutes".into())], Some(("minutes.docx", zip_with("notes.txt")))).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(html.contains("There is a problem") && html.contains("href=\"#file\""), "{html}");
        assert!(html.contains("value=\"Minutes\""), "the title is kept");

        let (status, location, _) = send(
            vec![("csrf", csrf.clone()), ("title", "Depot plan".into()), ("description", "Costs for the **new** depot.".into()), ("folder_id", String::new())],
            Some(("depot.pdf", pdf("plan"))),
        ).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let location = location.expect("a redirect to the document");
        let (status, html) = page(&location).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<h1>Depot plan</h1>") && html.contains("<strong>new</strong>"), "{html}");
        assert!(html.contains("depot.pdf") && html.contains("Upload a new version") && html.contains("Discuss this document"));
        let (_, html) = page("/c/planning/library").await;
        assert!(html.contains("Depot plan") && html.contains("PDF"), "{html}");

        // A new version through the document page.
        let csrf = web_csrf(&web, &format!("{}{location}", alpha.base)).await;
        let (content_type, body) = multipart(&[("csrf", &csrf)], Some(("depot v2.pdf", &pdf("v2"))));
        let reply = web.post(format!("{}{location}/versions", alpha.base)).header("content-type", content_type).body(body).send().await.unwrap();
        assert_eq!(reply.status(), StatusCode::SEE_OTHER);
        let (_, html) = page(&location).await;
        assert!(html.contains("depot v2.pdf") && html.contains("version 2"), "{html}");
    }
}

/// A GET of `url` carrying a draft-cavage signature by a key nobody publishes.
async fn forged_signature(url: &str) -> reqwest::Response {
    let date = chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    reqwest::Client::new()
        .get(url)
        .header("date", date)
        .header(
            "signature",
            "keyId=\"https://nowhere.invalid/actor#main-key\",algorithm=\"rsa-sha256\",\
             headers=\"(request-target) host date\",signature=\"AAAA\"",
        )
        .send()
        .await
        .expect("signed fetch sent")
}

/// Signs `name` in through the web form, in a client that keeps cookies.
async fn web_session(app: &TestApp, name: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let csrf = web_csrf(&client, &format!("{}/login", app.base)).await;
    let reply = client
        .post(format!("{}/login", app.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", name),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::SEE_OTHER);
    client
}

/// The CSRF token of the first form on a page.
async fn web_csrf(client: &reqwest::Client, url: &str) -> String {
    let html = client.get(url).send().await.unwrap().text().await.unwrap();
    let start =
        html.find("name=\"csrf\" value=\"").expect("a CSRF field") + "name=\"csrf\" value=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// The titles of what a search finds.
async fn hits(who: &Member, q: &str) -> Vec<String> {
    who.get(&format!("/search?q={q}")).await.ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["title"].as_str().map(str::to_owned))
        .collect()
}
