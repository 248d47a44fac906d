//! The `guildhall` command as an admin scripts it: real processes, real exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn guildhall(
    dir: &std::path::Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &str)],
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guildhall"));
    command
        .args(args)
        .current_dir(dir)
        .env(
            "GUILDHALL_DATABASE__URL",
            format!("sqlite://{}/cli.db", dir.display()),
        )
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("guildhall runs");
    if let Some(input) = stdin {
        child
            .stdin
            .as_mut()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("guildhall finishes")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn an_admin_scripts_the_set_up() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = guildhall(d, &["migrate"], None, &[]);
    assert!(out.status.success(), "{}", text(&out));

    let out = guildhall(
        d,
        &["admin", "create-user", "ana", "ana@leeds.gov.uk", "--admin"],
        Some("correct horse battery\n"),
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("created administrator ana"));

    let out = guildhall(
        d,
        &["admin", "create-user", "ben", "ben@leeds.gov.uk"],
        Some(""),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no password"), "{}", text(&out));

    let out = guildhall(
        d,
        &["admin", "create-user", "ana", "other@leeds.gov.uk"],
        Some("correct horse battery\n"),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("already taken"), "{}", text(&out));

    let out = guildhall(
        d,
        &[
            "admin",
            "create-community",
            "planners",
            "--owner",
            "ana",
            "--title",
            "Planners",
            "--visibility",
            "restricted",
        ],
        None,
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("created community planners owned by ana"));

    let out = guildhall(
        d,
        &["admin", "create-community", "housing", "--owner", "nobody"],
        None,
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("not found"), "{}", text(&out));

    let out = guildhall(
        d,
        &[
            "admin",
            "create-community",
            "housing",
            "--owner",
            "ana",
            "--visibility",
            "secret",
        ],
        None,
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "clap refuses unknown values: {}",
        text(&out)
    );

    let out = guildhall(d, &["admin", "approve-user", "ana"], None, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("already approved"), "{}", text(&out));
}

#[test]
fn approve_user_lets_a_waiting_member_in() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Apply for an account through the service, as the sign-up page would.
    rt.block_on(async {
        let mut config = guildhall::config::Config::default();
        config.database.url = format!("sqlite://{}/cli.db", d.display());
        config.registration.mode = guildhall::config::SignupMode::Approval;
        let db = guildhall::server::open_database(&config).unwrap();
        let state = guildhall::state::AppState::new(db, std::sync::Arc::new(config));
        let signup = guildhall::services::accounts::SignUp {
            name: "ben".into(),
            email: "ben@leeds.gov.uk".into(),
            password: "correct horse battery".into(),
            invite_code: None,
            application: None,
        };
        guildhall::services::accounts::sign_up(&state, signup)
            .await
            .unwrap();
        assert!(
            guildhall::services::accounts::log_in(&state, "ben", "correct horse battery")
                .await
                .is_err()
        );
    });
    let out = guildhall(d, &["admin", "approve-user", "ben"], None, &[]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn bad_configuration_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = guildhall(
        d,
        &["migrate"],
        None,
        &[("GUILDHALL_REGISTRATION__MODE", "whenever")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).to_lowercase().contains("registration.mode"),
        "{}",
        text(&out)
    );

    let out = guildhall(
        d,
        &["migrate"],
        None,
        &[("GUILDHALL_DATABASE__URL", "mysql://x")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("database.url"), "{}", text(&out));

    let out = guildhall(d, &["--config", "missing.toml", "migrate"], None, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("missing.toml"), "{}", text(&out));

    std::fs::write(
        d.join("bad.toml"),
        "[instance]\ndomian = \"typo.example\"\n",
    )
    .unwrap();
    let out = guildhall(d, &["--config", "bad.toml", "migrate"], None, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("domian"), "{}", text(&out));
}

#[test]
fn help_explains_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = guildhall(dir.path(), &["--help"], None, &[]);
    assert!(out.status.success());
    for word in ["serve", "migrate", "admin", "--config"] {
        assert!(text(&out).contains(word), "--help lacks {word}");
    }
    let out = guildhall(dir.path(), &["admin", "--help"], None, &[]);
    for word in [
        "create-user",
        "approve-user",
        "create-community",
        "prune-files",
    ] {
        assert!(text(&out).contains(word), "admin --help lacks {word}");
    }
}

#[test]
fn prune_files_reports_what_it_finds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = guildhall(d, &["migrate"], None, &[]);
    assert!(out.status.success(), "{}", text(&out));
    // A file no document holds, written long enough ago.
    let orphan = d.join("files/blobs/ba/78");
    std::fs::create_dir_all(&orphan).unwrap();
    let hash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    std::fs::write(orphan.join(hash), b"abc").unwrap();
    let files = [("GUILDHALL_STORAGE__PATH", "files")];

    let out = guildhall(
        d,
        &[
            "admin",
            "prune-files",
            "--dry-run",
            "--older-than-hours",
            "0",
        ],
        None,
        &files,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("would delete 1 unused files (3 bytes) of 1"),
        "{}",
        text(&out)
    );
    assert!(orphan.join(hash).exists(), "a dry run deletes nothing");

    let out = guildhall(d, &["admin", "prune-files"], None, &files);
    assert!(
        text(&out).contains("deleted 0 unused files (0 bytes) of 1; kept 1"),
        "{}",
        text(&out)
    );
    assert!(
        orphan.join(hash).exists(),
        "a file written within the grace period stays"
    );

    let out = guildhall(
        d,
        &["admin", "prune-files", "--older-than-hours", "0"],
        None,
        &files,
    );
    assert!(
        text(&out).contains("deleted 1 unused files (3 bytes) of 1"),
        "{}",
        text(&out)
    );
    assert!(!orphan.join(hash).exists());

    let out = guildhall(
        d,
        &["admin", "prune-files", "--older-than-hours", "many"],
        None,
        &files,
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("--older-than-hours"), "{}", text(&out));
}

#[test]
fn federation_check_says_what_the_inbox_would_do_with_each_file() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, body: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        path.display().to_string()
    };
    let follow = write(
        "follow.json",
        r#"{"id": "https://social.example/f/1", "type": "Follow", "actor": "https://social.example/users/bo", "object": "https://guild.example/c/planners"}"#,
    );
    let arrive = write(
        "arrive.json",
        r#"{"id": "https://social.example/a/1", "type": "Arrive", "actor": "https://social.example/users/bo"}"#,
    );
    let spoofed = write(
        "spoofed.json",
        r#"{"id": "https://elsewhere.example/f/1", "type": "Follow", "actor": "https://social.example/users/bo", "object": "https://guild.example/c/planners"}"#,
    );
    let broken = write("broken.json", "{not json");
    let files = [&follow, &arrive, &spoofed, &broken];
    let mut args = vec!["federation", "check"];
    args.extend(files.iter().map(|f| f.as_str()));
    let out = guildhall(dir.path(), &args, None, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    for (line, (file, verdict)) in lines.iter().zip([
        (&follow, "accepted"),
        (&arrive, "ignored"),
        (&spoofed, "rejected"),
        (&broken, "rejected"),
    ]) {
        assert!(line.starts_with(&format!("{file}: {verdict}: ")), "{line}");
        assert!(
            line.len() > file.len() + verdict.len() + 4,
            "no reason: {line}"
        );
    }

    args.insert(2, "--json");
    let out = guildhall(dir.path(), &args, None, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let verdicts: Vec<&str> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["accepted", "ignored", "rejected", "rejected"]);
    assert_eq!(report[2]["file"], spoofed.as_str());

    // Only unreadable input is an error; the other files are still reported.
    let out = guildhall(
        dir.path(),
        &["federation", "check", &follow, "missing.json"],
        None,
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(": accepted: "));
    assert!(text(&out).contains("could not be read"), "{}", text(&out));
}
