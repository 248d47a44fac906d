//! Read benchmarks on a seeded data set (DESIGN section 8): a busy community's page as
//! HTML, its thread list from the JSON API, and its `Group` actor JSON, each as requests
//! per second with p50 and p99, from a real server in this process.
//!
//! Seed a database first, then name it:
//!
//! ```sh
//! guildhall admin seed --members 200000 --communities 2000 --posts 400000 --comments 1600000
//! GUILDHALL_BENCH_DATABASE=sqlite://data/guildhall.db cargo bench --bench reads
//! ```
//!
//! `-- --quick` makes fewer requests. Without `GUILDHALL_BENCH_DATABASE`, `--quick` seeds a
//! small data set into a temporary SQLite database first (a smoke run that keeps the
//! benchmark working); a full run without it says so and stops.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use diesel::QueryableByName;
use guildhall::config::Config;
use guildhall::server::Server;

/// Concurrent clients.
const CLIENTS: usize = 32;

#[derive(QueryableByName)]
struct Busiest {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    threads: i64,
}

fn main() -> anyhow::Result<()> {
    let quick = std::env::args().any(|a| a == "--quick");
    let named = std::env::var("GUILDHALL_BENCH_DATABASE")
        .ok()
        .filter(|v| !v.is_empty());
    let requests = if quick { 1000 } else { 10_000 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match named {
        Some(url) => runtime.block_on(run(url, requests)),
        None if quick => {
            let dir = tempfile::tempdir().context("temporary directory")?;
            let url = format!("sqlite://{}/guildhall.db", dir.path().display());
            runtime.block_on(seed_small(&url))?;
            runtime.block_on(run(url, requests))
        }
        None => {
            println!(
                "reads: skipped: set GUILDHALL_BENCH_DATABASE to a database filled by `guildhall admin seed`"
            );
            Ok(())
        }
    }
}

/// Seeds a small data set, as `guildhall admin seed` would, for a smoke run: its figures
/// say nothing about the targets, which are for the national data set.
async fn seed_small(url: &str) -> anyhow::Result<()> {
    let plan = guildhall::seed::SeedPlan {
        members: 200,
        communities: 5,
        posts: 500,
        comments: 2000,
        remote_members: 10,
        seed: 1,
    };
    println!(
        "reads: GUILDHALL_BENCH_DATABASE is not set: seeding {} members, {} communities, {} threads \
         and {} replies into a temporary SQLite database (a smoke run, not a figure)",
        plan.members, plan.communities, plan.posts, plan.comments
    );
    let db = guildhall::db::Db::connect(url, 1, std::time::Duration::from_secs(30))?;
    db.migrate()?;
    let hash = guildhall::services::accounts::seeded_password_hash().await?;
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = db.conn()?;
        guildhall::seed::seed(&mut conn, &plan, &hash, &mut |_, _, _| {})?;
        Ok(())
    })
    .await??;
    Ok(())
}

async fn run(url: String, requests: usize) -> anyhow::Result<()> {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0")?;
        probe.local_addr()?.port()
    };
    let mut config = Config::default();
    config.database.url = url.clone();
    config.http.bind = format!("127.0.0.1:{port}").parse()?;
    config.instance.domain = format!("localhost:{port}");
    config.limits.login_per_minute = 1_000_000;
    let server = Server::bind(config).await.context("starting the server")?;
    let state = server.state.clone();
    tokio::spawn(server.run(std::future::pending()));

    let (community, threads) = {
        let db = state.db.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<(String, i64)> {
            use diesel::RunQueryDsl;
            let mut conn = db.conn()?;
            let row: Busiest = diesel::sql_query(
                "SELECT c.name AS name, COUNT(*) AS threads FROM posts p \
                 JOIN communities c ON c.id = p.community_id \
                 WHERE c.visibility = 'public' AND c.domain IS NULL \
                 GROUP BY c.name ORDER BY threads DESC LIMIT 1",
            )
            .get_result(&mut *conn)
            .context("finding the busiest community: is the database seeded?")?;
            Ok((row.name, row.threads))
        })
        .await??
    };
    let (posts, comments) = {
        let db = state.db.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<(i64, i64)> {
            use diesel::prelude::*;
            use guildhall::db::schema::{comments, posts};
            let mut conn = db.conn()?;
            Ok((
                posts::table.count().get_result(&mut *conn)?,
                comments::table.count().get_result(&mut *conn)?,
            ))
        })
        .await??
    };
    println!("guildhall read benchmark");
    println!(
        "date: {}; cores: {}; build: {}; database: {}; {posts} threads and {comments} replies; \
         community {community} with {threads} threads",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
    );
    println!("RSS after start: {}", rss());

    let base = format!("http://localhost:{port}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()?;
    let scenarios = [
        (
            "community page (HTML)",
            format!("{base}/c/{community}"),
            "text/html",
        ),
        (
            "thread list (JSON API)",
            format!("{base}/api/v1/communities/{community}/posts"),
            "application/json",
        ),
        (
            "group actor (ActivityPub JSON)",
            format!("{base}/c/{community}"),
            "application/activity+json",
        ),
    ];
    for (what, url, accept) in scenarios {
        // Warm the caches and the connection pool first.
        load(&client, &url, accept, 200).await?;
        let started = Instant::now();
        let mut times = load(&client, &url, accept, requests).await?;
        let elapsed = started.elapsed();
        times.sort();
        println!(
            "{what}: {requests} in {:.2} s = {:.0}/s; p50 {:.1} ms; p99 {:.1} ms; RSS {}",
            elapsed.as_secs_f64(),
            requests as f64 / elapsed.as_secs_f64(),
            millis(percentile(&times, 0.50)),
            millis(percentile(&times, 0.99)),
            rss(),
        );
    }
    println!("the load generator shares the process and the cores; RSS is the whole process");
    Ok(())
}

/// `n` GETs over `CLIENTS` concurrent tasks; each answer must be 200. Returns each time.
async fn load(
    client: &reqwest::Client,
    url: &str,
    accept: &'static str,
    n: usize,
) -> anyhow::Result<Vec<Duration>> {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url, next) = (client.clone(), url.to_owned(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < n {
                let sent = Instant::now();
                let response = client.get(&url).header("accept", accept).send().await?;
                let status = response.status();
                let body = response.bytes().await?;
                ensure!(
                    status.is_success(),
                    "{url}: {status}: {}",
                    String::from_utf8_lossy(&body)
                );
                times.push(sent.elapsed());
            }
            anyhow::Ok(times)
        }));
    }
    let mut all = Vec::with_capacity(n);
    for task in tasks {
        all.extend(task.await??);
    }
    Ok(all)
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let rank = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len().max(1));
    sorted.get(rank - 1).copied().unwrap_or_default()
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// This process's resident memory, from `/proc`.
fn rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| l.trim_start_matches("VmRSS:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}
