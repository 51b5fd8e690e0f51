//! The audit trail (R8.1, R9.2): every state change and every data exchange
//! appends a record in the same transaction as the change. Records are
//! append-only (triggers refuse updates and deletes) and hash-chained: each
//! holds the hash of the previous one, so an edit anywhere is detected by
//! [`verify`]. Records hold a keyed hash of the payload (HMAC-SHA256 under
//! [`crate::secrets::audit_key`]), never personal data, so a reader cannot
//! test a guessed payload against it.

use crate::db::{Db, RowsInto, int, text};
use crate::secrets::sha256_hex;
use anyhow::Result;

/// What happened, by whom, to what.
pub struct Entry<'a> {
    /// `staff:<id>`, `partner:<id>`, `recipient:<id>`, `system:<job>`.
    pub actor: &'a str,
    /// The actor's role, or the actor kind.
    pub role: &'a str,
    /// A dotted verb: `roster.import`, `person.update`, `staff.login`.
    pub action: &'a str,
    /// The object acted on (an id, never a name or ID number).
    pub object: &'a str,
    /// The request or change this record stands for; only its keyed hash is kept.
    pub payload: &'a [u8],
}

fn link_hash(prev: &str, seq: i64, at: &str, e: &Entry<'_>, payload_hash: &str) -> String {
    sha256_hex(format!("{prev}\n{seq}\n{at}\n{}\n{}\n{}\n{}\n{payload_hash}", e.actor, e.role, e.action, e.object).as_bytes())
}

/// The audit table's insert, without its values.
const INSERT: RowsInto = RowsInto::insert("INSERT INTO audit_log (seq, at, actor, role, action, object, payload_hash, prev_hash, hash)");

/// Writes the records appended in this transaction and not yet written:
/// before the commit, and before anything reads the trail.
pub(crate) fn write_pending(db: &Db) -> Result<()> {
    db.write_deferred(INSERT)
}

/// Appends a record; call inside the transaction of the change it records.
pub fn append(db: &Db, entry: &Entry<'_>) -> Result<i64> {
    let (seq, prev) = match db.audit_tail() {
        Some((last, hash)) => (last + 1, hash),
        None => db
            .one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", &[], |r| (r.int("seq") + 1, r.text("hash")))?
            .unwrap_or((1, String::new())),
    };
    let at = crate::now_rfc3339();
    let payload_hash = zige_domain::id_number::blind_index(db.audit_key()?, entry.payload);
    let hash = link_hash(&prev, seq, &at, entry, &payload_hash);
    let values = [
        int(seq),
        text(at),
        text(entry.actor),
        text(entry.role),
        text(entry.action),
        text(entry.object),
        text(payload_hash),
        text(prev),
        text(hash.as_str()),
    ];
    // Inside a transaction the record is written with the others before the
    // commit; the chain's tail is remembered, so the next link follows it.
    db.defer_row(INSERT, Vec::from(values))?;
    db.remember_audit_tail(seq, &hash);
    Ok(seq)
}

/// The newest record of the chain, as an outside witness keeps it: the
/// chain alone cannot show records cut from its end, a head kept elsewhere
/// can (R8.1). Published at `GET /api/v1/audit/head`, in every monthly
/// archive's manifest and in the payroll feed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Head {
    /// Its sequence number.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
}

impl Head {
    /// Reads `SEQ:HASH`, as the head is written in a query.
    pub fn parse(text: &str) -> Option<Self> {
        let (seq, hash) = text.split_once(':')?;
        let seq = seq.parse().ok().filter(|n: &i64| *n > 0)?;
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Self { seq, hash: hash.to_ascii_lowercase() })
    }
}

/// The chain's head, or `None` while it is empty.
pub fn head(db: &Db) -> Result<Option<Head>> {
    write_pending(db)?;
    db.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", &[], |r| Head { seq: r.int("seq"), hash: r.text("hash") })
}

/// Whether the chain still holds the record a witness kept: the same
/// sequence number with the same hash.
pub fn reaches(db: &Db, head: &Head) -> Result<bool> {
    write_pending(db)?;
    let found = db.one("SELECT hash FROM audit_log WHERE seq = ?", &[int(head.seq)], |r| r.text("hash"))?;
    Ok(found.as_deref() == Some(head.hash.as_str()))
}

/// The outcome of checking the chain.
#[derive(Debug, serde::Serialize)]
pub struct Verification {
    /// Records checked.
    pub records: i64,
    /// Whether every link holds.
    pub intact: bool,
    /// The first record whose link is broken.
    pub first_broken_seq: Option<i64>,
    /// What is wrong with it.
    pub problem: Option<String>,
}

/// Recomputes every link in order and reports the first broken one.
pub fn verify(db: &Db) -> Result<Verification> {
    write_pending(db)?;
    let mut expected_prev = String::new();
    let mut expected_seq = 1;
    let mut records = 0;
    loop {
        let batch = db.all(
            "SELECT seq, at, actor, role, action, object, payload_hash, prev_hash, hash FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT 2000",
            &[int(expected_seq)],
            |r| {
                (
                    r.int("seq"),
                    r.text("at"),
                    [r.text("actor"), r.text("role"), r.text("action"), r.text("object")],
                    r.text("payload_hash"),
                    r.text("prev_hash"),
                    r.text("hash"),
                )
            },
        )?;
        if batch.is_empty() {
            break;
        }
        for (seq, at, [actor, role, action, object], payload_hash, prev_hash, hash) in batch {
            let broken =
                |problem: &str| Verification { records, intact: false, first_broken_seq: Some(seq), problem: Some(problem.to_string()) };
            if seq != expected_seq {
                return Ok(Verification { first_broken_seq: Some(expected_seq), ..broken("a record is missing") });
            }
            if prev_hash != expected_prev {
                return Ok(broken("the link to the previous record does not match"));
            }
            let entry = Entry { actor: &actor, role: &role, action: &action, object: &object, payload: &[] };
            if link_hash(&prev_hash, seq, &at, &entry, &payload_hash) != hash {
                return Ok(broken("the record was changed after it was written"));
            }
            records += 1;
            expected_prev = hash;
            expected_seq = seq + 1;
        }
    }
    Ok(Verification { records, intact: true, first_broken_seq: None, problem: None })
}

/// An audit record as auditors read it (R8.1).
pub struct Record {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub object: String,
    pub payload_hash: String,
    pub hash: String,
}

/// The records after sequence number `after`, oldest first, at most `limit`.
pub fn records_after(db: &Db, after: i64, limit: i64) -> Result<Vec<Record>> {
    write_pending(db)?;
    db.all(
        "SELECT seq, at, actor, role, action, object, payload_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
        &[int(after), int(limit)],
        |r| Record {
            seq: r.int("seq"),
            at: r.text("at"),
            actor: r.text("actor"),
            role: r.text("role"),
            action: r.text("action"),
            object: r.text("object"),
            payload_hash: r.text("payload_hash"),
            hash: r.text("hash"),
        },
    )
}
