//! Polls on threads: what a new poll may hold, who may vote and when, who sees the
//! results, and votes arriving from other servers.
//!
//! A poll is counted on its thread's own server. Our members' votes on a poll from
//! elsewhere are sent there (as Mastodon does, a `Create` of a `Note` named after the
//! option) and are final, as they are for voters from elsewhere on our polls: the
//! protocol has no way to take such a vote back.

use chrono::{DateTime, NaiveDateTime, Utc};
use url::Url;

use crate::db::models::{DbPerson, DbPoll, DbPollOption, DbPost};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::federation::urls::Urls;
use crate::services::Actor;
use crate::services::federation::{Change, federate_post, send_poll_votes};
use crate::services::posts::{PostDetail, detail, load, require_visible};
use crate::state::AppState;

/// The fewest and most options a poll offers.
pub const OPTIONS_MIN: usize = 2;
pub const OPTIONS_MAX: usize = 10;
/// The longest an option's text may be, in characters.
pub const OPTION_MAX: usize = 100;

/// A poll as a new thread asks for it.
#[derive(Debug, Clone, Default)]
pub struct PollInput {
    /// The options' texts, in order; empty ones are left out.
    pub options: Vec<String>,
    /// Several choices rather than one.
    pub multiple: bool,
    pub closes_at: Option<DateTime<Utc>>,
}

/// A poll input that passed the checks.
#[derive(Debug, Clone)]
pub(crate) struct CheckedPoll {
    options: Vec<String>,
    multiple: bool,
    closes_at: Option<NaiveDateTime>,
}

impl PollInput {
    /// Trims the options, drops empty ones, and checks the count, lengths, uniqueness
    /// (voters from elsewhere choose by name) and that the closing time is ahead.
    pub(crate) fn check(self) -> AppResult<CheckedPoll> {
        let options: Vec<String> = self
            .options
            .iter()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        if !(OPTIONS_MIN..=OPTIONS_MAX).contains(&options.len()) {
            return Err(AppError::bad_request(
                "invalid_poll",
                format!("a poll needs between {OPTIONS_MIN} and {OPTIONS_MAX} options"),
            ));
        }
        if options.iter().any(|o| o.chars().count() > OPTION_MAX) {
            return Err(AppError::bad_request(
                "invalid_poll",
                format!("each option must be at most {OPTION_MAX} characters long"),
            ));
        }
        for (i, option) in options.iter().enumerate() {
            if options[..i].iter().any(|o| o.eq_ignore_ascii_case(option)) {
                return Err(AppError::bad_request(
                    "invalid_poll",
                    "each option must be different from the others",
                ));
            }
        }
        let closes_at = self.closes_at.map(|t| t.naive_utc());
        if closes_at.is_some_and(|t| t <= db::now()) {
            return Err(AppError::bad_request(
                "invalid_closing_time",
                "the closing time must be in the future",
            ));
        }
        Ok(CheckedPoll {
            options,
            multiple: self.multiple,
            closes_at,
        })
    }
}

/// Stores a checked poll for a new thread.
pub(crate) fn insert(conn: &mut DbConn, post_id: i64, poll: &CheckedPoll) -> AppResult<()> {
    let options: Vec<(String, i32)> = poll.options.iter().map(|o| (o.clone(), 0)).collect();
    db::polls::insert_poll(conn, post_id, poll.multiple, poll.closes_at, &options, 0)
}

/// A thread's poll as one viewer may see it.
#[derive(Debug, Clone)]
pub struct Poll {
    pub row: DbPoll,
    pub options: Vec<DbPollOption>,
    /// The positions the viewer chose; empty if they have not voted.
    pub voted: Vec<i32>,
    pub closed: bool,
    /// Whether the viewer may see the counts: they voted, the poll closed, or they are
    /// the thread's author or a facilitator.
    pub results_visible: bool,
    /// Whether the viewer may vote now.
    pub can_vote: bool,
    /// Whether the viewer may change or withdraw their vote: only on our own polls.
    pub can_change: bool,
}

impl Poll {
    /// An option's share of the voters, in whole per cent. For a multiple-choice poll the
    /// shares add up to more than 100, as each voter may choose several.
    pub fn percent(&self, option: &DbPollOption) -> u32 {
        let total = if self.row.voters_count > 0 {
            i64::from(self.row.voters_count)
        } else {
            self.options.iter().map(|o| i64::from(o.votes)).sum()
        };
        if total <= 0 {
            return 0;
        }
        let share = (i64::from(option.votes) * 100 + total / 2) / total;
        u32::try_from(share.clamp(0, 100)).unwrap_or(0)
    }
}

/// Whether a poll has closed.
pub fn is_closed(poll: &DbPoll) -> bool {
    poll.closes_at.is_some_and(|t| t <= db::now())
}

/// Builds what a viewer sees of a poll. `privileged` is true for the thread's author and
/// the community's facilitators; `signed_in` whether the viewer could vote at all.
pub(crate) fn view(
    post: &DbPost,
    row: DbPoll,
    options: Vec<DbPollOption>,
    voted: Vec<i32>,
    privileged: bool,
    signed_in: bool,
) -> Poll {
    let closed = is_closed(&row);
    let remote = post.ap_id.is_some();
    Poll {
        results_visible: closed || !voted.is_empty() || privileged,
        // A vote on a poll from elsewhere is final, so it is cast once.
        can_vote: signed_in && !closed && (!remote || voted.is_empty()),
        can_change: signed_in && !closed && !remote && !voted.is_empty(),
        closed,
        row,
        options,
        voted,
    }
}

/// Loads a thread's poll for one viewer, if it has one.
pub(crate) fn load_for(
    conn: &mut DbConn,
    post: &DbPost,
    viewer: Option<&Actor>,
    moderator: bool,
) -> AppResult<Option<Poll>> {
    let Some((row, options)) = db::polls::poll(conn, post.id)? else {
        return Ok(None);
    };
    let voted = match viewer {
        Some(v) => db::polls::choices_of(conn, v.person_id, &[post.id])?
            .into_iter()
            .map(|(_, position)| position)
            .collect(),
        None => Vec::new(),
    };
    let privileged = moderator || viewer.is_some_and(|v| v.person_id == post.author_id);
    Ok(Some(view(
        post,
        row,
        options,
        voted,
        privileged,
        viewer.is_some(),
    )))
}

/// The polls of several threads for one viewer, in two or three queries.
pub(crate) fn load_many(
    conn: &mut DbConn,
    details: &mut [PostDetail],
    viewer: Option<&Actor>,
    moderator: bool,
) -> AppResult<()> {
    let ids: Vec<i64> = details.iter().map(|d| d.post.id).collect();
    let polls = db::polls::polls_of(conn, &ids)?;
    if polls.is_empty() {
        return Ok(());
    }
    let choices = match viewer {
        Some(v) => db::polls::choices_of(conn, v.person_id, &ids)?,
        None => Vec::new(),
    };
    for (row, options) in polls {
        let Some(d) = details.iter_mut().find(|d| d.post.id == row.post_id) else {
            continue;
        };
        let voted = choices
            .iter()
            .filter(|(post, _)| *post == row.post_id)
            .map(|(_, position)| *position)
            .collect();
        let privileged = moderator || viewer.is_some_and(|v| v.person_id == d.post.author_id);
        d.poll = Some(view(
            &d.post,
            row,
            options,
            voted,
            privileged,
            viewer.is_some(),
        ));
    }
    Ok(())
}

/// Votes in a thread's poll: `choices` are option positions, one unless the poll takes
/// several. On our own polls a new vote replaces the old one.
#[tracing::instrument(skip_all, fields(post = id))]
pub async fn vote(
    state: &AppState,
    actor: &Actor,
    id: i64,
    choices: Vec<i32>,
) -> AppResult<PostDetail> {
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post, access) = load(conn, id, Some(&actor))?;
            require_visible(&post, &access)?;
            access.require_participate()?;
            let (poll, options) = db::polls::poll(conn, id)?.ok_or(AppError::NotFound("poll"))?;
            if is_closed(&poll) {
                return Err(closed());
            }
            let chosen = chosen_options(&poll, &options, choices)?;
            let ids: Vec<i64> = chosen.iter().map(|o| o.id).collect();
            db::polls::lock(conn, id)?;
            if post.ap_id.is_some() {
                // Counted on the thread's own server, where a vote cannot be taken back.
                if !db::polls::choices_of(conn, actor.person_id, &[id])?.is_empty() {
                    return Err(AppError::conflict_code(
                        "vote_final",
                        "you have voted in this poll; a vote on a poll from another server is final",
                    ));
                }
                let author = db::persons::person(conn, post.author_id)?;
                let sent = send_poll_votes(conn, &urls, &post, &author, actor.person_id, &chosen)?;
                for (option, note) in chosen.iter().zip(&sent) {
                    db::polls::insert_vote(
                        conn,
                        id,
                        option.id,
                        actor.person_id,
                        Some(note.as_str()),
                    )?;
                }
                db::polls::add_counts(conn, id, &ids)?;
            } else {
                db::polls::clear_votes(conn, id, actor.person_id)?;
                for option in &ids {
                    db::polls::insert_vote(conn, id, *option, actor.person_id, None)?;
                }
                db::polls::recount(conn, id)?;
                federate_counts(conn, &urls, id)?;
            }
            detail(conn, id, Some(&actor))
        })
        .await
}

/// Withdraws the viewer's vote from one of our polls while it is open.
#[tracing::instrument(skip_all, fields(post = id))]
pub async fn withdraw(state: &AppState, actor: &Actor, id: i64) -> AppResult<PostDetail> {
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (post, access) = load(conn, id, Some(&actor))?;
            require_visible(&post, &access)?;
            access.require_participate()?;
            let (poll, _) = db::polls::poll(conn, id)?.ok_or(AppError::NotFound("poll"))?;
            if is_closed(&poll) {
                return Err(closed());
            }
            if post.ap_id.is_some() {
                return Err(AppError::conflict_code(
                    "vote_final",
                    "a vote on a poll from another server is final",
                ));
            }
            db::polls::lock(conn, id)?;
            if db::polls::clear_votes(conn, id, actor.person_id)? > 0 {
                db::polls::recount(conn, id)?;
                federate_counts(conn, &urls, id)?;
            }
            detail(conn, id, Some(&actor))
        })
        .await
}

fn closed() -> AppError {
    AppError::conflict_code("poll_closed", "this poll has closed")
}

/// The options chosen by position: at least one, each once, one only unless the poll
/// takes several.
fn chosen_options(
    poll: &DbPoll,
    options: &[DbPollOption],
    mut choices: Vec<i32>,
) -> AppResult<Vec<DbPollOption>> {
    choices.sort_unstable();
    choices.dedup();
    let invalid = |message: &str| AppError::bad_request("invalid_choice", message);
    if choices.is_empty() {
        return Err(invalid("choose an option"));
    }
    if !poll.multiple && choices.len() > 1 {
        return Err(invalid("this poll takes one choice only"));
    }
    choices
        .iter()
        .map(|c| {
            options
                .iter()
                .find(|o| o.position == *c)
                .cloned()
                .ok_or_else(|| invalid("no such option in this poll"))
        })
        .collect()
}

/// Our poll's counts changed: its community's followers get the thread again, with the
/// fresh counts, as an `Update` of the `Question`. This is sent on each change rather
/// than gathered over a few seconds, which would need a timer outside the transaction;
/// the delivery queue keeps updates of one object in order.
fn federate_counts(conn: &mut DbConn, urls: &Urls, post_id: i64) -> AppResult<()> {
    federate_post(conn, urls, post_id, Change::Update)
}

/// A vote from another server, as Mastodon sends it: a `Note` named after the option,
/// replying to the poll's thread. Idempotent by the Note's id; refused (with a reason
/// that the inbox logs) when the poll is closed or not ours, the option unknown, or
/// a second choice is made in a single-choice poll.
#[tracing::instrument(skip_all, fields(note = %note, poll = %question))]
pub async fn receive_vote(
    state: &AppState,
    voter: DbPerson,
    note: Url,
    question: Url,
    choice: String,
) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            if db::polls::vote_seen(conn, note.as_str())? {
                return Ok(());
            }
            let post = crate::services::federation::local_post(conn, &urls, &question)?
                .ok_or_else(|| refuse("the vote is not on a poll of this server"))?;
            let (poll, options) =
                db::polls::poll(conn, post.id)?.ok_or_else(|| refuse("that thread has no poll"))?;
            if post.deleted || post.removed {
                return Err(AppError::Gone("that thread is gone".into()));
            }
            if is_closed(&poll) {
                return Err(closed());
            }
            let community = db::communities::by_id(conn, post.community_id)?;
            crate::services::permissions::Access::for_person(conn, community, voter.id)?
                .require_participate()?;
            let choice = choice.trim();
            let option = options
                .iter()
                .find(|o| o.name == choice)
                .ok_or_else(|| AppError::bad_request("invalid_choice", "no such option"))?;
            db::polls::lock(conn, post.id)?;
            let mine = db::polls::choices_of(conn, voter.id, &[post.id])?;
            if mine.iter().any(|(_, p)| *p == option.position) {
                return Ok(());
            }
            if !poll.multiple && !mine.is_empty() {
                return Err(AppError::bad_request(
                    "invalid_choice",
                    "a second choice in a single-choice poll",
                ));
            }
            db::polls::insert_vote(conn, post.id, option.id, voter.id, Some(note.as_str()))?;
            db::polls::recount(conn, post.id)?;
            federate_counts(conn, &urls, post.id)
        })
        .await
}

fn refuse(message: &str) -> AppError {
    AppError::denied("refused", message)
}

/// A poll as another server published it, for storing beside its thread.
#[derive(Debug, Clone)]
pub struct RemotePoll {
    pub multiple: bool,
    pub closes_at: Option<NaiveDateTime>,
    pub options: Vec<(String, i32)>,
    pub voters_count: i32,
}

/// Stores or refreshes the poll of a thread from another server.
pub(crate) fn store_remote(conn: &mut DbConn, post_id: i64, poll: &RemotePoll) -> AppResult<()> {
    let options: Vec<(String, i32)> = poll
        .options
        .iter()
        .take(OPTIONS_MAX * 2)
        .map(|(name, votes)| (name.chars().take(OPTION_MAX * 2).collect(), *votes))
        .collect();
    db::polls::refresh_remote(
        conn,
        post_id,
        poll.multiple,
        poll.closes_at,
        &options,
        poll.voters_count,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(options: &[&str]) -> PollInput {
        PollInput {
            options: options.iter().map(|o| (*o).to_owned()).collect(),
            ..PollInput::default()
        }
    }

    #[test]
    fn a_poll_has_two_to_ten_different_options() {
        let checked = input(&[" Tuesday ", "", "Wednesday"]).check().unwrap();
        assert_eq!(checked.options, ["Tuesday", "Wednesday"]);
        assert!(input(&["Tuesday", ""]).check().is_err());
        assert!(input(&["a"; 11]).check().is_err());
        let eleven: Vec<String> = (0..11).map(|n| n.to_string()).collect();
        let refs: Vec<&str> = eleven.iter().map(String::as_str).collect();
        assert_eq!(input(&refs).check().unwrap_err().code(), "invalid_poll");
        assert!(input(&["Tuesday", "TUESDAY"]).check().is_err());
        assert!(
            input(&["Tuesday", &"x".repeat(OPTION_MAX + 1)])
                .check()
                .is_err()
        );
        let mut past = input(&["Tuesday", "Wednesday"]);
        past.closes_at = Some(Utc::now() - chrono::TimeDelta::minutes(1));
        assert_eq!(past.check().unwrap_err().code(), "invalid_closing_time");
    }

    #[test]
    fn shares_are_of_the_voters_rounded() {
        let option = |position: i32, votes: i32| DbPollOption {
            id: i64::from(position),
            post_id: 1,
            position,
            name: position.to_string(),
            votes,
        };
        let mut poll = Poll {
            row: DbPoll {
                post_id: 1,
                multiple: true,
                closes_at: None,
                voters_count: 3,
                created_at: db::now(),
            },
            options: vec![option(0, 2), option(1, 3), option(2, 0)],
            voted: Vec::new(),
            closed: false,
            results_visible: true,
            can_vote: true,
            can_change: false,
        };
        let shares: Vec<u32> = poll.options.iter().map(|o| poll.percent(o)).collect();
        assert_eq!(shares, [67, 100, 0]);
        poll.row.voters_count = 0;
        assert_eq!(
            poll.percent(&poll.options[0]),
            40,
            "without a voter count, of the votes"
        );
        poll.options = vec![option(0, 0)];
        assert_eq!(poll.percent(&poll.options[0]), 0);
    }
}
