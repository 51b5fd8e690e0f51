//! Helpers over Spin's SQLite: opening with migrations, typed parameters,
//! row access by column name, and transactions that commit or roll back.
//!
//! Inside a component the connection is Spin's. In a native process (the
//! benchmarks that compare the host with plain rusqlite) the same code runs
//! over a rusqlite connection, so both sides execute the very same SQL.

use anyhow::{Context, Result};
pub use spin_sdk::sqlite::{QueryResult, Value};
use std::collections::BTreeMap;

#[cfg(target_arch = "wasm32")]
type Connection = spin_sdk::sqlite::Connection;
#[cfg(not(target_arch = "wasm32"))]
type Connection = rusqlite::Connection;

/// An open database at the latest schema.
pub struct Db {
    conn: Connection,
    /// The audit chain's last link, remembered only inside a write
    /// transaction: its lock keeps anyone else from extending the chain, so
    /// a batch of appends reads the tail once.
    audit_tail: std::cell::RefCell<Option<(i64, String)>>,
    /// Rows this write transaction kept and has not yet written (audit
    /// records, messages, partner records and their outcomes, unmatched
    /// events, queue entries, history lines, payment states, payroll
    /// instructions, recovery cases, tasks): they go in with one statement
    /// per few hundred, before the commit or before anything reads their
    /// table ([`Db::defer_row`]).
    pending: std::cell::RefCell<BTreeMap<RowsInto, (usize, Vec<Value>)>>,
    /// The organisation tree's nodes, remembered only inside a write
    /// transaction, whose lock keeps anyone else from changing them: each
    /// task a batch opens is routed on them (R2.2).
    pub(crate) org_nodes: std::cell::RefCell<Option<Vec<zige_domain::routing::Org>>>,
    in_transaction: std::cell::Cell<bool>,
    /// Whether the server rolled back the transaction under way (see
    /// [`Db::transaction`]), set by the statement that learnt it.
    rolled_back_by_server: std::cell::Cell<bool>,
    /// The cycle policies' parts, each read once per connection (a
    /// component's connection lives for one request).
    pub(crate) policies: std::cell::RefCell<crate::policies::Cache>,
    /// One statement's round trip, measured once when first needed.
    round_trip: std::cell::Cell<Option<std::time::Duration>>,
    /// Whether the connection was tuned for writing (see [`Db::transaction`]).
    tuned: std::cell::Cell<bool>,
    /// The key of audit records' payload hashes, read once when first needed.
    audit_key: std::cell::OnceCell<Vec<u8>>,
    /// Natively, each statement's count and time, for the benchmarks'
    /// profile of where a job spends its time.
    #[cfg(not(target_arch = "wasm32"))]
    profile: std::cell::RefCell<std::collections::HashMap<String, (u64, std::time::Duration)>>,
}

/// A statement whose rows can be kept and written many at a time
/// ([`Db::defer_row`]): `head`, an `INSERT … INTO t (…)` without its
/// `VALUES`, then the rows, then `tail` (an upsert's `ON CONFLICT …`, or
/// nothing).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct RowsInto {
    pub head: &'static str,
    pub tail: &'static str,
}

impl RowsInto {
    /// A plain insert.
    pub const fn insert(head: &'static str) -> Self {
        Self { head, tail: "" }
    }
}

/// How long a batch's write transaction should take at most: well under
/// the 5 s after which libSQL's server rolls back a transaction that another
/// writer waits for.
const TRANSACTION_TARGET: std::time::Duration = std::time::Duration::from_millis(1000);

/// How many times a write transaction is tried when the server rolls it back.
const SERVER_ROLLBACK_TRIES: u32 = 4;

/// The most parameters a statement takes here: SQLite's own limit on old
/// builds, so that a statement runs on any backend.
pub(crate) const MAX_PARAMETERS: usize = 999;

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

/// `?, ?, …` for an `IN (…)` list of `n` values (at least one, so that an
/// empty list stays valid SQL).
pub fn placeholders(n: usize) -> String {
    vec!["?"; n.max(1)].join(", ")
}

/// One row of a result, read by column name.
pub struct Row<'a> {
    columns: &'a [String],
    values: &'a [Value],
}

impl<'a> Row<'a> {
    /// A row of `values` under `columns`, for code that reads rows itself
    /// (the benchmarks' native limits) with the same readers as the store.
    pub fn new(columns: &'a [String], values: &'a [Value]) -> Self {
        Self { columns, values }
    }

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

    /// A blob column; empty when NULL or missing.
    pub fn blob(&self, column: &str) -> Vec<u8> {
        match self.value(column) {
            Some(Value::Blob(b)) => b.clone(),
            _ => Vec::new(),
        }
    }

    /// An integer column; zero when NULL or missing.
    pub fn int(&self, column: &str) -> i64 {
        self.opt_int(column).unwrap_or_default()
    }

    /// A date column (`YYYY-MM-DD`): an error naming the column and the
    /// value when it is NULL or does not read as a date.
    pub fn date(&self, column: &str) -> Result<chrono::NaiveDate> {
        self.opt_date(column)?.with_context(|| format!("{column} is NULL, not a date"))
    }

    /// A date column that may be NULL, and must read as a date when it is not.
    pub fn opt_date(&self, column: &str) -> Result<Option<chrono::NaiveDate>> {
        self.opt_text(column)
            .map(|value| crate::records::date(&value).with_context(|| format!("{column} {value:?} is not a date")))
            .transpose()
    }

    /// An integer column that may be NULL.
    pub fn opt_int(&self, column: &str) -> Option<i64> {
        match self.value(column)? {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }
}

/// Natively: a value rusqlite read, as the store's rows hold it.
#[cfg(not(target_arch = "wasm32"))]
pub fn from_native(value: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        ValueRef::Null => Value::Null,
    }
}

/// Iterates the rows of a result.
pub fn rows(result: &QueryResult) -> impl Iterator<Item = Row<'_>> {
    result.rows.iter().map(|r| Row { columns: &result.columns, values: &r.values })
}

impl Db {
    /// Opens the default database and applies pending migrations, once the
    /// keys are safe for personal data (`keys`): every request that reads
    /// or writes records comes through here.
    #[cfg(target_arch = "wasm32")]
    pub fn open() -> Result<Self> {
        crate::keys::check()?;
        Self::ready(Connection::open_default().context("opening the database")?)
    }

    /// Natively there is no app database: the components build natively only
    /// for their route tables' tests, and benchmarks name their file.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn open() -> Result<Self> {
        anyhow::bail!("natively a database is opened by its file (Db::open_file)")
    }

    /// Opens a database file natively (benchmarks), with the same busy
    /// timeout as the local host, and applies pending migrations.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn open_file(path: &std::path::Path) -> Result<Self> {
        let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // As the local host does, so that both run the very same statements alike.
        conn.set_prepared_statement_cache_capacity(256);
        let db = Self::ready(conn)?;
        // Native runs are benchmarks, which have no Spin variables.
        let _ = db.audit_key.set(b"native-benchmark-audit-key".to_vec());
        Ok(db)
    }

    fn ready(conn: Connection) -> Result<Self> {
        let db = Self {
            conn,
            audit_tail: Default::default(),
            pending: Default::default(),
            org_nodes: Default::default(),
            in_transaction: Default::default(),
            rolled_back_by_server: Default::default(),
            policies: Default::default(),
            round_trip: Default::default(),
            tuned: Default::default(),
            audit_key: Default::default(),
            #[cfg(not(target_arch = "wasm32"))]
            profile: Default::default(),
        };
        crate::migrations::migrate(&db)?;
        Ok(db)
    }

    /// Runs a statement that only tunes performance. A remote backend
    /// (libSQL, whose client refuses such pragmas before sending them with
    /// "unsupported statement") manages these itself: its refusal is
    /// expected and not logged, any other is logged, and the work goes on.
    pub fn tune(&self, pragma: &str) {
        match self.exec(pragma, &[]) {
            Err(e) if !format!("{e:#}").contains("unsupported statement") => eprintln!("db: skipped `{pragma}`: {e:#}"),
            _ => {}
        }
    }

    /// Tunes the connection for writing, once. A connection lives for one
    /// request, so reads (most requests) skip these statements: on real Spin
    /// every statement is a host call.
    fn tune_for_writing(&self) {
        if self.tuned.replace(true) {
            return;
        }
        // In WAL mode, NORMAL syncing keeps the database consistent and loses
        // at most the last commits on power loss, instead of syncing the
        // disk at every commit. The setting is per connection.
        self.tune("PRAGMA synchronous = NORMAL");
        self.tune("PRAGMA cache_size = -65536");
    }

    /// Runs one statement and returns its rows.
    pub fn query(&self, sql: &str, params: &[Value]) -> Result<QueryResult> {
        // Outside a transaction a statement is its own transaction: one that
        // found the database locked did nothing and is tried again, as local
        // SQLite's busy timeout would wait (a remote backend answers at once).
        // Inside a transaction the whole transaction decides.
        let outside = !self.in_transaction.get();
        // Once the server undid the transaction, a further statement would
        // run on its own and commit part of the work: none runs.
        if !outside && self.rolled_back_by_server.get() {
            anyhow::bail!("the server rolled this transaction back; not running: {}", first_words(sql));
        }
        let result = with_busy_retry(|| self.execute(sql, params), outside);
        if !outside && result.as_ref().is_err_and(rolled_back_by_server) {
            self.rolled_back_by_server.set(true);
        }
        result.with_context(|| format!("running SQL: {}", first_words(sql)))
    }

    #[cfg(target_arch = "wasm32")]
    fn execute(&self, sql: &str, params: &[Value]) -> Result<QueryResult> {
        Ok(self.conn.execute(sql, params)?)
    }

    /// Natively: the statements run since the last call, by their first
    /// words, with their count and time, most time first.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn take_profile(&self) -> Vec<(String, u64, std::time::Duration)> {
        let mut by_words: std::collections::BTreeMap<String, (u64, std::time::Duration)> = Default::default();
        for (sql, (n, t)) in std::mem::take(&mut *self.profile.borrow_mut()) {
            let entry = by_words.entry(sql.split_whitespace().take(8).collect::<Vec<_>>().join(" ")).or_default();
            entry.0 += n;
            entry.1 += t;
        }
        let mut profile: Vec<_> = by_words.into_iter().map(|(sql, (n, t))| (sql, n, t)).collect();
        profile.sort_by_key(|p| std::cmp::Reverse(p.2));
        profile
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn execute(&self, sql: &str, params: &[Value]) -> Result<QueryResult> {
        let started = std::time::Instant::now();
        let result = self.execute_native(sql, params);
        // Counted under the statement as written; abbreviated only when taken,
        // so that the count costs the native run one lookup.
        let took = started.elapsed();
        let mut profile = self.profile.borrow_mut();
        match profile.get_mut(sql) {
            Some(entry) => *entry = (entry.0 + 1, entry.1 + took),
            None => {
                profile.insert(sql.to_string(), (1, took));
            }
        }
        result
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn execute_native(&self, sql: &str, params: &[Value]) -> Result<QueryResult> {
        use rusqlite::types::Value as Native;
        let to_native = |v: &Value| match v {
            Value::Integer(i) => Native::Integer(*i),
            Value::Real(f) => Native::Real(*f),
            Value::Text(t) => Native::Text(t.clone()),
            Value::Blob(b) => Native::Blob(b.clone()),
            Value::Null => Native::Null,
        };
        let mut statement = self.conn.prepare_cached(sql)?;
        let columns: Vec<String> = statement.column_names().iter().map(|c| c.to_string()).collect();
        let mut cursor = statement.query(rusqlite::params_from_iter(params.iter().map(to_native)))?;
        let mut rows = Vec::new();
        while let Some(row) = cursor.next()? {
            let values = (0..columns.len()).map(|i| Ok(from_native(row.get_ref(i)?))).collect::<rusqlite::Result<Vec<_>>>()?;
            rows.push(spin_sdk::sqlite::RowResult { values });
        }
        Ok(QueryResult { columns, rows })
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

    /// Every row of a query, read by `f`, which fails on a row it cannot read.
    pub fn try_all<T>(&self, sql: &str, params: &[Value], f: impl FnMut(Row<'_>) -> Result<T>) -> Result<Vec<T>> {
        let result = self.query(sql, params)?;
        rows(&result).map(f).collect()
    }

    /// The first row of a query, read by `f`, which fails on a row it cannot read.
    pub fn try_one<T>(&self, sql: &str, params: &[Value], f: impl FnOnce(Row<'_>) -> Result<T>) -> Result<Option<T>> {
        let result = self.query(sql, params)?;
        rows(&result).next().map(f).transpose()
    }

    /// Runs `work` in a write transaction (`BEGIN IMMEDIATE`, so concurrent
    /// writers wait instead of failing): committed when it returns `Ok`,
    /// rolled back otherwise.
    ///
    /// A remote server may roll the transaction back under the work: libSQL's
    /// interrupts a statement (`SQLITE_INTERRUPT`, which undoes the whole
    /// transaction) and ends one that held the lock too long while another
    /// writer waited (`TRANSACTION_TIMEOUT`). Nothing of it was written, so
    /// the work runs again, up to [`SERVER_ROLLBACK_TRIES`] times in all.
    /// That is why `work` is `Fn`: it cannot count into its caller's
    /// variables, and what it returns is kept only from the try that
    /// committed. Outside the database it may only do what is harmless twice
    /// (a session made for a login that did not commit is never handed out).
    pub fn transaction<T, E: From<anyhow::Error>>(&self, work: impl Fn(&Db) -> Result<T, E>) -> Result<T, E> {
        let mut tries = 1;
        loop {
            self.rolled_back_by_server.set(false);
            match self.transaction_once(&work) {
                Err(_) if self.rolled_back_by_server.get() && tries < SERVER_ROLLBACK_TRIES => {
                    tries += 1;
                    eprintln!("db: the server rolled back a write transaction; trying it again ({tries} of {SERVER_ROLLBACK_TRIES})");
                }
                outcome => return outcome,
            }
        }
    }

    fn transaction_once<T, E: From<anyhow::Error>>(&self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        self.tune_for_writing();
        // Not yet in a transaction, so `query` waits out another writer.
        self.exec("BEGIN IMMEDIATE", &[])?;
        let began = std::time::Instant::now();
        self.in_transaction.set(true);
        // The rows the work deferred (audit records, messages) are written
        // before it commits. The commit is a statement of the transaction: a
        // server's rollback reported there runs the transaction again, never
        // the commit alone.
        let outcome = work(self)
            .and_then(|value| self.write_all_deferred().map(|()| value).map_err(E::from))
            .and_then(|value| self.exec("COMMIT", &[]).map(|()| value).map_err(E::from));
        self.in_transaction.set(false);
        self.audit_tail.replace(None);
        self.org_nodes.replace(None);
        self.pending.borrow_mut().clear();
        match outcome {
            Ok(value) => {
                // Batches are sized to stay near the target; one well over it
                // is what an operator of a remote backend needs to see.
                let held = began.elapsed();
                if held > 2 * TRANSACTION_TARGET {
                    eprintln!(
                        "db: a write transaction held the lock for {} ms (target {} ms)",
                        held.as_millis(),
                        TRANSACTION_TARGET.as_millis()
                    );
                }
                Ok(value)
            }
            Err(e) => {
                // A failed statement or commit may leave the transaction open
                // on the connection. The work's error matters more than a
                // failed rollback.
                let _ = self.exec("ROLLBACK", &[]);
                Err(e)
            }
        }
    }
}

impl Db {
    /// Rows a batch should put in one write transaction: `max` on local
    /// SQLite, fewer on a remote backend where every statement is a network
    /// round trip, so that about `statements_per_row` statements a row keep
    /// the transaction near [`TRANSACTION_TARGET`]. At least one row.
    pub fn rows_per_transaction(&self, max: usize, statements_per_row: usize) -> usize {
        let round_trip = self.round_trip.get().unwrap_or_else(|| {
            // The fastest of three trivial statements: one round trip. Failed
            // ones (a transaction the server undid) measure nothing.
            let measured = (0..3)
                .filter_map(|_| {
                    let started = std::time::Instant::now();
                    self.exec("SELECT 1", &[]).ok().map(|()| started.elapsed())
                })
                .min();
            self.round_trip.set(measured);
            measured.unwrap_or_default()
        });
        rows_fitting(round_trip, statements_per_row, max)
    }

    /// Runs `work` over `items` in write transactions that stay near
    /// [`TRANSACTION_TARGET`]: the first sized by
    /// [`Self::rows_per_transaction`], each next one by how long the last
    /// took a row. An estimate of statements a row must cover the worst row
    /// (a roster row that changes every field), so sizing from it alone
    /// makes transactions of cheap rows many times too small, and each one
    /// rewrites the pages it shares with the others. `work` gets the
    /// transaction, its rows, what the transactions before it returned, and
    /// whether its rows are the last; what it returns is kept only once its
    /// transaction committed (a transaction may run again, see
    /// [`Db::transaction`]). Returns what each transaction returned. Nothing
    /// runs for no items; what committed before an error stays committed.
    pub fn transactions_over<T, R, E: From<anyhow::Error>>(
        &self,
        items: &[T],
        max: usize,
        statements_per_row: usize,
        work: impl Fn(&Db, &[T], &[R], bool) -> Result<R, E>,
    ) -> Result<Vec<R>, E> {
        let mut rows = self.rows_per_transaction(max, statements_per_row);
        let mut rest = items;
        let mut committed = Vec::new();
        while !rest.is_empty() {
            let (batch, after) = rest.split_at(rows.min(rest.len()));
            let started = std::time::Instant::now();
            committed.push(self.transaction(|db| work(db, batch, &committed, after.is_empty()))?);
            rows = rows_next(batch.len(), started.elapsed(), max);
            rest = after;
        }
        Ok(committed)
    }

    /// Whether a write transaction is open.
    pub(crate) fn in_transaction(&self) -> bool {
        self.in_transaction.get()
    }

    /// The audit chain's last link (seq, hash), when this transaction knows it.
    pub(crate) fn audit_tail(&self) -> Option<(i64, String)> {
        self.audit_tail.borrow().clone()
    }

    /// The key of audit records' payload hashes ([`crate::secrets::audit_key`]).
    pub(crate) fn audit_key(&self) -> Result<&[u8]> {
        if let Some(key) = self.audit_key.get() {
            return Ok(key);
        }
        let key = crate::secrets::audit_key()?;
        Ok(self.audit_key.get_or_init(|| key))
    }

    /// Keeps a row of `values` for `into`: inside a transaction it is
    /// written with the others of its statement in as few statements as the
    /// parameter limit allows, before the commit or when
    /// [`Self::write_deferred`] asks for them (before anything reads their
    /// table); outside one, at once.
    pub(crate) fn defer_row(&self, into: RowsInto, values: Vec<Value>) -> Result<()> {
        self.defer_rows(into, values.len(), values)
    }

    /// [`Self::defer_row`] for rows of `width` values each, one after the other.
    pub(crate) fn defer_rows(&self, into: RowsInto, width: usize, values: Vec<Value>) -> Result<()> {
        if !self.in_transaction.get() {
            return self.write_rows(into.head, width, values, into.tail);
        }
        self.pending.borrow_mut().entry(into).or_insert_with(|| (width, Vec::new())).1.extend(values);
        Ok(())
    }

    /// Whether a row kept for `into` has the text `key` in its first column.
    pub(crate) fn keeps(&self, into: RowsInto, key: &str) -> bool {
        self.pending
            .borrow()
            .get(&into)
            .is_some_and(|(width, values)| values.chunks(*width).any(|row| matches!(row.first(), Some(Value::Text(first)) if first == key)))
    }

    /// Writes the rows kept for `into`.
    pub(crate) fn write_deferred(&self, into: RowsInto) -> Result<()> {
        let kept = self.pending.borrow_mut().remove(&into);
        match kept {
            Some((width, values)) => self.write_rows(into.head, width, values, into.tail),
            None => Ok(()),
        }
    }

    /// Writes every row kept.
    fn write_all_deferred(&self) -> Result<()> {
        let kept = std::mem::take(&mut *self.pending.borrow_mut());
        kept.into_iter().try_for_each(|(into, (width, values))| self.write_rows(into.head, width, values, into.tail))
    }

    /// Inserts rows of `width` values each (`values` holds them one after
    /// the other, in the column order of `head`, an `INSERT … INTO t (…)`
    /// without its `VALUES`) in as few statements as the parameter limit
    /// allows: rows written one by one would cost a statement each, and on
    /// a remote backend a round trip each.
    pub(crate) fn insert_rows(&self, head: &str, width: usize, values: Vec<Value>) -> Result<()> {
        self.write_rows(head, width, values, "")
    }

    /// [`Self::insert_rows`] for any statement over a list of rows: each
    /// statement is `head`, `VALUES` and the rows, then `tail` (an
    /// `UPDATE … FROM (` takes its rows as a table `v` with columns
    /// `column1`, `column2`… and ends with `) AS v WHERE …`).
    pub(crate) fn write_rows(&self, head: &str, width: usize, values: Vec<Value>, tail: &str) -> Result<()> {
        let row = format!("({})", placeholders(width));
        let mut values = values.into_iter();
        let mut left = values.len() / width;
        while left > 0 {
            let rows = left.min(MAX_PARAMETERS / width);
            let sql = format!("{head} VALUES {}{tail}", vec![row.as_str(); rows].join(", "));
            self.exec(&sql, &values.by_ref().take(rows * width).collect::<Vec<_>>())?;
            left -= rows;
        }
        Ok(())
    }

    /// Remembers the link just appended, inside a transaction only.
    pub(crate) fn remember_audit_tail(&self, seq: i64, hash: &str) {
        if self.in_transaction.get() {
            self.audit_tail.replace(Some((seq, hash.to_string())));
        }
    }
}

/// Runs `attempt`, and while `retry` and the failure is transient, again
/// with a growing pause, for up to 10 s.
fn with_busy_retry<T>(mut attempt: impl FnMut() -> Result<T>, retry: bool) -> Result<T> {
    let started = std::time::Instant::now();
    let mut pause = std::time::Duration::from_millis(5);
    loop {
        match attempt() {
            Err(e) if retry && started.elapsed() < std::time::Duration::from_secs(10) && is_transient(&e) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_millis(200));
            }
            outcome => return outcome,
        }
    }
}

/// Rows of `statements_per_row` statements that fit in
/// [`TRANSACTION_TARGET`] at `round_trip` each, between 1 and `max`.
fn rows_fitting(round_trip: std::time::Duration, statements_per_row: usize, max: usize) -> usize {
    let per_row = round_trip.as_nanos().saturating_mul(statements_per_row.max(1) as u128).max(1);
    usize::try_from(TRANSACTION_TARGET.as_nanos() / per_row).unwrap_or(usize::MAX).clamp(1, max.max(1))
}

/// Rows for the next transaction, after `rows` took `took`: as many as fit
/// in [`TRANSACTION_TARGET`] at that pace, at most twice as many as before
/// (a batch of cheap rows says little of the next), between 1 and `max`.
fn rows_next(rows: usize, took: std::time::Duration, max: usize) -> usize {
    let per_row = took.as_nanos().max(1) / rows.max(1) as u128;
    let fitting = usize::try_from(TRANSACTION_TARGET.as_nanos() / per_row.max(1)).unwrap_or(usize::MAX);
    fitting.min(rows.saturating_mul(2)).clamp(1, max.max(1))
}

/// Whether a statement failed for a reason that is gone when it runs again:
/// another writer held the database, or the server rolled it back.
fn is_transient(e: &anyhow::Error) -> bool {
    let text = format!("{e:#}").to_lowercase();
    text.contains("locked") || text.contains("busy") || rolled_back_by_server(e)
}

/// Whether a remote server undid the statement and the transaction it was
/// in: libSQL's server interrupts a statement when the stream it runs on
/// was cancelled, and ends a transaction that held the lock over 5 s while
/// another writer waited.
fn rolled_back_by_server(e: &anyhow::Error) -> bool {
    let text = format!("{e:#}").to_lowercase();
    text.contains("interrupt") || text.contains("transaction_timeout") || text.contains("timed-out")
}

/// The first words of a statement, for error context without parameters.
fn first_words(sql: &str) -> String {
    sql.split_whitespace().take(4).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn transactions_are_sized_from_the_round_trip() {
        // Each row: round trip, statements a row, the local maximum, rows per transaction.
        let cases = [
            (Duration::from_micros(10), 12, 500, 500, "local SQLite: the maximum"),
            (Duration::from_millis(1), 12, 500, 83, "libSQL on the same machine"),
            (Duration::from_millis(20), 12, 500, 4, "libSQL across a region"),
            (Duration::from_secs(2), 12, 500, 1, "never fewer than one row"),
            (Duration::ZERO, 0, 0, 1, "degenerate input"),
        ];
        for (round_trip, statements, max, rows, why) in cases {
            assert_eq!(rows_fitting(round_trip, statements, max), rows, "{why}");
        }
    }

    #[test]
    fn each_next_transaction_is_sized_from_the_last() {
        // Each row: rows in the last, how long it took, the maximum, rows in the next.
        let cases = [
            (1000, Duration::from_millis(100), 5000, 2000, "fast rows: at most twice as many"),
            (2000, Duration::from_millis(250), 5000, 4000, "still fast: doubled again"),
            (4000, Duration::from_millis(400), 5000, 5000, "never more than the maximum"),
            (5000, Duration::from_millis(2500), 5000, 2000, "slow rows: as many as fit the target"),
            (100, Duration::from_secs(20), 5000, 5, "a slow backend: few rows"),
            (10, Duration::from_secs(60), 5000, 1, "never fewer than one row"),
            (0, Duration::ZERO, 0, 1, "degenerate input"),
        ];
        for (rows, took, max, next, why) in cases {
            assert_eq!(rows_next(rows, took, max), next, "{why}");
        }
    }

    /// A database in a folder of its own, with a table `t` and a SQL
    /// function `interrupt_if(n)` that interrupts the statement calling it
    /// while `n` is non-zero, as libSQL's server does to a cancelled stream.
    fn interruptible(name: &str) -> (Db, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("zige-db-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::open_file(&dir.join("t.db")).unwrap();
        db.exec("CREATE TABLE t (x INTEGER)", &[]).unwrap();
        let interrupt = db.conn.get_interrupt_handle();
        db.conn
            .create_scalar_function("interrupt_if", 1, rusqlite::functions::FunctionFlags::SQLITE_UTF8, move |ctx| {
                if ctx.get::<i64>(0)? != 0 {
                    interrupt.interrupt();
                }
                Ok(0)
            })
            .unwrap();
        (db, dir)
    }

    fn rows_of_t(db: &Db) -> i64 {
        db.one("SELECT COUNT(*) AS n FROM t", &[], |r| r.int("n")).unwrap().unwrap()
    }

    #[test]
    fn a_transaction_the_server_rolled_back_runs_again_and_commits_once() {
        // Each row: the tries that are interrupted, how many tries run, rows committed.
        let cases = [
            (0, 1, 1, "no interrupt: one try"),
            (1, 2, 1, "the first try interrupted: a second commits"),
            (SERVER_ROLLBACK_TRIES - 1, SERVER_ROLLBACK_TRIES, 1, "the last try commits"),
            (SERVER_ROLLBACK_TRIES, SERVER_ROLLBACK_TRIES, 0, "every try interrupted: the error, nothing written"),
        ];
        for (interrupted, expected_tries, expected_rows, why) in cases {
            let (db, dir) = interruptible(&format!("retry-{interrupted}"));
            let tries = std::cell::Cell::new(0);
            let outcome = db.transaction(|db| -> Result<()> {
                tries.set(tries.get() + 1);
                db.exec("INSERT INTO t VALUES (1)", &[])?;
                // A write interrupted mid-transaction undoes the whole transaction.
                let interrupt = Value::Integer((tries.get() <= interrupted).into());
                db.exec("INSERT INTO t SELECT x FROM t WHERE interrupt_if(?) = 1", &[interrupt])
            });
            assert_eq!(tries.get(), expected_tries, "{why}");
            assert_eq!(outcome.is_ok(), expected_rows == 1, "{why}: {outcome:?}");
            assert_eq!(rows_of_t(&db), expected_rows, "{why}");
            assert!(!db.in_transaction(), "{why}");
            db.exec("INSERT INTO t VALUES (2)", &[]).unwrap_or_else(|e| panic!("{why}: the connection is usable after: {e:#}"));
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }

    #[test]
    fn after_the_server_rolled_back_no_statement_of_the_try_runs_on_its_own() {
        let (db, dir) = interruptible("swallowed");
        let tries = std::cell::Cell::new(0);
        db.transaction(|db| -> Result<()> {
            tries.set(tries.get() + 1);
            db.exec("INSERT INTO t VALUES (1)", &[])?;
            // Work that ignores the interrupted statement's error goes on.
            let _ = db.exec("INSERT INTO t SELECT x FROM t WHERE interrupt_if(?) = 1", &[Value::Integer((tries.get() == 1).into())]);
            db.exec("INSERT INTO t VALUES (2)", &[])
        })
        .unwrap();
        assert_eq!((tries.get(), rows_of_t(&db)), (2, 2), "only the second try's two rows");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_transaction_that_failed_for_itself_runs_once() {
        let (db, dir) = interruptible("own-error");
        let tries = std::cell::Cell::new(0);
        let outcome = db.transaction(|db| -> Result<()> {
            tries.set(tries.get() + 1);
            db.exec("INSERT INTO t VALUES (1)", &[])?;
            db.exec("INSERT INTO no_such_table VALUES (1)", &[])
        });
        assert!(outcome.is_err());
        assert_eq!((tries.get(), rows_of_t(&db)), (1, 0));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_interrupted_statement_outside_a_transaction_runs_again() {
        let (db, dir) = interruptible("outside");
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counted = calls.clone();
        let interrupt = db.conn.get_interrupt_handle();
        db.conn
            .create_scalar_function("interrupt_first", 0, rusqlite::functions::FunctionFlags::SQLITE_UTF8, move |_| {
                if counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                    interrupt.interrupt();
                }
                Ok(0)
            })
            .unwrap();
        db.exec("INSERT INTO t SELECT interrupt_first()", &[]).unwrap();
        assert_eq!((calls.load(std::sync::atomic::Ordering::SeqCst), rows_of_t(&db)), (2, 1));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_local_database_takes_the_whole_batch() {
        let dir = std::env::temp_dir().join(format!("zige-db-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::open_file(&dir.join("t.db")).unwrap();
        assert_eq!(db.rows_per_transaction(500, 12), 500);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
