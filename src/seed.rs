//! `guildhall admin seed`: a realistic data set written straight into the database, for
//! benchmarks and for trying the pages at the scale of a national network: members with
//! names, jobs and organisations, communities of every visibility, threads with Markdown
//! bodies and deep reply trees, votes, follows, and members on other servers.
//!
//! Rows go in by the thousand, with ids chosen here so that later rows can point at
//! earlier ones without reading them back. The same `--seed` gives the same data.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::schema::*;
use crate::db::{DbConn, transaction};
use crate::error::AppResult;
use crate::markdown;

/// How much to make.
#[derive(Debug, Clone)]
pub struct SeedPlan {
    pub members: u64,
    pub communities: u64,
    pub posts: u64,
    pub comments: u64,
    /// Members of other servers who follow communities and take part.
    pub remote_members: u64,
    /// The random seed: the same plan and seed make the same data.
    pub seed: u64,
}

/// What was made, and how long it took.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    pub members: u64,
    pub remote_members: u64,
    pub communities: u64,
    pub memberships: u64,
    pub posts: u64,
    pub comments: u64,
    pub votes: u64,
    pub elapsed: Duration,
}

impl SeedReport {
    pub fn rows(&self) -> u64 {
        self.members
            + self.remote_members
            + self.communities
            + self.memberships
            + self.posts
            + self.comments
            + self.votes
    }
}

/// Inserts many rows in one statement. Diesel's connection over both backends does not
/// offer multi-row inserts, so each backend's own connection does it.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConn::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
            DbConn::Postgres(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}

/// Rows per insert: well under both backends' limits on bound parameters.
const BATCH: usize = 1000;

/// How far back the data set's history goes.
const HISTORY_DAYS: i64 = 730;

const FIRST_NAMES: &[&str] = &[
    "Amelia", "Oliver", "Priya", "Mohammed", "Siobhan", "Gareth", "Aisha", "Tom", "Eleanor",
    "Kwame", "Rhiannon", "Daniel", "Fatima", "Callum", "Grace", "Arjun", "Niamh", "Hassan", "Lucy",
    "Owen", "Zara", "Ewan", "Chloe", "Rashid",
];
const SURNAMES: &[&str] = &[
    "Hughes", "Patel", "Okafor", "Campbell", "Evans", "Khan", "Murphy", "Roberts", "Singh",
    "Davies", "Walker", "Ahmed", "Thomas", "Morgan", "Clarke", "Begum", "Wright", "Jones", "Kelly",
    "Edwards",
];
const ORGANISATIONS: &[&str] = &[
    "Leeds City Council",
    "Bristol City Council",
    "Gwynedd Council",
    "Manchester City Council",
    "Kent County Council",
    "Glasgow City Council",
    "Cornwall Council",
    "Newcastle City Council",
    "Norfolk County Council",
    "Cardiff Council",
    "Birmingham City Council",
    "Highland Council",
    "Belfast City Council",
    "Suffolk County Council",
    "Local Government Association",
];
const JOB_TITLES: &[&str] = &[
    "Communications officer",
    "Housing adviser",
    "Planning officer",
    "Councillor",
    "Policy officer",
    "Digital lead",
    "Environmental health officer",
    "Community development worker",
    "Head of service",
    "Data analyst",
    "Licensing officer",
    "Social worker",
];
const REGIONS: &[&str] = &[
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
    "Scotland",
    "Northern Ireland",
];
const TOPICS: &[(&str, &str)] = &[
    ("housing", "Housing advice"),
    ("planning", "Planning policy"),
    ("comms", "Council communications"),
    ("digital", "Digital services"),
    ("climate", "Climate action"),
    ("licensing", "Licensing"),
    ("social_care", "Adult social care"),
    ("waste", "Waste and recycling"),
    ("transport", "Local transport"),
    ("data", "Open data"),
    ("elections", "Elections"),
    ("youth", "Youth services"),
    ("libraries", "Libraries"),
    ("procurement", "Procurement"),
    ("flooding", "Flood risk"),
    ("councillors", "Councillors' network"),
];
const QUESTIONS: &[&str] = &[
    "How are you handling",
    "Lessons learned from",
    "Template wanted for",
    "Consultation on",
    "New guidance on",
    "Anyone else seeing problems with",
    "Good practice in",
    "Budget pressures and",
    "Case study:",
    "Survey results on",
];
const SUBJECTS: &[&str] = &[
    "temporary accommodation",
    "the local plan review",
    "winter resilience messaging",
    "accessible web content",
    "net zero targets",
    "taxi licensing",
    "hospital discharge",
    "food waste collections",
    "bus service improvement plans",
    "publishing spending data",
    "postal vote applications",
    "youth club funding",
    "library opening hours",
    "social value in contracts",
    "surface water flooding",
    "ward surgeries",
];
const SENTENCES: &[&str] = &[
    "We piloted this in two wards last year and the results were mixed.",
    "The biggest issue has been getting consistent data from partners.",
    "Our cabinet member has asked for a briefing by the end of the month.",
    "Has anyone found a supplier who can meet the accessibility standards?",
    "We shared the draft with residents' groups before publishing it.",
    "The government guidance leaves a lot to local discretion.",
    "Demand has gone up by about a third since the spring.",
    "I've attached our project plan in case it helps anyone.",
    "We are recruiting for a second post to support this work.",
    "Feedback from front-line staff was that the process is too slow.",
    "The scrutiny committee will look at this again in the new year.",
    "It would be good to compare notes with a similar-sized authority.",
    "Our legal team's view is that the duty applies from April.",
    "We moved the service online but kept a phone line for those who need it.",
    "Early results suggest fewer repeat contacts.",
];

/// A thread or reply body: Markdown and its HTML, made once and reused.
struct Body {
    markdown: String,
    html: String,
}

fn bodies(rng: &mut StdRng, count: usize) -> Vec<Body> {
    (0..count)
        .map(|i| {
            let paragraphs = 1 + i % 3;
            let mut text = String::new();
            for p in 0..paragraphs {
                if p > 0 {
                    text.push_str("\n\n");
                }
                let sentences = 1 + rng.random_range(0..4);
                let line: Vec<&str> = (0..sentences)
                    .map(|_| SENTENCES[rng.random_range(0..SENTENCES.len())])
                    .collect();
                text.push_str(&line.join(" "));
            }
            match i % 5 {
                0 => text.push_str("\n\n- agree the scope\n- share the **draft**\n- report back"),
                1 => text.push_str("\n\nSee the *briefing note* for details."),
                _ => {}
            }
            Body {
                html: markdown::render(&text),
                markdown: text,
            }
        })
        .collect()
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// An index below `n`, skewed towards 0: a few communities and threads are busy, most
/// are quiet, as on a real network.
fn skewed(rng: &mut StdRng, n: usize) -> usize {
    let u: f64 = rng.random();
    ((u * u * u) * n as f64) as usize % n.max(1)
}

fn next_id(conn: &mut DbConn, table: &str) -> AppResult<i64> {
    #[derive(QueryableByName)]
    struct Max {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let row: Max = diesel::sql_query(format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}"))
        .get_result(conn)?;
    Ok(row.id + 1)
}

/// After inserting chosen ids, PostgreSQL's sequences must move past them.
fn advance_sequences(conn: &mut DbConn) -> AppResult<()> {
    if let DbConn::Postgres(_) = conn {
        for table in ["persons", "local_users", "communities", "posts", "comments"] {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .execute(conn)?;
        }
    }
    Ok(())
}

/// Reports progress: the stage, rows done and rows to do.
pub type Progress<'a> = dyn FnMut(&str, u64, u64) + 'a;

/// Writes the data set. `password_hash` is given to every seeded member, so that one
/// known password signs in as any of them.
pub fn seed(
    conn: &mut DbConn,
    plan: &SeedPlan,
    password_hash: &str,
    progress: &mut Progress,
) -> anyhow::Result<SeedReport> {
    anyhow::ensure!(plan.members > 0, "--members must be at least 1");
    anyhow::ensure!(plan.communities > 0, "--communities must be at least 1");
    anyhow::ensure!(
        plan.comments == 0 || plan.posts > 0,
        "comments need threads to go in: give --posts too"
    );
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let now = crate::db::now();
    let history_start = now - TimeDelta::days(HISTORY_DAYS);
    let mut report = SeedReport::default();
    let pool = bodies(&mut rng, 400);

    // Members here, then members elsewhere: persons are numbered in that order.
    let first_person = next_id(conn, "persons").context("reading persons")?;
    let first_user = next_id(conn, "local_users").context("reading local_users")?;
    let local_count = usize::try_from(plan.members)?;
    let mut done = 0;
    while done < local_count {
        let end = (done + BATCH).min(local_count);
        transaction(conn, |conn| {
            let mut people = Vec::with_capacity(end - done);
            let mut users = Vec::with_capacity(end - done);
            let mut names = Vec::with_capacity(end - done);
            for i in done..end {
                let id = first_person + i as i64;
                let first = *pick(&mut rng, FIRST_NAMES);
                let last = *pick(&mut rng, SURNAMES);
                let name = format!("{}_{}_{id}", first.to_lowercase(), last.to_lowercase());
                let created = history_start
                    + TimeDelta::seconds(HISTORY_DAYS * 86_400 * i as i64 / local_count as i64);
                let interests =
                    format!("{}, {}", pick(&mut rng, SUBJECTS), pick(&mut rng, SUBJECTS));
                people.push((
                    persons::id.eq(id),
                    persons::name.eq(name.clone()),
                    persons::display_name.eq(Some(format!("{first} {last}"))),
                    persons::job_title.eq(Some(*pick(&mut rng, JOB_TITLES))),
                    persons::organisation.eq(Some(*pick(&mut rng, ORGANISATIONS))),
                    persons::region.eq(Some(*pick(&mut rng, REGIONS))),
                    persons::interests.eq(Some(interests)),
                    persons::bio.eq(""),
                    persons::bio_html.eq(""),
                    persons::deleted.eq(false),
                    persons::in_directory.eq(i % 10 != 0),
                    persons::created_at.eq(created),
                ));
                users.push((
                    local_users::id.eq(first_user + i as i64),
                    local_users::person_id.eq(id),
                    local_users::email.eq(format!("{name}@example.gov.uk")),
                    local_users::password_hash.eq(password_hash),
                    local_users::role.eq("member"),
                    local_users::approved.eq(true),
                    local_users::created_at.eq(created),
                ));
                names.push((local_names::name.eq(name), local_names::kind.eq("person")));
            }
            insert_rows!(conn, persons::table, &people)?;
            insert_rows!(conn, local_users::table, &users)?;
            insert_rows!(conn, local_names::table, &names)?;
            Ok(())
        })?;
        done = end;
        progress("members", done as u64, plan.members);
    }
    report.members = plan.members;

    let remote_count = usize::try_from(plan.remote_members)?;
    let first_remote = first_person + local_count as i64;
    let mut done = 0;
    while done < remote_count {
        let end = (done + BATCH).min(remote_count);
        transaction(conn, |conn| {
            let mut people = Vec::with_capacity(end - done);
            for i in done..end {
                let host = format!("peer{}.example", i % 97);
                let name = format!("user{i}");
                let base = format!("https://{host}");
                people.push((
                    persons::id.eq(first_remote + i as i64),
                    persons::name.eq(name.clone()),
                    persons::domain.eq(Some(host.clone())),
                    persons::ap_id.eq(Some(format!("{base}/users/{name}"))),
                    persons::display_name.eq(Some(format!(
                        "{} {}",
                        pick(&mut rng, FIRST_NAMES),
                        pick(&mut rng, SURNAMES)
                    ))),
                    persons::inbox_url.eq(Some(format!("{base}/users/{name}/inbox"))),
                    persons::shared_inbox_url.eq(Some(format!("{base}/inbox"))),
                    persons::bio.eq(""),
                    persons::bio_html.eq(""),
                    persons::deleted.eq(false),
                    persons::in_directory.eq(false),
                    persons::created_at.eq(now),
                    persons::last_refreshed_at.eq(Some(now)),
                ));
            }
            insert_rows!(conn, persons::table, &people)?;
            Ok(())
        })?;
        done = end;
        progress("members on other servers", done as u64, plan.remote_members);
    }
    report.remote_members = plan.remote_members;
    let people = local_count + remote_count;
    let person_id = |index: usize| first_person + index as i64;

    // Communities, each with a facilitator who founded it.
    let first_community = next_id(conn, "communities").context("reading communities")?;
    let community_count = usize::try_from(plan.communities)?;
    let mut founders = Vec::with_capacity(community_count);
    let mut done = 0;
    while done < community_count {
        let end = (done + BATCH).min(community_count);
        transaction(conn, |conn| {
            let mut rows = Vec::with_capacity(end - done);
            let mut names = Vec::with_capacity(end - done);
            let mut moderators = Vec::with_capacity(end - done);
            for i in done..end {
                let id = first_community + i as i64;
                let (slug, title) = TOPICS[i % TOPICS.len()];
                let region = REGIONS[(i / TOPICS.len()) % REGIONS.len()];
                let name = format!("{slug}_{id}");
                let body = pick(&mut rng, &pool);
                // Mostly public; one in ten restricted, one in twenty private.
                let visibility = match i % 20 {
                    3 => "private",
                    7 | 14 => "restricted",
                    _ => "public",
                };
                let founder = rng.random_range(0..local_count);
                founders.push(founder);
                rows.push((
                    communities::id.eq(id),
                    communities::name.eq(name.clone()),
                    communities::title.eq(format!("{title} ({region})")),
                    communities::description.eq(body.markdown.clone()),
                    communities::description_html.eq(body.html.clone()),
                    communities::visibility.eq(visibility),
                    communities::posting_restricted.eq(false),
                    communities::deleted.eq(false),
                    communities::microblog_comments.eq(false),
                    communities::created_at.eq(history_start),
                ));
                names.push((
                    local_names::name.eq(name),
                    local_names::kind.eq("community"),
                ));
                moderators.push((
                    community_moderators::community_id.eq(id),
                    community_moderators::person_id.eq(person_id(founder)),
                    community_moderators::created_at.eq(history_start),
                ));
            }
            insert_rows!(conn, communities::table, &rows)?;
            insert_rows!(conn, local_names::table, &names)?;
            insert_rows!(conn, community_moderators::table, &moderators)?;
            Ok(())
        })?;
        done = end;
        progress("communities", done as u64, plan.communities);
    }
    report.communities = plan.communities;

    // Follows: each member joins a few communities, the busy ones most often; founders
    // belong to their own.
    let mut members_of: Vec<Vec<u32>> = vec![Vec::new(); community_count];
    for (community, founder) in founders.iter().enumerate() {
        members_of[community].push(*founder as u32);
    }
    for member in 0..people {
        let joins = if member < local_count {
            1 + rng.random_range(0..8)
        } else {
            1 + rng.random_range(0..3)
        };
        for _ in 0..joins {
            let community = skewed(&mut rng, community_count);
            let list = &mut members_of[community];
            if list.last() != Some(&(member as u32)) && !list.contains(&(member as u32)) {
                list.push(member as u32);
            }
        }
    }
    let total_memberships: u64 = members_of.iter().map(|m| m.len() as u64).sum();
    let mut pending = Vec::with_capacity(BATCH);
    let mut written = 0u64;
    for (community, list) in members_of.iter().enumerate() {
        for member in list {
            pending.push((community, *member));
            if pending.len() == BATCH {
                written += insert_memberships(conn, &pending, first_community, first_person, now)?;
                pending.clear();
                progress("follows", written, total_memberships);
            }
        }
    }
    written += insert_memberships(conn, &pending, first_community, first_person, now)?;
    progress("follows", written, total_memberships);
    report.memberships = written;

    // How many replies each thread gets: a few threads draw long discussions.
    let post_count = usize::try_from(plan.posts)?;
    let mut replies = vec![0u32; post_count];
    if post_count > 0 {
        for _ in 0..plan.comments {
            replies[skewed(&mut rng, post_count)] += 1;
        }
    }

    // Threads, oldest first, with their votes.
    let first_post = next_id(conn, "posts").context("reading posts")?;
    let mut post_community = Vec::with_capacity(post_count);
    let mut post_times = Vec::with_capacity(post_count);
    let mut done = 0;
    while done < post_count {
        let end = (done + BATCH).min(post_count);
        transaction(conn, |conn| {
            let mut rows = Vec::with_capacity(end - done);
            let mut votes = Vec::new();
            for (i, &reply_count) in replies.iter().enumerate().take(end).skip(done) {
                let id = first_post + i as i64;
                let community = skewed(&mut rng, community_count);
                let author = *pick(&mut rng, &members_of[community]) as usize;
                let created = history_start
                    + TimeDelta::seconds(HISTORY_DAYS * 86_400 * i as i64 / post_count as i64);
                post_community.push(community);
                post_times.push(created);
                let (up, down) = vote_rows(
                    &mut rng,
                    local_count,
                    person_id,
                    &mut votes,
                    |voter, score| {
                        (
                            post_votes::post_id.eq(id),
                            post_votes::person_id.eq(voter),
                            post_votes::score.eq(score),
                            post_votes::created_at.eq(created),
                        )
                    },
                );
                let body = pick(&mut rng, &pool);
                rows.push((
                    posts::id.eq(id),
                    posts::community_id.eq(first_community + community as i64),
                    posts::author_id.eq(person_id(author)),
                    posts::title.eq(format!(
                        "{} {}",
                        pick(&mut rng, QUESTIONS),
                        pick(&mut rng, SUBJECTS)
                    )),
                    posts::body.eq(body.markdown.clone()),
                    posts::body_html.eq(body.html.clone()),
                    posts::pinned.eq(i % 500 == 0),
                    posts::locked.eq(i % 300 == 7),
                    posts::removed.eq(false),
                    posts::deleted.eq(false),
                    posts::upvotes.eq(up),
                    posts::downvotes.eq(down),
                    posts::comment_count.eq(reply_count as i32),
                    posts::created_at.eq(created),
                ));
            }
            insert_rows!(conn, posts::table, &rows)?;
            for chunk in votes.chunks(BATCH) {
                insert_rows!(conn, post_votes::table, chunk)?;
            }
            report.votes += votes.len() as u64;
            Ok(())
        })?;
        done = end;
        progress("threads", done as u64, plan.posts);
    }
    report.posts = plan.posts;

    // Replies, thread by thread: most answer an earlier reply, so trees grow deep.
    let first_comment = next_id(conn, "comments").context("reading comments")?;
    let mut next_comment = first_comment;
    let mut rows = Vec::with_capacity(BATCH);
    let mut votes = Vec::new();
    let mut written = 0u64;
    // Writes the replies and votes gathered so far in one transaction.
    macro_rules! flush_replies {
        () => {
            if !rows.is_empty() {
                transaction(conn, |conn| {
                    insert_rows!(conn, comments::table, &rows)?;
                    for chunk in votes.chunks(BATCH) {
                        insert_rows!(conn, comment_votes::table, chunk)?;
                    }
                    Ok(())
                })?;
                written += rows.len() as u64;
                report.votes += votes.len() as u64;
                rows.clear();
                votes.clear();
                progress("replies", written, plan.comments);
            }
        };
    }
    for (post, &count) in replies.iter().enumerate() {
        let community = post_community[post];
        let mut thread: Vec<(i64, i32)> = Vec::with_capacity(count as usize);
        for n in 0..count {
            let id = next_comment;
            next_comment += 1;
            let (parent, depth) = if !thread.is_empty() && rng.random_bool(0.7) {
                // Recent replies draw answers: pick among the last few.
                let back = rng.random_range(0..thread.len().min(5));
                let (parent, depth) = thread[thread.len() - 1 - back];
                (Some(parent), depth + 1)
            } else {
                (None, 0)
            };
            thread.push((id, depth));
            let author = *pick(&mut rng, &members_of[community]) as usize;
            let created = post_times[post] + TimeDelta::minutes(i64::from(n) * 7 + 3);
            let (up, down) = vote_rows(
                &mut rng,
                local_count,
                person_id,
                &mut votes,
                |voter, score| {
                    (
                        comment_votes::comment_id.eq(id),
                        comment_votes::person_id.eq(voter),
                        comment_votes::score.eq(score),
                        comment_votes::created_at.eq(created),
                    )
                },
            );
            let body = pick(&mut rng, &pool);
            rows.push((
                comments::id.eq(id),
                comments::post_id.eq(first_post + post as i64),
                comments::parent_id.eq(parent),
                comments::author_id.eq(person_id(author)),
                comments::body.eq(body.markdown.clone()),
                comments::body_html.eq(body.html.clone()),
                comments::depth.eq(depth),
                comments::removed.eq(false),
                comments::deleted.eq(false),
                comments::upvotes.eq(up),
                comments::downvotes.eq(down),
                comments::created_at.eq(created),
            ));
            if rows.len() == BATCH {
                flush_replies!();
            }
        }
    }
    flush_replies!();
    report.comments = written;

    advance_sequences(conn).context("moving the id sequences on")?;
    // Fresh statistics, so that the query planner knows the tables are large now: without
    // them PostgreSQL sorted a whole community's threads for each page (2.6 s, not 1 ms).
    // On PostgreSQL, VACUUM also marks the new pages all-visible, so counts can be
    // answered from an index alone. (On SQLite it would rewrite the whole file.)
    let tidy = match conn {
        DbConn::Postgres(_) => "VACUUM ANALYZE",
        DbConn::Sqlite(_) => "ANALYZE",
    };
    diesel::sql_query(tidy)
        .execute(conn)
        .context("updating the planner's statistics")?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Up to five local members vote, mostly up; pushes their rows and returns the counts.
fn vote_rows<T>(
    rng: &mut StdRng,
    local_count: usize,
    person_id: impl Fn(usize) -> i64,
    out: &mut Vec<T>,
    row: impl Fn(i64, i32) -> T,
) -> (i32, i32) {
    let voters = rng.random_range(0..6).min(local_count);
    let start = rng.random_range(0..local_count);
    let (mut up, mut down) = (0, 0);
    for v in 0..voters {
        // Consecutive members from a random start: never the same voter twice.
        let voter = person_id((start + v) % local_count);
        let score = if rng.random_bool(0.85) { 1 } else { -1 };
        if score > 0 {
            up += 1;
        } else {
            down += 1;
        }
        out.push(row(voter, score));
    }
    (up, down)
}

type MembershipRow<'a> = (
    diesel::dsl::Eq<community_members::community_id, i64>,
    diesel::dsl::Eq<community_members::person_id, i64>,
    diesel::dsl::Eq<community_members::state, &'a str>,
    diesel::dsl::Eq<community_members::created_at, NaiveDateTime>,
);

fn insert_memberships(
    conn: &mut DbConn,
    pending: &[(usize, u32)],
    first_community: i64,
    first_person: i64,
    at: NaiveDateTime,
) -> anyhow::Result<u64> {
    if pending.is_empty() {
        return Ok(0);
    }
    let rows: Vec<MembershipRow> = pending
        .iter()
        .map(|(community, member)| {
            (
                community_members::community_id.eq(first_community + *community as i64),
                community_members::person_id.eq(first_person + i64::from(*member)),
                community_members::state.eq("accepted"),
                community_members::created_at.eq(at),
            )
        })
        .collect();
    transaction(conn, |conn| {
        insert_rows!(conn, community_members::table, &rows)?;
        Ok(())
    })?;
    Ok(pending.len() as u64)
}
