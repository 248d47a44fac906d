//! Soak: the real `guildhall serve` binary in its own process on a fresh SQLite database,
//! under a steady mixed load for a set time: reads of the community page, its thread list,
//! the newest thread and the community's actor; threads and replies by two local members
//! through the API, which fan out to followers on stand-in instances that verify every
//! signature; and signed `Create(Note)` replies from a remote member at the inbox. The
//! server's RSS is sampled throughout. It fails if any request or delivery fails.
//!
//! `cargo bench --bench soak -- --minutes 10` for the documented run; `-- --seconds 10`
//! for a smoke run.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use activitypub_federation::http_signatures::Keypair;
use anyhow::{Context, bail, ensure};
use serde_json::{Value, json};

#[path = "support/child.rs"]
mod child;
#[path = "support/receivers.rs"]
mod receivers;
#[path = "support/remote.rs"]
mod remote;

use child::{ChildServer, RssSampler, mib};

/// Followers of the community, on this many instances: each new thread and reply is
/// delivered to every instance.
const FOLLOWERS: usize = 50;
const INSTANCES: usize = 10;
/// The paced load, per second: reads (over `READERS` tasks), inbox replies (over
/// `SENDERS` tasks), and threads and replies by local members, taking turns. The community
/// announces every reply, remote ones too, to each instance: about 220 signed deliveries
/// a second, which with the rest keeps about one of two cores busy.
const READS_PER_SECOND: u64 = 100;
const READERS: u64 = 4;
const INBOX_PER_SECOND: u64 = 20;
const SENDERS: u64 = 2;
const POSTS_PER_SECOND: u64 = 2;

fn main() -> anyhow::Result<()> {
    let duration = duration_from_args()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting a Tokio runtime")?;
    let result = runtime.block_on(run(duration));
    runtime.shutdown_timeout(Duration::from_secs(5));
    result
}

/// `--minutes N` or `--seconds N`; ten minutes without either. Cargo's own `--bench` is
/// passed through to the program and ignored.
fn duration_from_args() -> anyhow::Result<Duration> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut duration = Duration::from_secs(600);
    let mut i = 0;
    while i < args.len() {
        let unit = match args[i].as_str() {
            "--minutes" => 60,
            "--seconds" => 1,
            _ => {
                i += 1;
                continue;
            }
        };
        let value: u64 = args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .filter(|&v| v > 0)
            .with_context(|| format!("{} needs a whole number above 0", args[i]))?;
        duration = Duration::from_secs(value * unit);
        i += 2;
    }
    Ok(duration)
}

/// Requests made and failed, by kind, and the first few failures.
#[derive(Default)]
struct Tally {
    done: Mutex<BTreeMap<&'static str, usize>>,
    errors: AtomicUsize,
    first_errors: Mutex<Vec<String>>,
}

impl Tally {
    fn count(&self, kind: &'static str, outcome: anyhow::Result<()>) {
        if let Ok(mut done) = self.done.lock() {
            *done.entry(kind).or_default() += 1;
        }
        if let Err(e) = outcome {
            self.errors.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut first) = self.first_errors.lock()
                && first.len() < 10
            {
                first.push(format!("{kind}: {e:#}"));
            }
        }
    }
}

/// What the load tasks share.
struct Load {
    client: reqwest::Client,
    base: String,
    host: String,
    group: String,
    tokens: [String; 2],
    /// Threads started during the run, newest last; replies go to the newest.
    threads: Mutex<Vec<i64>>,
    tally: Tally,
    stop: AtomicBool,
    mallory: Keypair,
    remote: String,
    sent: AtomicUsize,
}

impl Load {
    fn newest_thread(&self) -> Option<i64> {
        self.threads.lock().ok().and_then(|t| t.last().copied())
    }
}

async fn run(duration: Duration) -> anyhow::Result<()> {
    println!(
        "guildhall soak: `guildhall serve` in its own process, SQLite, for {} s",
        duration.as_secs()
    );
    println!(
        "date: {}; cores: {}; build: {}; load per second: {READS_PER_SECOND} reads, \
         {INBOX_PER_SECOND} signed inbox replies, {POSTS_PER_SECOND} threads or replies by members \
         (each delivered to {FOLLOWERS} followers on {INSTANCES} instances)",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(16)
        .build()?;
    let mut server = ChildServer::start(&client, &[]).await?;
    let site = child::set_up(&server, &client).await?;

    let peers = receivers::Receivers::start(INSTANCES).await?;
    receivers::add_followers(
        &site.state.db,
        site.community_id,
        &peers.hosts,
        FOLLOWERS / INSTANCES,
    )
    .await?;
    peers.trust(&client, &site.group).await?;
    let ben = sign_in_and_join(&client, &server.base, "ben").await?;

    let mallory = guildhall::services::actors::generate_pair().context("making mallory's key")?;
    let mallory = Keypair {
        public_key: mallory.public_key,
        private_key: mallory.private_key,
    };
    let (remote, _) = remote::start_remote(&mallory.public_key).await?;
    let load = Arc::new(Load {
        client: client.clone(),
        base: server.base.clone(),
        host: server.host.clone(),
        group: site.group.clone(),
        tokens: [site.token.clone(), ben],
        threads: Mutex::new(vec![site.thread_id]),
        tally: Tally::default(),
        stop: AtomicBool::new(false),
        mallory,
        remote,
        sent: AtomicUsize::new(0),
    });

    let every = if duration < Duration::from_secs(120) {
        Duration::from_millis(250)
    } else {
        Duration::from_secs(2)
    };
    let sampler = RssSampler::start(server.pid(), every);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..READERS {
        tasks.push(tokio::spawn(reader(load.clone(), n)));
    }
    for _ in 0..SENDERS {
        tasks.push(tokio::spawn(sender(load.clone())));
    }
    tasks.push(tokio::spawn(poster(load.clone())));
    while started.elapsed() < duration {
        tokio::time::sleep(Duration::from_millis(200)).await;
        server.check_running()?;
    }
    load.stop.store(true, Ordering::SeqCst);
    for task in tasks {
        task.await.context("a load task failed")?;
    }
    let wall = started.elapsed();
    let samples = sampler.finish().await;

    // Everything posted must have reached every instance, once.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let pending = site
            .state
            .db
            .read(guildhall::db::federation::pending_deliveries)
            .await?;
        if pending == 0 {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "{pending} deliveries still pending two minutes after the load stopped"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let threads = load.threads.lock().map(|t| t.clone()).unwrap_or_default();
    let mut undelivered = 0;
    // The first thread is older than the followers.
    for id in threads.iter().skip(1) {
        let thread = format!("{}/post/{id}", server.base);
        let reached = peers
            .log
            .wait_for(&thread, INSTANCES, Duration::from_secs(5))
            .await;
        if reached.is_err() || !peers.log.duplicates(&thread).is_empty() {
            undelivered += 1;
        }
    }
    let refused = peers.log.refused.load(Ordering::SeqCst);
    let verified = peers.log.verified.load(Ordering::SeqCst);
    let problems = server.logged_problems();

    let done = load
        .tally
        .done
        .lock()
        .map(|d| d.clone())
        .unwrap_or_default();
    let total: usize = done.values().sum();
    println!(
        "requests: {total} in {:.0} s ({})",
        wall.as_secs_f64(),
        done.iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "deliveries: {verified} verified by the {INSTANCES} instances, {refused} refused; \
         threads that did not reach every instance exactly once: {undelivered} of {}",
        threads.len() - 1
    );
    let errors = load.tally.errors.load(Ordering::SeqCst) + refused + undelivered;
    println!(
        "errors: {errors}; warnings and errors in the server's log: {}",
        problems.len()
    );
    let flat = memory_verdict(&samples);
    let end = server.memory()?;
    println!(
        "peak RSS over the whole run, set-up included (VmHWM): {:.1} MiB",
        mib(end.peak)
    );
    let first = load
        .tally
        .first_errors
        .lock()
        .map(|e| e.clone())
        .unwrap_or_default();
    for error in first.iter().chain(problems.iter().take(5)) {
        println!("  {error}");
    }
    if errors > 0 {
        bail!("the soak had {errors} errors");
    }
    if !flat {
        println!("memory: did not stay flat (see above)");
    }
    Ok(())
}

/// Prints RSS first, least, most and last, and compares the mean of the last tenth of the
/// run with that of the second tenth (the first is start-up and warming caches). Flat
/// means the last is within 10 % of the second.
fn memory_verdict(samples: &[(Duration, u64)]) -> bool {
    let rss: Vec<u64> = samples.iter().map(|&(_, r)| r).collect();
    let (Some(&first), Some(&last)) = (rss.first(), rss.last()) else {
        println!("memory: no samples");
        return false;
    };
    let min = rss.iter().copied().min().unwrap_or(0);
    let max = rss.iter().copied().max().unwrap_or(0);
    let tenth = (rss.len() / 10).max(1);
    let mean = |part: &[u64]| part.iter().sum::<u64>() as f64 / part.len().max(1) as f64;
    let second = mean(&rss[tenth.min(rss.len() - 1)..(2 * tenth).min(rss.len())]);
    let final_tenth = mean(&rss[rss.len() - tenth..]);
    let growth = (final_tenth - second) / second.max(1.0) * 100.0;
    let flat = growth <= 10.0;
    println!(
        "RSS (MiB, {} samples): first {:.1}, min {:.1}, max {:.1}, last {:.1}; \
         mean of the second tenth {:.1}, of the last tenth {:.1}: {growth:+.1} % -> {}",
        rss.len(),
        mib(first),
        mib(min),
        mib(max),
        mib(last),
        second / 1024.0,
        final_tenth / 1024.0,
        if flat { "flat" } else { "grew" },
    );
    flat
}

/// Signs `name` in through the API, joins planners, and returns the bearer token.
async fn sign_in_and_join(
    client: &reqwest::Client,
    base: &str,
    name: &str,
) -> anyhow::Result<String> {
    let session: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": name, "password": child::PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = session["token"]
        .as_str()
        .context("no token in the log-in answer")?
        .to_owned();
    client
        .post(format!("{base}/api/v1/communities/planners/join"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?;
    Ok(token)
}

fn ticker(per_second: u64, tasks: u64) -> tokio::time::Interval {
    let period = Duration::from_micros(1_000_000 * tasks / per_second.max(1));
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks
}

/// GETs a URL with an Accept header; anything but 200 is an error.
async fn get(load: &Load, url: &str, accept: &str) -> anyhow::Result<()> {
    let response = load.client.get(url).header("accept", accept).send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    ensure!(
        status == reqwest::StatusCode::OK,
        "{url}: {status}: {}",
        String::from_utf8_lossy(&body[..body.len().min(200)])
    );
    Ok(())
}

/// Reads in turn: the community page, its thread list, the newest thread, its actor.
async fn reader(load: Arc<Load>, offset: u64) {
    let mut ticks = ticker(READS_PER_SECOND, READERS);
    let mut turn = offset;
    while !load.stop.load(Ordering::SeqCst) {
        ticks.tick().await;
        let thread = load.newest_thread().unwrap_or_default();
        let (kind, url, accept) = match turn % 4 {
            0 => (
                "community page",
                format!("{}/c/planners", load.base),
                "text/html",
            ),
            1 => (
                "thread list",
                format!("{}/api/v1/communities/planners/posts", load.base),
                "application/json",
            ),
            2 => (
                "thread page",
                format!("{}/post/{thread}", load.base),
                "text/html",
            ),
            _ => (
                "group actor",
                format!("{}/c/planners", load.base),
                "application/activity+json",
            ),
        };
        turn += 1;
        let outcome = get(&load, &url, accept).await;
        load.tally.count(kind, outcome);
    }
}

/// Mallory's server sends signed replies to the newest thread, each signed as it goes.
async fn sender(load: Arc<Load>) {
    let mut ticks = ticker(INBOX_PER_SECOND, SENDERS);
    let key_id = format!("{}/u/mallory#main-key", load.remote);
    let path = "/c/planners/inbox";
    while !load.stop.load(Ordering::SeqCst) {
        ticks.tick().await;
        let thread = load.newest_thread().unwrap_or_default();
        let n = load.sent.fetch_add(1, Ordering::SeqCst);
        let outcome = async {
            let reply = remote::reply(
                &load.remote,
                &load.base,
                &load.group,
                thread,
                &n.to_string(),
            );
            let mut signed =
                remote::sign_all(vec![reply], &key_id, &load.mallory, &load.host, path)?;
            let delivery = signed.pop().context("nothing signed")?;
            let response = load
                .client
                .post(format!("{}{path}", load.base))
                .header("content-type", "application/activity+json")
                .header("date", &delivery.date)
                .header("digest", &delivery.digest)
                .header("signature", &delivery.signature)
                .body(delivery.body)
                .send()
                .await?;
            let status = response.status();
            let body = response.text().await?;
            ensure!(
                status == reqwest::StatusCode::ACCEPTED,
                "inbox: {status} {body}"
            );
            anyhow::Ok(())
        }
        .await;
        load.tally.count("inbox Create(Note)", outcome);
    }
}

/// Ana and Ben take turns: a new thread, then a reply to the newest thread.
async fn poster(load: Arc<Load>) {
    let mut ticks = ticker(POSTS_PER_SECOND, 1);
    let mut turn = 0usize;
    while !load.stop.load(Ordering::SeqCst) {
        ticks.tick().await;
        let token = &load.tokens[turn % 2];
        if turn.is_multiple_of(2) {
            let outcome = async {
                let thread: Value = load
                    .client
                    .post(format!("{}/api/v1/communities/planners/posts", load.base))
                    .bearer_auth(token)
                    .json(&json!({
                        "title": format!("Depot site options, round {turn}"),
                        "body": "Three sites are left; the **consultation** closes in May.",
                    }))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                let id = thread["id"].as_i64().context("no id in the new thread")?;
                if let Ok(mut threads) = load.threads.lock() {
                    threads.push(id);
                }
                anyhow::Ok(())
            }
            .await;
            load.tally.count("thread by a member", outcome);
        } else {
            let thread = load.newest_thread().unwrap_or_default();
            let outcome = async {
                load.client
                    .post(format!("{}/api/v1/posts/{thread}/comments", load.base))
                    .bearer_auth(token)
                    .json(&json!({"body": "Site B has the better bus links."}))
                    .send()
                    .await?
                    .error_for_status()?;
                anyhow::Ok(())
            }
            .await;
            load.tally.count("reply by a member", outcome);
        }
        turn += 1;
    }
}
