//! Both backends' migrations produce exactly the tables and columns `src/db/schema.rs`
//! declares: same names, same types, same nullability.

use std::collections::BTreeMap;

use diesel::sql_types::{Integer, Text};
use diesel::{QueryableByName, RunQueryDsl};
use guildhall::db::DbConn;

use crate::harness::*;
use crate::on_both_backends;

/// column name -> (diesel type, nullable), per table.
type Tables = BTreeMap<String, BTreeMap<String, (String, bool)>>;

/// Reads `schema.rs` itself, so the test follows the file and cannot drift from it.
fn declared() -> Tables {
    let source = include_str!("../../src/db/schema.rs");
    let mut tables = Tables::new();
    let mut current: Option<String> = None;
    for line in source.lines().map(str::trim) {
        if let Some(rest) = line.strip_suffix('{').map(str::trim) {
            if let Some((name, _)) = rest.split_once(" (") {
                current = Some(name.trim().to_owned());
                tables.insert(name.trim().to_owned(), BTreeMap::new());
            }
            continue;
        }
        if line.starts_with('}') {
            current = None;
            continue;
        }
        if let (Some(table), Some((column, ty))) =
            (&current, line.trim_end_matches(',').split_once(" -> "))
        {
            let (ty, nullable) = match ty.strip_prefix("Nullable<") {
                Some(inner) => (inner.trim_end_matches('>').to_owned(), true),
                None => (ty.to_owned(), false),
            };
            tables
                .get_mut(table)
                .unwrap()
                .insert(column.trim().to_owned(), (ty, nullable));
        }
    }
    assert!(
        tables.len() > 10,
        "parsed too few tables from schema.rs: {tables:?}"
    );
    tables
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    r#type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

/// What the database holds, with its types translated to diesel's names. SQLite's
/// full-text index (`search_index` and its shadow tables) is left out: only raw SQL in
/// `db::search` reads it.
fn actual(conn: &mut DbConn) -> Tables {
    let mut tables = Tables::new();
    let rows: Vec<(String, String, String, bool)> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS name, p.type AS type, p.\"notnull\" AS not_null, p.pk AS pk \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name != '__diesel_schema_migrations' \
             AND m.name NOT LIKE 'search_index%'",
        )
        .load::<SqliteColumn>(c)
        .unwrap()
        .into_iter()
        .map(|r| {
            let ty = match r.r#type.to_uppercase().as_str() {
                // `INTEGER PRIMARY KEY` is the 64-bit rowid.
                "INTEGER" if r.pk == 1 => "BigInt",
                "BIGINT" => "BigInt",
                "INTEGER" => "Integer",
                "TEXT" => "Text",
                "BOOLEAN" => "Bool",
                "TIMESTAMP" => "Timestamp",
                other => panic!("unexpected SQLite type {other} for {}.{}", r.table_name, r.name),
            };
            (r.table_name, r.name, ty.to_owned(), r.not_null == 0)
        })
        .collect(),
        DbConn::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name != '__diesel_schema_migrations'",
        )
        .load::<PgColumn>(c)
        .unwrap()
        .into_iter()
        .map(|r| {
            let ty = match r.data_type.as_str() {
                "bigint" => "BigInt",
                "integer" => "Integer",
                "text" => "Text",
                "boolean" => "Bool",
                "timestamp without time zone" => "Timestamp",
                other => panic!("unexpected PostgreSQL type {other} for {}.{}", r.table_name, r.column_name),
            };
            (r.table_name, r.column_name, ty.to_owned(), r.is_nullable == "YES")
        })
        .collect(),
    };
    for (table, column, ty, nullable) in rows {
        tables
            .entry(table)
            .or_default()
            .insert(column, (ty, nullable));
    }
    tables
}

on_both_backends! {
    async fn migrations_match_the_diesel_schema(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let db = app.state.db.clone();
        let tables = tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap();
            actual(&mut conn)
        }).await.unwrap();
        let declared = declared();
        for (table, columns) in &declared {
            assert_eq!(tables.get(table), Some(columns), "table {table} differs from schema.rs on {:?}", app.backend);
        }
        let extra: Vec<&String> = tables.keys().filter(|t| !declared.contains_key(*t)).collect();
        assert!(extra.is_empty(), "tables missing from schema.rs: {extra:?}");
    }
}
