//! Storage: one diesel connection type over SQLite and PostgreSQL, chosen at run time
//! from `database.url`, a pool, embedded migrations, and the only place SQL lives.
//!
//! We use diesel's synchronous `MultiConnection` rather than diesel-async: it keeps one
//! schema and one query per operation for both backends, SQLite is synchronous anyway,
//! and each call runs on tokio's blocking pool, so the async runtime never waits on it.

pub mod blogs;
pub mod communities;
pub mod content;
pub mod digest;
pub mod documents;
pub mod events;
pub mod federation;
pub mod models;
pub mod moderation;
pub mod notifications;
pub mod persons;
pub mod policy;
pub mod polls;
pub mod schema;
pub mod search;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::DatabaseUrl;
use crate::error::{AppError, AppResult};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend the configuration names.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which backend a pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Opens connections for the pool, setting SQLite's pragmas on each.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    /// SQLite's busy timeout: how long a statement waits for a lock another process holds.
    busy_timeout: Duration,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn = diesel::SqliteConnection::establish(&path)
                    .map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the writer; the busy timeout makes a
                // writer wait for another process's write instead of failing.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                    self.busy_timeout.as_millis()
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => diesel::PgConnection::establish(url)
                .map(DbConn::Postgres)
                .map_err(r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

/// The pool and the rules for using it: reads and writes run on the blocking pool,
/// writes in one transaction each.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    backend: Backend,
    /// SQLite allows one writer; queueing writers here instead of in SQLite means
    /// no "database is locked" reaches a user from writers in this process.
    write_lock: Arc<tokio::sync::Mutex<()>>,
    /// How long a request waits for a connection or for the write lock before it gives up
    /// with `AppError::Unavailable`.
    timeout: Duration,
}

impl Db {
    /// Connects, creating the SQLite file's directory if needed. `timeout` bounds every
    /// wait for the database: a pooled connection, a lock, a server that is down.
    pub fn connect(url: &str, pool_size: u32, timeout: Duration) -> anyhow::Result<Db> {
        let url = DatabaseUrl::parse(url).context("database.url")?;
        let backend = match &url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).with_context(|| {
                        format!("creating database directory {}", dir.display())
                    })?;
                }
                Backend::Sqlite
            }
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        };
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(timeout)
            .build(Manager {
                url,
                busy_timeout: timeout,
            })
            .context("connecting to the database")?;
        Ok(Db {
            pool,
            backend,
            write_lock: Arc::new(tokio::sync::Mutex::new(())),
            timeout,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies every pending migration and returns how many ran.
    pub fn migrate(&self) -> anyhow::Result<usize> {
        let mut conn = self.pool.get().context("connecting to the database")?;
        let applied = match &mut *conn {
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            DbConn::Postgres(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
        }
        .map_err(|e| anyhow::anyhow!("applying migrations: {e}"))?;
        Ok(applied)
    }

    /// Runs read-only work on a pooled connection.
    pub async fn read<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
    }

    /// Runs `f` in one transaction: everything it changes commits together or not at all.
    pub async fn write<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        let guard = match self.backend {
            // While the database is stuck, writers would queue here one behind the other,
            // each then waiting out the busy timeout: bound the queue's wait as well.
            Backend::Sqlite => Some(
                tokio::time::timeout(self.timeout, self.write_lock.clone().lock_owned())
                    .await
                    .map_err(|_| {
                        AppError::Unavailable("timed out waiting for the write lock".into())
                    })?,
            ),
            Backend::Postgres => None,
        };
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let _guard = guard;
            let mut conn = pool.get()?;
            transaction(&mut conn, f)
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
    }

    /// A blocking connection, for the CLI and tests.
    pub fn conn(&self) -> AppResult<r2d2::PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }
}

/// One transaction on either backend. SQLite's starts `IMMEDIATE`, taking the write lock
/// up front, so it never fails half-way when a reader would have to become a writer.
pub fn transaction<T>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> AppResult<T>,
) -> AppResult<T> {
    match conn {
        DbConn::Postgres(_) => conn.transaction(|c| f(c)),
        DbConn::Sqlite(_) => {
            conn.batch_execute("BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => match conn.batch_execute("COMMIT") {
                    Ok(()) => Ok(value),
                    Err(e) => {
                        let _ = conn.batch_execute("ROLLBACK");
                        Err(e.into())
                    }
                },
                Err(e) => {
                    conn.batch_execute("ROLLBACK")?;
                    Err(e)
                }
            }
        }
    }
}

/// The current time as stored: UTC without an offset, to the microsecond.
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::microseconds(1)).unwrap_or(now)
}

/// The id of the row this connection inserted last.
pub fn last_insert_id(conn: &mut DbConn) -> AppResult<i64> {
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    let function = match conn {
        DbConn::Sqlite(_) => "last_insert_rowid()",
        DbConn::Postgres(_) => "lastval()",
    };
    Ok(diesel::select(sql::<BigInt>(function)).get_result(conn)?)
}
