//! Helpers over Spin's SQLite: opening with migrations, typed parameters,
//! row access by column name, and transactions that commit or roll back.

use anyhow::{Context, Result};
use spin_sdk::sqlite::{Connection, QueryResult, Value};

/// An open database at the latest schema.
pub struct Db {
    conn: Connection,
}

/// A parameter value.
pub fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// An integer parameter.
pub fn int(i: i64) -> Value {
    Value::Integer(i)
}

/// A text parameter, or NULL.
pub fn opt_text(s: Option<impl Into<String>>) -> Value {
    s.map_or(Value::Null, |s| Value::Text(s.into()))
}

/// One row of a result, read by column name.
pub struct Row<'a> {
    columns: &'a [String],
    values: &'a [Value],
}

impl<'a> Row<'a> {
    fn value(&self, column: &str) -> Option<&'a Value> {
        self.columns.iter().position(|c| c == column).and_then(|i| self.values.get(i))
    }

    /// A text column; empty when NULL or missing.
    pub fn text(&self, column: &str) -> String {
        self.opt_text(column).unwrap_or_default()
    }

    /// A text column that may be NULL.
    pub fn opt_text(&self, column: &str) -> Option<String> {
        match self.value(column)? {
            Value::Text(t) => Some(t.clone()),
            Value::Integer(i) => Some(i.to_string()),
            _ => None,
        }
    }

    /// An integer column; zero when NULL or missing.
    pub fn int(&self, column: &str) -> i64 {
        self.opt_int(column).unwrap_or_default()
    }

    /// An integer column that may be NULL.
    pub fn opt_int(&self, column: &str) -> Option<i64> {
        match self.value(column)? {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }
}

/// Iterates the rows of a result.
pub fn rows(result: &QueryResult) -> impl Iterator<Item = Row<'_>> {
    result.rows.iter().map(|r| Row { columns: &result.columns, values: &r.values })
}

impl Db {
    /// Opens the default database and applies pending migrations.
    pub fn open() -> Result<Self> {
        let conn = Connection::open_default().context("opening the database")?;
        crate::migrations::migrate(&conn)?;
        // In WAL mode, NORMAL syncing keeps the database consistent and loses
        // at most the last commits on power loss, instead of syncing the
        // disk at every commit. The setting is per connection.
        conn.execute("PRAGMA synchronous = NORMAL", &[]).context("setting synchronous")?;
        Ok(Self { conn })
    }

    /// Runs one statement and returns its rows.
    pub fn query(&self, sql: &str, params: &[Value]) -> Result<QueryResult> {
        self.conn.execute(sql, params).with_context(|| format!("running SQL: {}", first_words(sql)))
    }

    /// Runs one statement for its effect.
    pub fn exec(&self, sql: &str, params: &[Value]) -> Result<()> {
        self.query(sql, params).map(|_| ())
    }

    /// The first row of a query, if any, mapped by `f`.
    pub fn one<T>(&self, sql: &str, params: &[Value], f: impl FnOnce(Row<'_>) -> T) -> Result<Option<T>> {
        let result = self.query(sql, params)?;
        Ok(rows(&result).next().map(f))
    }

    /// Every row of a query, mapped by `f`.
    pub fn all<T>(&self, sql: &str, params: &[Value], f: impl FnMut(Row<'_>) -> T) -> Result<Vec<T>> {
        let result = self.query(sql, params)?;
        Ok(rows(&result).map(f).collect())
    }

    /// Runs `work` in a write transaction (`BEGIN IMMEDIATE`, so concurrent
    /// writers wait instead of failing): committed when it returns `Ok`,
    /// rolled back otherwise.
    pub fn transaction<T, E: From<anyhow::Error>>(&self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        self.exec("BEGIN IMMEDIATE", &[])?;
        match work(self) {
            Ok(value) => {
                self.exec("COMMIT", &[])?;
                Ok(value)
            }
            Err(e) => {
                // The work's error matters more than a failed rollback.
                let _ = self.exec("ROLLBACK", &[]);
                Err(e)
            }
        }
    }

    /// The underlying connection, for the migration runner.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// The first words of a statement, for error context without parameters.
fn first_words(sql: &str) -> String {
    sql.split_whitespace().take(4).collect::<Vec<_>>().join(" ")
}
