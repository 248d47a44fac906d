//! The document library on S3-compatible object storage: a real S3 server on loopback
//! (`tests/s3_server.py`, on moto) that checks every request's signature. Without
//! python3 and moto these tests say they skipped, unless `GUILDHALL_TEST_S3` (or `CI`)
//! asks for them, when their absence fails the run.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use guildhall::config::{S3Config, StorageBackend};
use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::*;
use crate::library::{api_file, download, pdf, shares, upload};
use crate::on_both_backends;

const BUCKET: &str = "guildhall-files";

/// The S3 server, with the key it issued and a line to ask it for the bucket's contents.
struct S3Server {
    child: Child,
    commands: ChildStdin,
    answers: BufReader<ChildStdout>,
    port: u16,
    access_key_id: String,
    secret_access_key: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl S3Server {
    /// Starts the server, or returns `None` after saying why it skipped.
    fn start(test: &str) -> Option<S3Server> {
        let install = "pip install 'moto[server]'";
        if !python_helper(
            test,
            "GUILDHALL_TEST_S3",
            "moto.server, boto3, flask",
            install,
        ) {
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/s3_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(BUCKET)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("S3 server starts");
        let commands = child.stdin.take().expect("stdin");
        let mut answers = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        answers.read_line(&mut line).expect("the S3 server's key");
        let key: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the S3 server did not start ({e}): {line:?}"));
        Some(S3Server {
            child,
            commands,
            answers,
            port,
            access_key_id: key["access_key_id"].as_str().unwrap().to_owned(),
            secret_access_key: key["secret_access_key"].as_str().unwrap().to_owned(),
        })
    }

    fn config(&self) -> S3Config {
        S3Config {
            bucket: BUCKET.into(),
            region: "us-east-1".into(),
            endpoint: format!("http://127.0.0.1:{}", self.port),
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            allow_http: true,
        }
    }

    /// The bucket's keys, as the server lists them.
    fn keys(&mut self) -> Vec<String> {
        writeln!(self.commands, "list").expect("asked");
        let mut line = String::new();
        self.answers.read_line(&mut line).expect("listing");
        let mut keys: Vec<String> = serde_json::from_str(&line).expect("keys");
        keys.sort();
        keys
    }
}

/// Every file under `dir`, however deep.
fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .flat_map(|p| if p.is_dir() { files_under(&p) } else { vec![p] })
        .collect()
}

on_both_backends! {
    async fn the_library_keeps_its_files_in_an_s3_bucket(backend: Backend) {
        let Some(mut s3) = S3Server::start("the_library_keeps_its_files_in_an_s3_bucket") else { return };
        let config = s3.config();
        let alpha = TestApp::spawn_with(backend, |c| {
            c.storage.backend = StorageBackend::S3;
            c.storage.s3 = config;
        }).await;
        let ana = alpha.member("ana").await;
        let ben = alpha.member("ben").await;
        ana.creates_community("cabinet", "private").await;

        let (v1, v2) = (pdf("Budget, first draft"), pdf("Budget, agreed"));
        let doc = shares(&ana, "cabinet", "Budget", "The budget for next year.", ("budget.pdf", &v1)).await;
        let id = doc["id"].as_i64().unwrap();
        upload(&ana, &format!("/documents/{id}/versions"), &[], ("budget v2.pdf", &v2)).await.expect(StatusCode::CREATED);
        // The same bytes again are stored once.
        shares(&ana, "cabinet", "Budget (copy)", "", ("copy.pdf", &v1)).await;

        let versions = ana.get(&format!("/documents/{id}/versions")).await.ok();
        let mut expected: Vec<String> = versions.as_array().unwrap().iter().map(|v| {
            let hash = v["sha256"].as_str().unwrap();
            format!("blobs/{}/{}/{hash}", &hash[..2], &hash[2..4])
        }).collect();
        expected.sort();
        assert_eq!(s3.keys(), expected, "each distinct file is one object in the bucket");
        assert!(files_under(&alpha.state.config.storage.path).is_empty(), "nothing is left in the local directory");

        for (version, bytes) in [(1, &v1), (2, &v2)] {
            let file = download(&ana, &api_file(&ana, id, version)).await;
            assert_eq!(file.status(), StatusCode::OK);
            assert_eq!(file.headers()["content-disposition"].to_str().unwrap().split(';').next(), Some("attachment"));
            assert_eq!(file.bytes().await.unwrap().as_ref(), bytes.as_slice(), "version {version} comes back from the bucket");
        }
        // Private communities' files stay with their members, wherever they are stored.
        assert_eq!(download(&ben, &api_file(&ben, id, 1)).await.status(), StatusCode::FORBIDDEN);
        ben.joins("cabinet").await;
        ana.post_empty("/communities/cabinet/members/ben/approve").await.expect(StatusCode::NO_CONTENT);
        let file = download(&ben, &api_file(&ben, id, 2)).await;
        assert_eq!(file.bytes().await.unwrap().as_ref(), v2.as_slice());

        // A large file goes up in parts and comes back whole.
        let large = crate::library::large_csv(9 * 1024 * 1024);
        let doc = shares(&ana, "cabinet", "Ledger", "", ("ledger.csv", &large)).await;
        let file = download(&ana, &api_file(&ana, doc["id"].as_i64().unwrap(), 1)).await;
        assert!(file.bytes().await.unwrap().as_ref() == large.as_slice(), "the large file comes back whole");
        assert_eq!(s3.keys().len(), expected.len() + 1);
        assert!(files_under(&alpha.state.config.storage.path).is_empty(), "nothing is left in the local directory");
    }

    async fn a_store_that_refuses_the_key_loses_nothing(backend: Backend) {
        let Some(mut s3) = S3Server::start("a_store_that_refuses_the_key_loses_nothing") else { return };
        let mut config = s3.config();
        config.secret_access_key = "not-the-secret".into();
        let alpha = TestApp::spawn_with(backend, |c| {
            c.storage.backend = StorageBackend::S3;
            c.storage.s3 = config;
        }).await;
        let ana = alpha.member("ana").await;
        ana.creates_community("planning", "public").await;

        // The store's refusal is a brief unavailability to the member, not a lost thread.
        let path = "/communities/planning/documents";
        upload(&ana, path, &[("title", "Depot plan")], ("plan.pdf", &pdf("plan"))).await
            .error(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
        let listed = ana.get(path).await.ok();
        assert_eq!(listed["documents"]["items"], serde_json::json!([]), "no document without its file: {listed}");
        let threads = ana.get("/communities/planning/posts").await.ok();
        assert!(threads["items"].as_array().unwrap().is_empty(), "no thread without its file: {threads}");
        assert!(s3.keys().is_empty());
    }
}
