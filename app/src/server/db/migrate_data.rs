//! `server migrate-data`: copies a single-machine instance's SQLite database into a
//! PostgreSQL database, every table in id order (keyset pages of `BATCH` rows, so memory
//! stays bounded), keeping ids, times and every column.
//!
//! The whole copy is ONE transaction on the target: a refusal (the target holds other
//! data) or any failure rolls it all back, so the target is left exactly as it was. The
//! source is read in one read transaction too (a consistent snapshot, even of a running
//! instance: WAL readers do not block its writers).
//!
//! Re-running is safe: rows go in with `ON CONFLICT DO NOTHING`, and every row of a batch
//! is then compared, column by column, with what the target holds; a row under the same
//! key (or the same username, stem or token) with different content refuses the copy. At
//! the end, before committing, every table's count must be equal on both sides: a target
//! with extra rows (another instance's data, not this one's copy) is refused too.
//!
//! Not copied (`NOT_COPIED`): sessions (people sign in again after the move), the sign-in
//! throttle's recent attempts and the token reveals of the last minutes (both short-lived;
//! the moved site starts them afresh).

use super::Db;
use sqlx::{
    PgConnection, Postgres, QueryBuilder, Row, SqliteConnection,
    sqlite::{SqliteArguments, SqliteRow},
};

/// Rows read and written per statement (≤ 10 columns: well under the 65,535 binds).
const BATCH: usize = 500;

#[derive(Clone, Copy, Debug)]
enum Kind {
    Int,
    /// INTEGER 0/1 on SQLite, BOOLEAN on PostgreSQL.
    Bool,
    Text,
    Bytes,
}

/// A column's value, whatever its kind (`None`: NULL).
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Int(Option<i64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    /// The primary key: the copy's order and paging.
    key: &'static [&'static str],
    /// Whether `id` comes from an identity sequence, to move past the copied ids.
    identity: bool,
}

use Kind::{Bool, Bytes, Int, Text};

/// Tables of the SQLite schema that are deliberately left behind (see the module).
pub const NOT_COPIED: &[&str] = &["sessions", "sign_in_attempts", "token_reveals"];

/// Every other table of the schema, parents before the rows that point to them.
const TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            ("id", Int),
            ("username", Text),
            ("full_name", Text),
            ("email", Text),
            ("bio", Text),
            ("password_hash", Text),
            ("session_epoch", Int),
            ("created_at", Text),
            ("avatar", Text),
            ("follower_count", Int),
        ],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "posts",
        columns: &[("id", Int), ("owner_id", Int), ("caption", Text), ("created_at", Text)],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "post_images",
        columns: &[
            ("post_id", Int),
            ("position", Int),
            ("stem", Text),
            ("width", Int),
            ("height", Int),
            ("thumb_width", Int),
            ("thumb_height", Int),
            ("alt", Text),
            ("middle_sizes", Bool),
        ],
        key: &["post_id", "position"],
        identity: false,
    },
    Table {
        name: "post_tags",
        columns: &[("tag", Text), ("post_id", Int)],
        key: &["tag", "post_id"],
        identity: false,
    },
    Table {
        name: "follows",
        columns: &[("follower_id", Int), ("followee_id", Int), ("created_at", Text)],
        key: &["follower_id", "followee_id"],
        identity: false,
    },
    Table {
        name: "likes",
        columns: &[("id", Int), ("user_id", Int), ("post_id", Int), ("created_at", Text)],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "comments",
        columns: &[("id", Int), ("post_id", Int), ("owner_id", Int), ("text", Text), ("created_at", Text)],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "notifications",
        columns: &[
            ("id", Int),
            ("recipient_id", Int),
            ("actor_id", Int),
            ("kind", Text),
            ("post_id", Int),
            ("comment_id", Int),
            ("created_at", Text),
            ("seen", Bool),
        ],
        key: &["id"],
        identity: true,
    },
    Table {
        name: "access_tokens",
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("name", Text),
            ("token_hash", Bytes),
            ("created_at", Text),
            ("last_used_at", Text),
        ],
        key: &["id"],
        identity: true,
    },
];

/// Rows of one table: in the source, newly written to the target, already there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub table: &'static str,
    pub rows: u64,
    pub inserted: u64,
}

/// Why the copy stopped.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(
        "migrate-data copies from the SQLite file into PostgreSQL (source must be SQLite, target PostgreSQL)"
    )]
    Engines,
    #[error(
        "the target database holds other data: table {table} has a row with the same key but different content \
         ({key}); nothing was copied (use an empty database, or one this instance was copied into before)"
    )]
    Different { table: &'static str, key: String },
    #[error(
        "the target database holds other data: table {table} has {target} rows, the instance {instance} after the \
         copy; nothing was copied (use an empty database, or one this instance was copied into before)"
    )]
    Counts { table: &'static str, instance: u64, target: u64 },
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
}

/// Copies every table of `from` (SQLite) into `to` (PostgreSQL, migrated), see the module.
pub async fn copy_database(from: &Db, to: &Db) -> Result<Vec<Copied>, MigrateError> {
    let (Db::Sqlite(source), Db::Postgres(target)) = (from, to) else {
        return Err(MigrateError::Engines);
    };
    let mut read = source.begin().await?;
    let mut write = target.begin().await?;
    // The notification triggers must not fire: the copied notifications table already
    // holds every notification a copied like, follow or comment made, under its own id
    // and time. `SET session_replication_role = replica` would need a superuser (or a
    // GRANT a hosted database may not give); disabling the tables' own triggers needs only
    // ownership, which the user that ran the migrations has, and inside this transaction it
    // is undone by a rollback as well. (Foreign keys stay checked: USER leaves the
    // constraint triggers alone.)
    for table in ["likes", "follows", "comments"] {
        sqlx::query(&format!("ALTER TABLE {table} DISABLE TRIGGER USER")).execute(&mut *write).await?;
    }
    let mut copied = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        copied.push(copy_table(table, &mut read, &mut write).await?);
    }
    for table in ["likes", "follows", "comments"] {
        sqlx::query(&format!("ALTER TABLE {table} ENABLE TRIGGER USER")).execute(&mut *write).await?;
    }
    for table in TABLES.iter().filter(|t| t.identity) {
        move_sequence(table, &mut read, &mut write).await?;
    }
    // Checked before committing: a refusal leaves the target unchanged.
    for (table, done) in TABLES.iter().zip(&copied) {
        let target: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {}", table.name))
            .fetch_one(&mut *write)
            .await?;
        if target as u64 != done.rows {
            return Err(MigrateError::Counts {
                table: table.name,
                instance: done.rows,
                target: target as u64,
            });
        }
    }
    write.commit().await?;
    read.rollback().await?;
    Ok(copied)
}

/// Counts of every copied table on `db` (either engine), for the checks after a copy.
pub async fn counts(db: &Db) -> Result<Vec<(&'static str, u64)>, sqlx::Error> {
    let mut counts = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let sql = format!("SELECT count(*) FROM {}", table.name);
        let n: i64 = super::engine::on_pool!(db, pool => sqlx::query_scalar(&sql).fetch_one(pool).await)?;
        counts.push((table.name, n as u64));
    }
    Ok(counts)
}

async fn copy_table(
    table: &'static Table,
    read: &mut SqliteConnection,
    write: &mut PgConnection,
) -> Result<Copied, MigrateError> {
    let columns: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
    let list = columns.join(", ");
    let order = table.key.join(", ");
    let mut after: Option<Vec<Value>> = None;
    let mut done = Copied { table: table.name, rows: 0, inserted: 0 };
    loop {
        // Keyset paging on the primary key: `(k1, k2) > (last k1, last k2)`.
        let rows: Vec<SqliteRow> = match &after {
            None => {
                sqlx::query(&format!("SELECT {list} FROM {} ORDER BY {order} LIMIT {BATCH}", table.name))
                    .fetch_all(&mut *read)
                    .await?
            }
            Some(last) => {
                let marks: Vec<String> = (1..=last.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "SELECT {list} FROM {} WHERE ({order}) > ({}) ORDER BY {order} LIMIT {BATCH}",
                    table.name,
                    marks.join(", ")
                );
                let mut query = sqlx::query::<sqlx::Sqlite>(&sql);
                for value in last {
                    query = bind_sqlite(query, value.clone());
                }
                query.fetch_all(&mut *read).await?
            }
        };
        if rows.is_empty() {
            return Ok(done);
        }
        let values: Vec<Vec<Value>> =
            rows.iter().map(|row| read_row(table, row)).collect::<Result<_, _>>()?;
        done.rows += values.len() as u64;

        let mut insert = QueryBuilder::<Postgres>::new(format!("INSERT INTO {} ({list}) ", table.name));
        insert.push_values(&values, |mut b, row| {
            for value in row {
                push_value(&mut b, value);
            }
        });
        insert.push(" ON CONFLICT DO NOTHING");
        let inserted = insert.build().execute(&mut *write).await?.rows_affected();
        done.inserted += inserted;

        // Rows skipped by ON CONFLICT must be this instance's very rows (a batch written
        // whole needs no check: the target got exactly these).
        let skipped = inserted < values.len() as u64;
        for row in values.iter().filter(|_| skipped) {
            let mut check =
                QueryBuilder::<Postgres>::new(format!("SELECT count(*) FROM {} WHERE ", table.name));
            for (i, ((name, _), value)) in table.columns.iter().zip(row).enumerate() {
                if i > 0 {
                    check.push(" AND ");
                }
                check.push(format!("{name} IS NOT DISTINCT FROM "));
                push_bind(&mut check, value);
            }
            let found: i64 = check.build_query_scalar().fetch_one(&mut *write).await?;
            if found != 1 {
                let key = describe_key(table, row);
                return Err(MigrateError::Different { table: table.name, key });
            }
        }
        let last = values.last().map(|row| key_of(table, row));
        after = last;
    }
}

/// The key columns' values of a row.
fn key_of(table: &Table, row: &[Value]) -> Vec<Value> {
    table
        .key
        .iter()
        .filter_map(|key| table.columns.iter().position(|(name, _)| name == key).map(|i| row[i].clone()))
        .collect()
}

fn describe_key(table: &Table, row: &[Value]) -> String {
    table
        .key
        .iter()
        .zip(key_of(table, row))
        .map(|(name, value)| match value {
            Value::Int(Some(n)) => format!("{name} = {n}"),
            Value::Text(Some(t)) => format!("{name} = {t:?}"),
            _ => format!("{name} = …"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_row(table: &Table, row: &SqliteRow) -> Result<Vec<Value>, sqlx::Error> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| {
            Ok(match kind {
                Int => Value::Int(row.try_get(i)?),
                Bool => Value::Bool(row.try_get(i)?),
                Text => Value::Text(row.try_get(i)?),
                Bytes => Value::Bytes(row.try_get(i)?),
            })
        })
        .collect()
}

fn bind_sqlite<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, SqliteArguments<'q>>,
    value: Value,
) -> sqlx::query::Query<'q, sqlx::Sqlite, SqliteArguments<'q>> {
    match value {
        Value::Int(v) => query.bind(v),
        Value::Bool(v) => query.bind(v),
        Value::Text(v) => query.bind(v),
        Value::Bytes(v) => query.bind(v),
    }
}

fn push_value(b: &mut sqlx::query_builder::Separated<'_, '_, Postgres, &'static str>, value: &Value) {
    match value.clone() {
        Value::Int(v) => b.push_bind(v),
        Value::Bool(v) => b.push_bind(v),
        Value::Text(v) => b.push_bind(v),
        Value::Bytes(v) => b.push_bind(v),
    };
}

fn push_bind(b: &mut QueryBuilder<'_, Postgres>, value: &Value) {
    match value.clone() {
        Value::Int(v) => b.push_bind(v),
        Value::Bool(v) => b.push_bind(v),
        Value::Text(v) => b.push_bind(v),
        Value::Bytes(v) => b.push_bind(v),
    };
}

/// Moves `table`'s identity sequence past every id it held on SQLite, including ids of
/// rows deleted since (SQLite's AUTOINCREMENT never reuses them: sqlite_sequence), so a
/// new row never takes an old id.
async fn move_sequence(
    table: &Table,
    read: &mut SqliteConnection,
    write: &mut PgConnection,
) -> Result<(), sqlx::Error> {
    let used: Option<i64> = sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = $1")
        .bind(table.name)
        .fetch_optional(&mut *read)
        .await?;
    let sql = format!(
        "SELECT setval(pg_get_serial_sequence('{0}', 'id'), GREATEST($1, (SELECT max(id) FROM {0}), 1), \
         GREATEST($1, (SELECT max(id) FROM {0})) IS NOT NULL)",
        table.name
    );
    sqlx::query(&sql).bind(used).execute(&mut *write).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::testing;

    /// A migration that adds a table or a column must say whether it moves: every table of
    /// the schema is copied with exactly its columns, or named in `NOT_COPIED`.
    #[tokio::test]
    async fn every_table_and_column_of_the_schema_is_copied_or_named_as_left_behind() {
        let Db::Sqlite(pool) = testing::database().await else { unreachable!() };
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        for name in &tables {
            if NOT_COPIED.contains(&name.as_str()) {
                continue;
            }
            let Some(table) = TABLES.iter().find(|t| t.name == name) else {
                panic!("table {name} is neither copied (TABLES) nor left behind (NOT_COPIED)");
            };
            let mut schema: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                .bind(name)
                .fetch_all(&pool)
                .await
                .unwrap();
            let mut copied: Vec<String> = table.columns.iter().map(|(c, _)| (*c).to_owned()).collect();
            schema.sort();
            copied.sort();
            assert_eq!(copied, schema, "the columns copied of {name} are not the schema's");
        }
        for table in TABLES {
            assert!(
                tables.iter().any(|t| t == table.name),
                "TABLES names {}, which the schema lacks",
                table.name
            );
        }
    }
}
