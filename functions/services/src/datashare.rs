//! Partner records turned into evidence (R5.1, R5.2, R5.9, R8.1), shared by
//! the webhook receiver and the bulk import so that both give every event
//! the same outcome: proof of life certifies silently (视同认证合格, R5.3);
//! losses and monitoring flags suspend at once in the same transaction and
//! open verification (先停、再查、后追); events naming nobody are kept for
//! staff to re-match; every event is audited.

use crate::workflow::{self, Actor};
use anyhow::Result;
use chrono::NaiveDate;
use serde_json::{Value as Json, json};
use std::collections::{HashMap, HashSet};
use zige_domain::IdNumber;
use zige_domain::casework::IMPORT_OUTCOMES;
use zige_domain::evidence::{EVENT_TYPES, EvidenceKind};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::tables::{
    datashare_import_rows, datashare_imports, partner_events, partners, persons, unmatched_events, webhook_deliveries,
};

/// A registered partner agency.
pub struct Partner {
    /// The partner's id, as in its webhook address.
    pub id: String,
    /// Its kind (`police`, `court`, `bank`…), recorded as the evidence source.
    pub kind: String,
    /// The event types it may send.
    pub event_types: Vec<String>,
    /// A disabled partner's records are refused.
    pub disabled: bool,
}

impl Partner {
    /// Loads a partner by id.
    pub fn load(db: &Db, id: &str) -> Result<Option<Partner>> {
        Ok(partners::find_sender(db, id)?.map(|p| Partner { id: p.id, kind: p.kind, event_types: p.event_types, disabled: p.disabled }))
    }

    fn actor(&self) -> String {
        format!("partner:{}", self.id)
    }
}

/// How a record arrived: in a signed webhook delivery or in an imported file.
#[derive(Clone, Copy)]
pub enum Via<'a> {
    /// A webhook delivery, by its `webhook-id`.
    Webhook(&'a str),
    /// A bulk import, by its id.
    Import(&'a str),
}

impl Via<'_> {
    fn label(self) -> String {
        match self {
            Via::Webhook(id) => id.to_string(),
            Via::Import(id) => format!("import:{id}"),
        }
    }

    fn audit_prefix(self) -> &'static str {
        match self {
            Via::Webhook(_) => "webhook.event",
            Via::Import(_) => "import.event",
        }
    }
}

/// What became of one event.
pub struct Outcome {
    /// The partner's event id, as sent (empty when missing).
    pub event_id: String,
    /// `applied`, `duplicate`, `unmatched` or `rejected`.
    pub outcome: &'static str,
    /// Why an event was rejected, naming the field.
    pub reason: Option<String>,
}

impl Outcome {
    /// The outcome as the webhook answer lists it.
    pub fn to_json(&self) -> Json {
        json!({ "event_id": self.event_id, "outcome": self.outcome, "reason": self.reason })
    }
}

/// What a chunk of events needs to know of the store, read for the whole
/// chunk at once instead of for each event: which of its event ids the
/// partner sent before, the persons its subjects name, and what is on file
/// of those a record may change ([`workflow::Batch`]).
pub struct Known {
    seen: HashSet<String>,
    persons: HashMap<String, String>,
    batch: workflow::Batch,
    /// The blind index of each ID number the chunk names, as written: an
    /// HMAC each, which `apply` would otherwise compute again.
    indexes: HashMap<String, String>,
}

impl Known {
    /// Reads what is on file for `events` of `partner`.
    pub fn read<'e>(
        db: &Db,
        partner: &Partner,
        events: impl Iterator<Item = &'e Json> + Clone,
        key: &[u8],
        today: NaiveDate,
    ) -> Result<Self> {
        let ids: Vec<&str> = events.clone().filter_map(|e| e.get("event_id").and_then(Json::as_str)).collect();
        let indexes: HashMap<String, String> = events
            .clone()
            .filter_map(|e| e.pointer("/subject/id_number").and_then(Json::as_str))
            .filter_map(|n| Some((n.to_string(), IdNumber::parse(n).ok()?.blind_index(key))))
            .collect();
        let persons = persons::ids_by_indexes(db, &indexes.values().map(String::as_str).collect::<Vec<_>>())?;
        let person_ids: Vec<&str> = persons.values().map(String::as_str).collect();
        // The persons an event other than a sign of life names: each is decided on.
        let with_other_records: Vec<&str> = events
            .filter(|e| {
                let kind =
                    EvidenceKind::from_event(e.get("type").and_then(Json::as_str).unwrap_or_default(), &detail_reader(&e["details"]));
                kind.is_ok_and(|kind| !kind.is_sign_of_life())
            })
            .filter_map(|e| indexes.get(e.pointer("/subject/id_number").and_then(Json::as_str)?))
            .filter_map(|index| persons.get(index).map(String::as_str))
            .collect();
        Ok(Self {
            seen: partner_events::seen_among(db, &partner.id, &ids)?,
            batch: workflow::Batch::read(db, &person_ids, &with_other_records, today)?,
            persons,
            indexes,
        })
    }
}

/// Applies one event, records its outcome and audits it; call inside the
/// transaction of the delivery or import chunk. Database failures abort the
/// caller's transaction; a bad event is an `Ok` rejected outcome.
pub fn receive(db: &Db, partner: &Partner, event: &Json, via: Via<'_>, known: &mut Known, key: &[u8], today: NaiveDate) -> Result<Outcome> {
    let event_id = event.get("event_id").and_then(Json::as_str).unwrap_or_default().to_string();
    // Only an applied or unmatched event is seen; a rejected one may come again.
    let (outcome, reason) = match known.seen.contains(&event_id) {
        true => ("duplicate", None),
        false => match apply(db, partner, event, &event_id, known, key, today)? {
            Ok(outcome) => {
                known.seen.insert(event_id.clone());
                (outcome, None)
            }
            Err(reason) => ("rejected", Some(reason)),
        },
    };
    if !event_id.is_empty() && outcome != "duplicate" {
        // A rejected event's id is kept with its reason but not used up: the
        // partner's corrected resend takes the row over (R5.1).
        partner_events::record(db, &partner.id, &event_id, outcome, reason.as_deref(), via.label())?;
    }
    let object = format!("{}:{event_id}", partner.id);
    audit::append(
        db,
        &Entry {
            actor: &partner.actor(),
            role: "partner",
            action: &format!("{}.{outcome}", via.audit_prefix()),
            object: &object,
            payload: event.to_string().as_bytes(),
        },
    )?;
    Ok(Outcome { event_id, outcome, reason })
}

/// Applies a verified webhook delivery: every event, the raw body kept
/// sealed, and the answer stored so that a redelivery gets it again.
/// Returns the answer. The events go in transactions sized to the backend
/// ([`Db::transactions_over`]: on libSQL a delivery of 1,000 takes seconds,
/// and a long transaction is rolled back); the last also stores the answer. A
/// crash between them leaves the delivery unanswered, and the partner's
/// retry with the same webhook-id answers for what it applied.
pub fn accept_delivery(
    db: &Db,
    partner: &Partner,
    webhook_id: &str,
    events: &[Json],
    body: &[u8],
    sealed_body: &str,
    key: &[u8],
    today: NaiveDate,
) -> Result<Json> {
    // Events an earlier try of this delivery applied before a crash cut it
    // short: the retry answers for them as that try would have (the first
    // event of each id; a repeat in the delivery is a duplicate as ever).
    let mut earlier_try: std::collections::HashMap<String, String> =
        partner_events::delivered(db, &partner.id, webhook_id)?.into_iter().map(|e| (e.event_id, e.outcome)).collect();
    let events: Vec<(&Json, Option<Outcome>)> = events
        .iter()
        .map(|event| {
            let event_id = event.get("event_id").and_then(Json::as_str).unwrap_or_default();
            let earlier = earlier_try.remove(event_id).map(|outcome| Outcome {
                event_id: event_id.to_string(),
                outcome: if outcome == "unmatched" { "unmatched" } else { "applied" },
                reason: None,
            });
            (event, earlier)
        })
        .collect();
    let answer_of = |results: Vec<&Json>| json!({ "results": results });
    let apply_events = |db: &Db, chunk: &[(&Json, Option<Outcome>)], earlier: &[Vec<Json>], last: bool| -> Result<Vec<Json>> {
        let mut known = Known::read(db, partner, chunk.iter().map(|(event, _)| *event), key, today)?;
        let mut results = Vec::with_capacity(chunk.len());
        for (event, answered) in chunk {
            let outcome = match answered {
                Some(earlier) => earlier.to_json(),
                None => receive(db, partner, event, Via::Webhook(webhook_id), &mut known, key, today)?.to_json(),
            };
            results.push(outcome);
        }
        known.batch.finish(db, today)?;
        if last {
            let answer = answer_of(earlier.iter().flatten().chain(&results).collect());
            webhook_deliveries::insert(db, &partner.id, webhook_id, sealed_body, answer.to_string())?;
            audit::append(
                db,
                &Entry { actor: &partner.actor(), role: "partner", action: "webhook.delivery", object: webhook_id, payload: body },
            )?;
        }
        Ok(results)
    };
    let chunks = if events.is_empty() {
        // An empty delivery is still answered and stored.
        vec![db.transaction(|db| apply_events(db, &[], &[], true))?]
    } else {
        db.transactions_over(&events, events.len(), STATEMENTS_PER_EVENT, apply_events)?
    };
    Ok(answer_of(chunks.iter().flatten().collect()))
}

/// Applies an event not seen before: `Ok(outcome)` for applied or
/// unmatched; `Err(reason)` for a rejected event.
fn apply(
    db: &Db,
    partner: &Partner,
    event: &Json,
    event_id: &str,
    known: &mut Known,
    key: &[u8],
    today: NaiveDate,
) -> Result<Result<&'static str, String>> {
    if event_id.is_empty() || event_id.len() > 100 {
        return Ok(Err("event_id: 1 to 100 characters required".into()));
    }
    let partner_id = partner.id.as_str();
    let event_type = event.get("type").and_then(Json::as_str).unwrap_or_default();
    if !EVENT_TYPES.iter().any(|e| e.code == event_type) {
        return Ok(Err(format!("type: unknown event type \"{event_type}\"")));
    }
    if !partner.event_types.iter().any(|t| t == event_type) {
        return Ok(Err(format!("type: \"{event_type}\" is not allowed for this partner")));
    }
    let subject = event.pointer("/subject/id_number").and_then(Json::as_str);
    let id = match subject.map(IdNumber::parse) {
        Some(Ok(id)) => id,
        Some(Err(e)) => return Ok(Err(format!("subject.id_number: {e}"))),
        None => return Ok(Err("subject.id_number is required".into())),
    };
    let occurred_on = match event.get("occurred_on").and_then(Json::as_str).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) {
        Some(d) if d <= today => d,
        Some(_) => return Ok(Err("occurred_on is in the future".into())),
        None => return Ok(Err("occurred_on: a date such as 2026-11-01 is required".into())),
    };
    let details = event.get("details").cloned().unwrap_or(Json::Null);
    let kind = match EvidenceKind::from_event(event_type, &detail_reader(&details)) {
        Ok(EvidenceKind::Retraction { retracts }) => {
            let known = partner_events::outcome(db, partner_id, &retracts)?;
            if known.as_deref() != Some("applied") {
                return Ok(Err(format!("details.retracts: no applied event \"{retracts}\" from this partner")));
            }
            EvidenceKind::Retraction { retracts: evidence_id(partner_id, &retracts) }
        }
        Ok(kind) => kind,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let index = subject.and_then(|n| known.indexes.get(n).cloned()).unwrap_or_else(|| id.blind_index(key));
    let Some(person_id) = known.persons.get(&index).cloned() else {
        let kept = json!({ "type": event_type, "occurred_on": occurred_on, "reference": event.get("reference"), "details": details });
        unmatched_events::insert(
            db,
            unmatched_events::NewUnmatched {
                partner_id,
                event_id,
                event_type,
                subject_index: index,
                subject_masked: id.masked(),
                occurred_on,
                event: kept.to_string(),
            },
        )?;
        return Ok(Ok("unmatched"));
    };
    let actor = partner.actor();
    // The event id is one the partner has not sent before (`receive`), so
    // its record is new and goes in with the others of the chunk.
    let filing = workflow::Filing::New(&mut known.batch);
    apply_to_person(db, partner, event_id, &person_id, &kind, occurred_on, today, &Actor { actor: &actor, role: "partner" }, filing)?;
    Ok(Ok("applied"))
}

/// Records an event as evidence of the person, which takes the effect the
/// domain decides.
#[allow(clippy::too_many_arguments)]
fn apply_to_person(
    db: &Db,
    partner: &Partner,
    event_id: &str,
    person_id: &str,
    kind: &EvidenceKind,
    occurred_on: NaiveDate,
    today: NaiveDate,
    by: &Actor<'_>,
    filing: workflow::Filing<'_>,
) -> Result<()> {
    workflow::file_record(db, &evidence_id(&partner.id, event_id), person_id, kind, occurred_on, today, &partner.kind, by, filing)?;
    Ok(())
}

/// Re-matches an event that named nobody, once the person is in the
/// registry: it is applied as it would have been on arrival, and its
/// outcome becomes `applied`. Returns false when the person is still unknown.
pub fn rematch(db: &Db, unmatched_id: i64, by: &Actor<'_>, today: NaiveDate) -> Result<bool> {
    let Some(unmatched_events::Open { partner_id, event_id, event_type, subject_index, occurred_on, event }) =
        unmatched_events::find_open(db, unmatched_id)?
    else {
        anyhow::bail!("no open unmatched event {unmatched_id}");
    };
    let Some(person_id) = persons::id_by_index(db, &subject_index)? else {
        return Ok(false);
    };
    let partner = Partner::load(db, &partner_id)?.ok_or_else(|| anyhow::anyhow!("the event's partner is gone"))?;
    let details = serde_json::from_str::<Json>(&event)?.get("details").cloned().unwrap_or(Json::Null);
    let kind = match EvidenceKind::from_event(&event_type, &detail_reader(&details)).map_err(|e| anyhow::anyhow!("{e}"))? {
        EvidenceKind::Retraction { retracts } => EvidenceKind::Retraction { retracts: evidence_id(&partner_id, &retracts) },
        kind => kind,
    };
    apply_to_person(db, &partner, &event_id, &person_id, &kind, occurred_on, today, by, workflow::Filing::UnlessOnFile)?;
    unmatched_events::mark_rematched(db, unmatched_id)?;
    partner_events::mark_applied(db, &partner_id, &event_id)?;
    let object = unmatched_id.to_string();
    audit::append(db, &Entry { actor: by.actor, role: by.role, action: "datashare.rematch", object: &object, payload: event.as_bytes() })?;
    Ok(true)
}

/// Reads an event's details as text: strings as they are, booleans as
/// `true`/`false` (CSV files carry them as text).
pub fn detail_reader(details: &Json) -> impl Fn(&str) -> Option<String> + '_ {
    |name| match details.get(name) {
        Some(Json::String(s)) => Some(s.clone()),
        Some(Json::Bool(b)) => Some(b.to_string()),
        _ => None,
    }
}

/// The evidence id of a partner's event.
fn evidence_id(partner_id: &str, event_id: &str) -> String {
    format!("partner:{partner_id}:{event_id}")
}

/// Rows applied per transaction in a bulk import on local SQLite: small
/// enough that a chunk commits in well under a second, large enough to
/// amortise the commit. A remote backend takes fewer
/// ([`Db::rows_per_transaction`]).
pub const IMPORT_CHUNK: i64 = 500;

/// Statements an event is planned at when the first transaction of a
/// delivery is sized: a sign of life now costs less than one (its reads
/// and writes go a chunk at a time), a loss about 15, so a mix with a tenth
/// of losses averages about two. The transactions after the first are
/// sized from how long it took ([`Db::transactions_over`]).
const STATEMENTS_PER_EVENT: usize = 10;

/// The same for a row of an imported file, which also moves its row's
/// outcome and the import's cursor.
const STATEMENTS_PER_IMPORT_ROW: usize = STATEMENTS_PER_EVENT + 2;

/// One row of an imported file, as stored (sealed) until it is processed.
#[derive(serde::Serialize, serde::Deserialize)]
pub enum ImportRow {
    /// An event in the webhook's shape.
    Event(Json),
    /// A row that could not be read, with the reason.
    Unreadable {
        /// The event id, when the row got that far.
        event_id: String,
        /// Why the row could not be read.
        reason: String,
    },
}

/// Processes the next chunk of a running import in one transaction: each
/// row's outcome, the counters and the cursor move together, so a crash
/// between chunks loses nothing and a second worker never repeats a row.
/// Returns true when the import is finished.
pub fn import_chunk(db: &Db, import_id: &str, sealer: &zige_store::secrets::Sealer, key: &[u8], today: NaiveDate) -> Result<bool> {
    db.transaction(|db| {
        let Some(datashare_imports::Progress { partner_id, next_line, status }) = datashare_imports::progress(db, import_id)? else {
            anyhow::bail!("no import {import_id}");
        };
        if status == "done" {
            return Ok(true);
        }
        let partner = Partner::load(db, &partner_id)?.ok_or_else(|| anyhow::anyhow!("the import's partner is gone"))?;
        let chunk = db.rows_per_transaction(IMPORT_CHUNK as usize, STATEMENTS_PER_IMPORT_ROW) as i64;
        let mut counts = [0i64; 4];
        let mut last_line = next_line - 1;
        let rows = datashare_import_rows::pending(db, import_id, next_line, chunk)?
            .iter()
            .map(|row| Ok((row.line, serde_json::from_slice::<ImportRow>(&sealer.open(&row.sealed_event)?)?)))
            .collect::<Result<Vec<_>>>()?;
        let events = rows.iter().filter_map(|(_, row)| match row {
            ImportRow::Event(event) => Some(event),
            ImportRow::Unreadable { .. } => None,
        });
        let mut known = Known::read(db, &partner, events, key, today)?;
        for (line, row) in &rows {
            let outcome = match row {
                ImportRow::Event(event) => receive(db, &partner, event, Via::Import(import_id), &mut known, key, today)?,
                ImportRow::Unreadable { event_id, reason } => {
                    let object = format!("{partner_id}:{event_id}");
                    let entry = Entry {
                        actor: &partner.actor(),
                        role: "partner",
                        action: "import.event.rejected",
                        object: &object,
                        payload: reason.as_bytes(),
                    };
                    audit::append(db, &entry)?;
                    Outcome { event_id: event_id.clone(), outcome: "rejected", reason: Some(reason.clone()) }
                }
            };
            counts[IMPORT_OUTCOMES.iter().position(|o| o.code == outcome.outcome).unwrap_or(3)] += 1;
            datashare_import_rows::set_outcome(db, import_id, *line, outcome.event_id, outcome.outcome, outcome.reason)?;
            last_line = *line;
        }
        known.batch.finish(db, today)?;
        let done = (rows.len() as i64) < chunk;
        datashare_imports::advance(db, import_id, last_line + 1, counts, done)?;
        if done {
            audit::append(
                db,
                &Entry { actor: &partner.actor(), role: "partner", action: "datashare.import.done", object: import_id, payload: b"" },
            )?;
        }
        Ok(done)
    })
}
