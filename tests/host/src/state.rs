//! Key-value stores and SQLite databases kept in files, interchangeable with
//! real Spin's: key-value in the table `spin_key_value(store, key, value)` of
//! `sqlite_key_value.db`, the default database in `sqlite_db.db`.

use anyhow::{Context, Result};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a connection waits for another writer before giving up. Long
/// enough that concurrent requests queue rather than fail.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Where a store or database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    /// Spin keeps a store in memory when no path and no state directory
    /// is given.
    Memory,
}

fn open_connection(location: &Location) -> Result<Connection> {
    let conn = match location {
        Location::File(path) => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
            Connection::open_with_flags(path, OpenFlags::default())?
        }
        Location::Memory => Connection::open_in_memory()?,
    };
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Components run a few dozen distinct statements; keeping them prepared
    // saves parsing them again on every call.
    conn.set_prepared_statement_cache_capacity(256);
    Ok(conn)
}

/// The key-value stores of an app: one SQLite connection per backing file,
/// shared by every instance (each operation is one statement).
#[derive(Clone, Default)]
pub struct KeyValue {
    stores: Arc<BTreeMap<String, Arc<Mutex<Connection>>>>,
}

impl KeyValue {
    /// Opens every configured store, creating Spin's table where missing.
    pub fn open(stores: &BTreeMap<String, Location>) -> Result<Self> {
        let mut by_file: BTreeMap<String, Arc<Mutex<Connection>>> = BTreeMap::new();
        let mut out = BTreeMap::new();
        for (label, location) in stores {
            let key = match location {
                Location::File(p) => p.display().to_string(),
                Location::Memory => format!(":memory:{label}"),
            };
            let conn = match by_file.get(&key) {
                Some(c) => c.clone(),
                None => {
                    let conn = open_connection(location)?;
                    // Write-ahead logging with normal syncing: key-value holds
                    // short-lived data, and a sync per write would serialise
                    // every request behind the disk. The file stays readable
                    // by Spin, which opens WAL databases as they are.
                    conn.pragma_update(None, "journal_mode", "WAL")?;
                    conn.pragma_update(None, "synchronous", "NORMAL")?;
                    conn.execute(
                        "CREATE TABLE IF NOT EXISTS spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (store, key))",
                        [],
                    )?;
                    let conn = Arc::new(Mutex::new(conn));
                    by_file.insert(key, conn.clone());
                    conn
                }
            };
            out.insert(label.clone(), conn);
        }
        Ok(Self { stores: Arc::new(out) })
    }

    pub fn has(&self, label: &str) -> bool {
        self.stores.contains_key(label)
    }

    fn with<T>(&self, label: &str, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, String> {
        let conn = self.stores.get(label).ok_or_else(|| format!("no store {label:?}"))?;
        let guard = conn.lock().map_err(|_| "key-value connection poisoned".to_string())?;
        f(&guard).map_err(|e| format!("{e:?}"))
    }

    pub fn get(&self, label: &str, key: &str) -> Result<Option<Vec<u8>>, String> {
        self.with(label, |c| read(c, label, key))
    }

    pub fn set(&self, label: &str, key: &str, value: &[u8]) -> Result<(), String> {
        self.with(label, |c| write(c, label, key, value))
    }

    pub fn delete(&self, label: &str, key: &str) -> Result<(), String> {
        self.with(label, |c| {
            c.prepare_cached("DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2")?.execute((label, key)).map(|_| ())
        })
    }

    /// Adds `delta` to the counter at `key` in one transaction and returns
    /// the new value. As in Spin's local store, a counter is kept as an
    /// 8-byte little-endian integer; a missing key counts from zero.
    pub fn increment(&self, label: &str, key: &str, delta: i64) -> Result<i64, String> {
        self.with(label, |c| {
            let tx = c.unchecked_transaction()?;
            let old = match read(&tx, label, key)? {
                None => 0,
                Some(bytes) => i64::from_le_bytes(bytes.as_slice().try_into().map_err(|_| rusqlite::Error::InvalidQuery)?),
            };
            let new = old.wrapping_add(delta);
            write(&tx, label, key, &new.to_le_bytes())?;
            tx.commit()?;
            Ok(new)
        })
    }

    /// Sets `key` to `value` only if it still holds `seen` (`None`: absent);
    /// returns whether it did.
    pub fn swap(&self, label: &str, key: &str, seen: Option<&[u8]>, value: &[u8]) -> Result<bool, String> {
        self.with(label, |c| {
            let tx = c.unchecked_transaction()?;
            if read(&tx, label, key)?.as_deref() != seen {
                return Ok(false);
            }
            write(&tx, label, key, value)?;
            tx.commit()?;
            Ok(true)
        })
    }

    pub fn keys(&self, label: &str) -> Result<Vec<String>, String> {
        self.with(label, |c| {
            let mut stmt = c.prepare_cached("SELECT key FROM spin_key_value WHERE store = ?1")?;
            stmt.query_map([label], |r| r.get(0))?.collect()
        })
    }
}

/// A value of Spin's key-value table.
fn read(c: &Connection, label: &str, key: &str) -> rusqlite::Result<Option<Vec<u8>>> {
    c.prepare_cached("SELECT value FROM spin_key_value WHERE store = ?1 AND key = ?2")?.query_row((label, key), |r| r.get(0)).optional()
}

/// Sets a value of Spin's key-value table.
fn write(c: &Connection, label: &str, key: &str, value: &[u8]) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3) ON CONFLICT(store, key) DO UPDATE SET value = ?3")?
        .execute((label, key, value))
        .map(|_| ())
}

/// The SQLite databases of an app. Every `open` from a guest gets a
/// connection of its own (as on Spin), taken from a small pool; concurrent
/// writers wait for each other through SQLite's busy timeout instead of
/// failing.
#[derive(Clone, Default)]
pub struct Databases {
    databases: Arc<BTreeMap<String, Database>>,
}

struct Database {
    location: Location,
    idle: Mutex<Vec<Connection>>,
    /// An in-memory database exists only while a connection holds it, so
    /// it gets one shared connection.
    shared_memory: Option<Arc<Mutex<Connection>>>,
}

/// A connection lent to one guest `open`.
pub enum Lease {
    Own(Connection),
    Shared(Arc<Mutex<Connection>>),
}

impl Databases {
    pub fn open(databases: &BTreeMap<String, Location>) -> Result<Self> {
        let mut out = BTreeMap::new();
        for (label, location) in databases {
            let shared_memory = match location {
                Location::Memory => Some(Arc::new(Mutex::new(open_connection(location)?))),
                Location::File(_) => {
                    // Open once now so that a bad path fails at start-up.
                    drop(open_connection(location)?);
                    None
                }
            };
            out.insert(label.clone(), Database { location: location.clone(), idle: Mutex::new(Vec::new()), shared_memory });
        }
        Ok(Self { databases: Arc::new(out) })
    }

    pub fn has(&self, label: &str) -> bool {
        self.databases.contains_key(label)
    }

    /// A connection for a guest's `open(label)`.
    pub fn lease(&self, label: &str) -> Result<Lease, String> {
        let db = self.databases.get(label).ok_or_else(|| format!("no database {label:?}"))?;
        if let Some(shared) = &db.shared_memory {
            return Ok(Lease::Shared(shared.clone()));
        }
        let pooled = db.idle.lock().map_err(|_| "connection pool poisoned".to_string())?.pop();
        match pooled {
            Some(conn) => Ok(Lease::Own(conn)),
            None => open_connection(&db.location).map(Lease::Own).map_err(|e| e.to_string()),
        }
    }

    /// Gives a connection back when the guest drops it or the instance ends.
    /// A transaction the guest left open is rolled back first, as closing the
    /// connection would.
    pub fn release(&self, label: &str, lease: Lease) {
        let (Some(db), Lease::Own(conn)) = (self.databases.get(label), lease) else {
            return;
        };
        if !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err() {
            return;
        }
        if let Ok(mut idle) = db.idle.lock() {
            if idle.len() < 16 {
                idle.push(conn);
            }
        }
    }
}

/// A guest-visible SQL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
    Null,
}

/// Runs one statement as Spin does: only the first statement of the text,
/// positional parameters, column names even when no row comes back.
pub fn execute(conn: &Connection, sql: &str, params: Vec<Value>) -> Result<(Vec<String>, Vec<Vec<Value>>), String> {
    use rusqlite::types::{ToSqlOutput, Value as Sql, ValueRef};
    let mut stmt = conn.prepare_cached(sql).map_err(|e| e.to_string())?;
    let columns: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let params: Vec<ToSqlOutput<'static>> = params
        .into_iter()
        .map(|v| {
            ToSqlOutput::Owned(match v {
                Value::Integer(i) => Sql::Integer(i),
                Value::Real(f) => Sql::Real(f),
                Value::Text(t) => Sql::Text(t),
                Value::Blob(b) => Sql::Blob(b),
                Value::Null => Sql::Null,
            })
        })
        .collect();
    let mut rows = stmt.query(rusqlite::params_from_iter(params.iter())).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let mut values = Vec::with_capacity(columns.len());
        for i in 0..columns.len() {
            values.push(match row.get_ref(i).map_err(|e| e.to_string())? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(i) => Value::Integer(i),
                ValueRef::Real(f) => Value::Real(f),
                // Text that is not UTF-8 would crash Spin's host; here it is
                // passed on with replacement characters.
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            });
        }
        out.push(values);
    }
    Ok((columns, out))
}

/// Where state lives: the state directory and runtime-config overrides.
pub fn default_locations(state_dir: Option<&Path>) -> (Location, Location) {
    match state_dir {
        Some(dir) => (Location::File(dir.join("sqlite_key_value.db")), Location::File(dir.join("sqlite_db.db"))),
        None => (Location::Memory, Location::Memory),
    }
}
