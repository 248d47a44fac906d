//! Memory and start-up with the server in its own process (DESIGN section 8): the real
//! `guildhall serve` binary on a fresh SQLite database, its time from spawn to the first
//! answer, its resident memory idle, and its peak under inbox load, delivery load and
//! reads, each sampled from /proc while the load runs. The load generator is this
//! process, so none of its memory is counted.
//!
//! `cargo bench --bench memory` for the figures; `-- --quick` for a short smoke run.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use serde_json::{Value, json};

#[path = "support/child.rs"]
mod child;
#[path = "support/receivers.rs"]
mod receivers;
#[path = "support/remote.rs"]
mod remote;

use child::{ChildServer, RssSampler, mib};

/// Concurrent clients for the inbox load and the reads.
const CLIENTS: usize = 32;
/// How often RSS is read while a load runs.
const SAMPLE_EVERY: Duration = Duration::from_millis(10);
/// The delivery load: followers of the community on this many instances.
const FOLLOWERS: usize = 1000;
const INSTANCES: usize = 200;

fn main() -> anyhow::Result<()> {
    let quick = std::env::args().any(|a| a == "--quick");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting a Tokio runtime")?;
    let result = runtime.block_on(run(quick));
    runtime.shutdown_timeout(Duration::from_secs(5));
    result
}

/// How much of each load to run.
struct Sizes {
    inbox: usize,
    threads: usize,
    reads: usize,
}

async fn run(quick: bool) -> anyhow::Result<()> {
    let sizes = if quick {
        Sizes {
            inbox: 200,
            threads: 2,
            reads: 300,
        }
    } else {
        Sizes {
            inbox: 5000,
            threads: 20,
            reads: 5000,
        }
    };
    println!(
        "guildhall memory benchmark{}: `guildhall serve` in its own process, SQLite",
        if quick { " (--quick)" } else { "" }
    );
    println!(
        "date: {}; cores: {}; build: {}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()?;

    let mut server = ChildServer::start(&client, &[]).await?;
    let first = server.memory()?;
    println!(
        "start-up to serving on an empty SQLite database: {:.0} ms (spawn to the first 200)",
        millis(server.started_in)
    );
    let site = child::set_up(&server, &client).await?;
    // Idle means idle: what the process holds once start-up and set-up have settled.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = server.memory()?;
    println!(
        "idle: RSS {:.1} MiB at the first answer; {:.1} MiB after set-up and 2 s idle",
        mib(first.rss),
        mib(idle.rss),
    );

    // Inbox: mallory's server sends signed replies to the thread.
    let mallory = guildhall::services::actors::generate_pair().context("making mallory's key")?;
    let mallory = activitypub_federation::http_signatures::Keypair {
        public_key: mallory.public_key,
        private_key: mallory.private_key,
    };
    let (remote, _) = remote::start_remote(&mallory.public_key).await?;
    let key_id = format!("{remote}/u/mallory#main-key");
    let path = "/c/planners/inbox";
    let inbox = format!("{}{path}", server.base);
    let replies = |from: usize, to: usize| {
        (from..to)
            .map(|i| {
                remote::reply(
                    &remote,
                    &server.base,
                    &site.group,
                    site.thread_id,
                    &i.to_string(),
                )
            })
            .collect::<Vec<Value>>()
    };
    let first_reply = remote::sign_all(replies(0, 1), &key_id, &mallory, &server.host, path)?;
    post_signed(&client, &inbox, first_reply, 1).await?;
    let signed = remote::sign_all(
        replies(1, sizes.inbox + 1),
        &key_id,
        &mallory,
        &server.host,
        path,
    )?;
    let sampler = RssSampler::start(server.pid(), SAMPLE_EVERY);
    let wall = post_signed(&client, &inbox, signed, CLIENTS).await?;
    let peak = peak_of(sampler.finish().await);
    println!(
        "inbox load: {} signed Create(Note) in {:.2} s = {:.0}/s ({CLIENTS} clients); \
         RSS peak {:.1} MiB, after {:.1} MiB",
        sizes.inbox,
        wall.as_secs_f64(),
        sizes.inbox as f64 / wall.as_secs_f64(),
        mib(peak),
        mib(server.memory()?.rss),
    );

    // Delivery: new threads fan out to the community's followers on many instances.
    let peers = receivers::Receivers::start(INSTANCES).await?;
    receivers::add_followers(
        &site.state.db,
        site.community_id,
        &peers.hosts,
        FOLLOWERS / INSTANCES,
    )
    .await?;
    peers.trust(&client, &site.group).await?;
    let sampler = RssSampler::start(server.pid(), SAMPLE_EVERY);
    let started = Instant::now();
    let mut threads = Vec::new();
    for n in 0..sizes.threads {
        let thread: Value = client
            .post(format!("{}/api/v1/communities/planners/posts", server.base))
            .bearer_auth(&site.token)
            .json(&json!({"title": format!("Transport plan, part {n}"), "body": "Comments by Friday, please."}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let id = thread["id"].as_i64().context("no id in the new thread")?;
        threads.push(format!("{}/post/{id}", server.base));
    }
    for thread in &threads {
        peers
            .log
            .wait_for(thread, INSTANCES, Duration::from_secs(300))
            .await?;
    }
    let wall = started.elapsed();
    let peak = peak_of(sampler.finish().await);
    for thread in &threads {
        let twice = peers.log.duplicates(thread);
        ensure!(
            twice.is_empty(),
            "{thread} reached receivers {twice:?} more than once"
        );
    }
    println!(
        "delivery load: {} threads to {FOLLOWERS} followers on {INSTANCES} instances = {} signed \
         deliveries, each verified, in {:.2} s; RSS peak {:.1} MiB, after {:.1} MiB",
        sizes.threads,
        sizes.threads * INSTANCES,
        wall.as_secs_f64(),
        mib(peak),
        mib(server.memory()?.rss),
    );

    // Reads: the community page, its thread list and its actor.
    let community = format!("{}/c/planners", server.base);
    let list = format!("{}/api/v1/communities/planners/posts", server.base);
    let sampler = RssSampler::start(server.pid(), SAMPLE_EVERY);
    let started = Instant::now();
    for (url, accept) in [
        (&community, "text/html"),
        (&list, "application/json"),
        (&community, "application/activity+json"),
    ] {
        get_all(&client, url, accept, sizes.reads).await?;
    }
    let wall = started.elapsed();
    let peak = peak_of(sampler.finish().await);
    println!(
        "reads: {} each of the community page (HTML), its thread list (JSON API) and its actor \
         in {:.2} s ({CLIENTS} clients; the thread holds {} replies); RSS peak {:.1} MiB, after {:.1} MiB",
        sizes.reads,
        wall.as_secs_f64(),
        sizes.inbox + 1,
        mib(peak),
        mib(server.memory()?.rss),
    );

    // Uploads: several large files at once into the community's library. They go to
    // disk as they arrive, so the peak should not grow with their size.
    let (uploads, upload_size) = if quick { (2, 4 << 20) } else { (4, 20 << 20) };
    let documents = format!("{}/api/v1/communities/planners/documents", server.base);
    let before = server.memory()?.rss;
    let sampler = RssSampler::start(server.pid(), SAMPLE_EVERY);
    let started = Instant::now();
    let sent: Vec<_> = (0..uploads)
        .map(|n| {
            let (client, url, token) = (client.clone(), documents.clone(), site.token.clone());
            tokio::spawn(async move { upload(&client, &url, &token, n, upload_size).await })
        })
        .collect();
    for outcome in sent {
        outcome.await??;
    }
    let wall = started.elapsed();
    let peak = peak_of(sampler.finish().await);
    println!(
        "uploads: {uploads} files of {} MiB at once in {:.2} s; RSS before {:.1} MiB, peak {:.1} MiB, after {:.1} MiB",
        upload_size >> 20,
        wall.as_secs_f64(),
        mib(before),
        mib(peak),
        mib(server.memory()?.rss),
    );

    server.check_running()?;
    let end = server.memory()?;
    println!(
        "whole run: peak RSS (VmHWM) {:.1} MiB; RSS now {:.1} MiB; targets: <= 20 MiB idle, <= 80 MiB under load",
        mib(end.peak),
        mib(end.rss),
    );
    println!(
        "deliveries verified by the instances: {}; warnings and errors in the server's log: {}",
        peers.log.verified.load(Ordering::SeqCst),
        server.logged_problems().len()
    );
    let refused = peers.log.refused.load(Ordering::SeqCst);
    ensure!(
        refused == 0,
        "{refused} deliveries refused: {:?}",
        peers.log.refusals()
    );
    Ok(())
}

/// Shares a CSV file of `size` bytes as document `n`, in one multipart request.
async fn upload(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    n: usize,
    size: usize,
) -> anyhow::Result<()> {
    let boundary = "guildhall-bench-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nLedger {n}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ledger-{n}.csv\"\r\n\
         Content-Type: text/csv\r\n\r\nsite,budget\n"
    )
    .into_bytes();
    let mut row = 0;
    while body.len() < size {
        body.extend_from_slice(format!("Site {n}-{row},{}\n", row * 7).as_bytes());
        row += 1;
    }
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    client
        .post(url)
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await?
        .error_for_status()
        .context("an upload was refused")?;
    Ok(())
}

fn peak_of(samples: Vec<(Duration, u64)>) -> u64 {
    samples.into_iter().map(|(_, rss)| rss).max().unwrap_or(0)
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Posts every delivery from `clients` concurrent tasks; each must be answered 202.
/// Returns the wall time.
async fn post_signed(
    client: &reqwest::Client,
    url: &str,
    deliveries: Vec<remote::SignedDelivery>,
    clients: usize,
) -> anyhow::Result<Duration> {
    let deliveries = Arc::new(deliveries);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url, deliveries, next) = (
            client.clone(),
            url.to_owned(),
            deliveries.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while let Some(delivery) = deliveries.get(next.fetch_add(1, Ordering::Relaxed)) {
                let response = client
                    .post(&url)
                    .header("content-type", "application/activity+json")
                    .header("date", &delivery.date)
                    .header("digest", &delivery.digest)
                    .header("signature", &delivery.signature)
                    .body(delivery.body.clone())
                    .send()
                    .await?;
                let status = response.status();
                let body = response.text().await?;
                ensure!(
                    status == reqwest::StatusCode::ACCEPTED,
                    "inbox: {status} {body}"
                );
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(started.elapsed())
}

/// `n` GETs of `url` over `CLIENTS` concurrent tasks; each answer must be 200.
async fn get_all(
    client: &reqwest::Client,
    url: &str,
    accept: &'static str,
    n: usize,
) -> anyhow::Result<()> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url, next) = (client.clone(), url.to_owned(), next.clone());
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < n {
                let response = client.get(&url).header("accept", accept).send().await?;
                let status = response.status();
                let body = response.bytes().await?;
                ensure!(
                    status.is_success(),
                    "{url}: {status}: {}",
                    String::from_utf8_lossy(&body)
                );
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(())
}
