//! The `guildhall` command: serve an instance, run migrations, and script administration.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use guildhall::config::Config;
use guildhall::server::{Server, open_database};
use guildhall::services;
use guildhall::state::AppState;
use guildhall::types::{Role, Visibility};

/// Guildhall: a federated server for professional communities of practice.
///
/// With no command, `guildhall` serves the instance.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Configuration file (TOML). Defaults to config/guildhall.toml if it exists;
    /// GUILDHALL_SECTION__KEY environment variables override it.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the instance over HTTP (the default). Applies pending migrations first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administer accounts and communities from the command line.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Choose the peer servers this one federates with. Entries apply on top of
    /// federation.policy and federation.domains, and reach a running server within
    /// a few seconds.
    #[command(subcommand)]
    Federation(FederationCommand),
}

#[derive(Subcommand)]
enum FederationCommand {
    /// Allow a peer: under the allowlist policy, only allowed peers federate.
    Allow {
        /// Host name, with :port if needed, or *.example.org for every sub-domain.
        domain: String,
    },
    /// Block a peer: nothing is sent to it and nothing is accepted from it, whatever
    /// the policy.
    Block {
        /// Host name, with :port if needed, or *.example.org for every sub-domain.
        domain: String,
    },
    /// Remove a peer's allow or block entry, so the configured policy alone decides.
    Unblock {
        /// The domain exactly as it was allowed or blocked.
        domain: String,
    },
    /// Show the policy, the configured domains and the allow and block entries.
    List,
    /// Say what the inbox would make of each activity or object file (JSON), without
    /// storing anything or fetching over the network: one line per file, `accepted`,
    /// `ignored` or `rejected` with the reason. Exits non-zero only on unreadable files.
    Check {
        /// Files holding one JSON activity or object each.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print a JSON array of {file, verdict, reason} instead of lines.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an approved account. The password is read from standard input, or
    /// prompted for twice on a terminal; it is never an argument.
    CreateUser {
        /// Member name: 3 to 30 characters of a-z, 0-9 and _.
        name: String,
        /// E-mail address.
        email: String,
        /// Make the account an instance administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Approve an account that is waiting for approval.
    ApproveUser {
        /// Member name.
        name: String,
    },
    /// Create a community owned by an existing member.
    CreateCommunity {
        /// Community name: 3 to 30 characters of a-z, 0-9 and _.
        name: String,
        /// The member who becomes its first facilitator.
        #[arg(long, value_name = "MEMBER")]
        owner: String,
        /// Title shown on pages (defaults to the name).
        #[arg(long, value_name = "T")]
        title: Option<String>,
        /// Who can see and join it.
        #[arg(long, value_enum, default_value = "public")]
        visibility: VisibilityArg,
    },
    /// Delete the document library's stored files that no document refers to any more:
    /// those of deleted documents and deleted accounts, and any an interrupted upload
    /// left. Safe while the server runs.
    PruneFiles {
        /// Keep unused files written within this many hours (an upload may be about to
        /// record them).
        #[arg(long, value_name = "HOURS", default_value_t = 24)]
        older_than_hours: u32,
        /// Only report what would be deleted.
        #[arg(long)]
        dry_run: bool,
    },
    /// Fill the database with a realistic data set for benchmarks and trials: members
    /// with jobs and organisations, communities, threads with deep reply trees, votes,
    /// follows and members of other servers. Every seeded member's password is
    /// "seeded password". The national scale is --members 200000 --communities 2000
    /// --posts 400000 --comments 1600000.
    Seed {
        #[arg(long, default_value_t = 1000)]
        members: u64,
        #[arg(long, default_value_t = 20)]
        communities: u64,
        #[arg(long, default_value_t = 5000)]
        posts: u64,
        #[arg(long, default_value_t = 20000)]
        comments: u64,
        /// Members of other servers (default: one for every twenty members here).
        #[arg(long)]
        remote_members: Option<u64>,
        /// The random seed: the same numbers and seed make the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum VisibilityArg {
    Public,
    Restricted,
    Private,
}

impl From<VisibilityArg> for Visibility {
    fn from(v: VisibilityArg) -> Self {
        match v {
            VisibilityArg::Public => Visibility::Public,
            VisibilityArg::Restricted => Visibility::Restricted,
            VisibilityArg::Private => Visibility::Private,
        }
    }
}

fn main() -> ExitCode {
    // The pool may still be opening a PostgreSQL connection over TLS on a background
    // thread when a command returns; OpenSSL's exit-time cleanup then freed its tables
    // under that thread and the process crashed after succeeding. Initialising OpenSSL
    // this way first registers no exit-time cleanup; the OS reclaims the memory anyway.
    openssl_sys::init();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    // Checking files needs neither configuration nor database.
    if let Some(Command::Federation(FederationCommand::Check { files, json })) = &cli.command {
        return check_files(files, *json);
    }
    let config = Config::load(cli.config.as_deref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => runtime.block_on(serve(config)),
        Command::Migrate => {
            let db = open_database(&config)?;
            drop(db);
            println!("migrations are up to date");
            Ok(())
        }
        Command::Admin(command) => {
            let db = open_database(&config)?;
            let state = AppState::new(db, Arc::new(config));
            runtime.block_on(admin(&state, command))
        }
        Command::Federation(command) => {
            let db = open_database(&config)?;
            let state = AppState::new(db, Arc::new(config));
            runtime.block_on(federation(&state, command))
        }
    }
}

fn check_files(files: &[PathBuf], json: bool) -> anyhow::Result<()> {
    use guildhall::federation::check::{Verdict, check};
    let mut unreadable = 0;
    let mut results = Vec::new();
    for file in files {
        let (verdict, reason) = match std::fs::read(file) {
            Ok(bytes) => match check(&bytes) {
                Verdict::Accepted(reason) => ("accepted", reason),
                Verdict::Ignored(reason) => ("ignored", reason),
                Verdict::Rejected(reason) => ("rejected", reason),
            },
            Err(e) => {
                unreadable += 1;
                ("unreadable", e.to_string())
            }
        };
        if json {
            results.push(serde_json::json!({
                "file": file.display().to_string(),
                "verdict": verdict,
                "reason": reason,
            }));
        } else {
            println!("{}: {verdict}: {reason}", file.display());
        }
    }
    if json {
        println!("{}", serde_json::Value::Array(results));
    }
    if unreadable > 0 {
        bail!("{unreadable} of {} files could not be read", files.len());
    }
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let server = Server::bind(config).await?;
    server
        .run(async {
            shutdown_signal().await;
            tracing::info!("shutting down");
        })
        .await
}

/// Ctrl-C, or SIGTERM from a service manager.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

async fn admin(state: &AppState, command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateUser { name, email, admin } => {
            let password = read_password()?;
            let role = if admin { Role::Admin } else { Role::Member };
            let person =
                services::accounts::create_account(state, &name, &email, &password, role).await?;
            println!(
                "created {} {}",
                if admin { "administrator" } else { "member" },
                person.name
            );
        }
        AdminCommand::ApproveUser { name } => {
            services::accounts::approve_account(state, None, &name).await?;
            println!("approved {name}");
        }
        AdminCommand::CreateCommunity {
            name,
            owner,
            title,
            visibility,
        } => {
            let owner = services::accounts::profile(state, &owner)
                .await
                .with_context(|| format!("owner {owner:?}"))?;
            let input = services::communities::CommunityInput {
                name,
                title,
                description: None,
                visibility: visibility.into(),
                posting_restricted: false,
            };
            let community = services::communities::create_for(state, owner.id, input).await?;
            println!(
                "created community {} owned by {}",
                community.name, owner.name
            );
        }
        AdminCommand::PruneFiles {
            older_than_hours,
            dry_run,
        } => {
            state.files.open()?;
            let grace = chrono::TimeDelta::hours(i64::from(older_than_hours));
            let report = services::library::prune_files(state, grace, dry_run).await?;
            println!(
                "{} {} unused files ({} bytes) of {}; kept {} unused files written in the last {older_than_hours} h",
                if dry_run { "would delete" } else { "deleted" },
                report.unused,
                report.unused_bytes,
                report.files,
                report.recent,
            );
        }
        AdminCommand::Seed {
            members,
            communities,
            posts,
            comments,
            remote_members,
            seed,
        } => {
            let plan = guildhall::seed::SeedPlan {
                members,
                communities,
                posts,
                comments,
                remote_members: remote_members.unwrap_or(members / 20),
                seed,
            };
            let hash = services::accounts::seeded_password_hash().await?;
            let db = state.db.clone();
            let report = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let mut conn = db.conn()?;
                let mut progress = ProgressLine::default();
                let report =
                    guildhall::seed::seed(&mut conn, &plan, &hash, &mut |stage, done, total| {
                        progress.show(stage, done, total)
                    });
                progress.finish();
                report
            })
            .await??;
            let seconds = report.elapsed.as_secs_f64();
            println!(
                "seeded {} members, {} members of other servers, {} communities, {} follows, \
                 {} threads, {} replies and {} votes: {} rows in {seconds:.1} s ({:.0} rows/s)",
                report.members,
                report.remote_members,
                report.communities,
                report.memberships,
                report.posts,
                report.comments,
                report.votes,
                report.rows(),
                report.rows() as f64 / seconds.max(0.001),
            );
        }
    }
    Ok(())
}

/// A progress line on standard error, redrawn at most a few times a second.
#[derive(Default)]
struct ProgressLine {
    stage: String,
    drawn: Option<std::time::Instant>,
}

impl ProgressLine {
    fn show(&mut self, stage: &str, done: u64, total: u64) {
        use std::io::Write;
        let fresh = self.stage != stage;
        if fresh && !self.stage.is_empty() {
            eprintln!();
        }
        let due = self
            .drawn
            .is_none_or(|at| at.elapsed() >= std::time::Duration::from_millis(200));
        if fresh || due || done >= total {
            let percent = (done * 100).checked_div(total).unwrap_or(100);
            eprint!("\r{stage}: {done} of {total} ({percent}%)   ");
            let _ = std::io::stderr().flush();
            self.drawn = Some(std::time::Instant::now());
        }
        self.stage = stage.to_owned();
    }

    fn finish(&self) {
        if !self.stage.is_empty() {
            eprintln!();
        }
    }
}

async fn federation(state: &AppState, command: FederationCommand) -> anyhow::Result<()> {
    use services::policy::{self, PeerState};
    let (domain, peer_state) = match command {
        FederationCommand::Allow { domain } => (domain, PeerState::Allowed),
        FederationCommand::Block { domain } => (domain, PeerState::Blocked),
        FederationCommand::Unblock { domain } => {
            let removed = policy::remove_peer(state, None, &domain).await?;
            println!("removed the entry for {removed}");
            return Ok(());
        }
        FederationCommand::Check { files, json } => return check_files(&files, json),
        FederationCommand::List => {
            let list = policy::list_peers(state, None).await?;
            println!("policy: {}", list.policy.as_str());
            println!("configured domains: {}", list.configured.len());
            for domain in &list.configured {
                println!("  {domain}");
            }
            println!("entries: {}", list.entries.len());
            for entry in &list.entries {
                println!(
                    "  {} {} since {}",
                    entry.state.as_str(),
                    entry.domain,
                    entry.created_at.format("%Y-%m-%d %H:%M UTC")
                );
            }
            return Ok(());
        }
    };
    let entry = policy::set_peer(state, None, &domain, peer_state).await?;
    println!("{} {}", entry.state.as_str(), entry.domain);
    // Say so when the entry alone does not decide, rather than leave the admin guessing.
    match (entry.state, entry.federates) {
        (PeerState::Allowed, Some(false)) => println!(
            "note: {} still does not federate: federation.domains or a wider entry blocks it",
            entry.domain
        ),
        (PeerState::Allowed, Some(true))
            if state.config.federation.policy != guildhall::config::FederationPolicy::Allowlist =>
        {
            println!(
                "note: the {} policy federates with {} anyway; the entry matters under allowlist",
                state.config.federation.policy.as_str(),
                entry.domain
            )
        }
        _ => {}
    }
    Ok(())
}

/// Reads a password: prompted twice on a terminal, else the first line of standard input.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        if first != second {
            bail!("the passwords do not match");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        if password.is_empty() {
            bail!("no password on standard input");
        }
        Ok(password)
    }
}
