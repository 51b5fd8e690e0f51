//! The native limits the benchmarks print beside zige's figures (issue 19):
//! the same job over the same database, done the way a purpose-built
//! program would do it: one ordered scan of each table merged by person,
//! prepared statements, and all the writes in one transaction after the
//! scan. It applies the same rules (the domain) to rows read by the same
//! readers (the store's), so the benchmark can check that both end with the
//! same counts; what it leaves out is zige's batching, cursors and
//! per-batch audit records, which is the point of the comparison.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Statement, params};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::iter::Peekable;
use std::path::Path;
use zige_domain::deadlines;
use zige_domain::effects::{self, Change, Queue};
use zige_domain::language::Language;
use zige_domain::masking::mask_name;
use zige_domain::routing::{OrgKind, OrgTree};
use zige_store::db::{Db, Row, Value, from_native};
use zige_store::records::{self, BENEFIT_COLUMNS, DECISION_COLUMNS, DECISIONS_STANDING, EVIDENCE_COLUMNS};

/// What the limit's sweep changed: benefits whose stored state changed,
/// messages queued and tasks opened.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepCounts {
    pub changed: usize,
    pub messages: usize,
    pub tasks: usize,
}

/// One table read in person order: each row with its person id in the
/// column `person_id`.
struct Scan<'s> {
    columns: Vec<String>,
    rows: Peekable<Box<dyn Iterator<Item = Result<Vec<Value>>> + 's>>,
    person: usize,
}

impl<'s> Scan<'s> {
    fn new(statement: &'s mut Statement<'_>, due_by: &str) -> Result<Self> {
        let columns: Vec<String> = statement.column_names().iter().map(|c| c.to_string()).collect();
        let person = columns.iter().position(|c| c == "person_id").context("a person_id column")?;
        let width = columns.len();
        let rows = statement.query_map([due_by], move |row| (0..width).map(|i| Ok(from_native(row.get_ref(i)?))).collect())?;
        let rows: Box<dyn Iterator<Item = Result<Vec<Value>>>> = Box::new(rows.map(|r| r.map_err(anyhow::Error::from)));
        Ok(Self { columns, rows: rows.peekable(), person })
    }

    /// The rows of `person`, read with `read`; the scan is ordered by person.
    fn take<T>(&mut self, person: &str, mut read: impl FnMut(&Row<'_>) -> Result<T>) -> Result<Vec<T>> {
        let mut taken = Vec::new();
        loop {
            let order = match self.rows.peek() {
                None => break,
                Some(Err(_)) => None,
                Some(Ok(values)) => Some(match &values[self.person] {
                    Value::Text(p) => p.as_str().cmp(person),
                    _ => Ordering::Less,
                }),
            };
            match order {
                // Rows of a person the scan of persons has passed (none in a sound database).
                Some(Ordering::Less) => {
                    self.rows.next();
                }
                Some(Ordering::Equal) => {
                    let values = self.rows.next().context("the row just seen")??;
                    taken.push(read(&Row::new(&self.columns, &values))?);
                }
                Some(Ordering::Greater) => break,
                None => return Err(self.rows.next().and_then(Result::err).context("the failed row")?),
            }
        }
        Ok(taken)
    }
}

/// The cycles job of the daily sweep (R4, R5.4, R6.1) as of `today`, done
/// in one pass over the database at `path`: every benefit of the persons
/// whose review day has come or whose records changed assessed (everyone's,
/// when the cycle policies
/// changed since the review days were found), the changed states and new
/// review days stored, the reminders queued and the lapsed persons'
/// verification tasks opened.
pub fn cycles_sweep(path: &Path, today: NaiveDate, verification_working_days: u32) -> Result<SweepCounts> {
    // What every person's assessment needs, read once.
    let (policies, tree, calendar) = {
        let db = Db::open_file(path)?;
        let tree = OrgTree::new(zige_store::tables::orgs::tree_nodes(&db)?).map_err(|e| anyhow::anyhow!("{e}"))?;
        (zige_store::policies::load(&db)?, tree, zige_store::calendar::load(&db)?)
    };
    let agency = tree.city_org(OrgKind::SocialInsuranceAgency).map_err(|e| anyhow::anyhow!("{e}"))?.id.clone();
    let deadline = || deadlines::verification_task_deadline(&calendar, today, verification_working_days);
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let basis: Option<String> = conn.query_row("SELECT policies FROM review_basis", [], |r| r.get(0)).optional()?.flatten();
    let fingerprint = serde_json::to_string(&policies)?;
    // Everyone is due when the rules changed: '~' sorts after every date.
    let due_by = if basis.as_deref() == Some(fingerprint.as_str()) { today.to_string() } else { "~".to_string() };
    let due = "SELECT person_id FROM benefits WHERE review_on <= ?1 UNION SELECT person_id FROM review_requests";

    // The scan: what changed, what to queue and what to open, kept for the writes.
    let mut changes: Vec<(String, records::StoredSnapshot)> = Vec::new();
    let mut state_changes = 0;
    let mut messages: Vec<(String, String, &'static str, String)> = Vec::new();
    let mut tasks: Vec<(String, String, &'static str, String, Option<deadlines::TaskDeadline>)> = Vec::new();
    {
        let mut persons = conn.prepare(&format!(
            "SELECT id AS person_id, name, birth_date, language, residence, community_id, management, employer_id, insured_district FROM persons
             WHERE id IN ({due}) ORDER BY id"
        ))?;
        let swept = records::SWEPT_COLUMNS.join(", ");
        let mut benefits = conn.prepare(&format!(
            "SELECT {BENEFIT_COLUMNS}, {swept} FROM benefits WHERE person_id IN ({due}) ORDER BY person_id, start_date, id"
        ))?;
        let mut evidence = conn
            .prepare(&format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE person_id IN ({due}) ORDER BY person_id, occurred_on, id"))?;
        let mut decisions = conn.prepare(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions WHERE person_id IN ({due}) AND {DECISIONS_STANDING} ORDER BY person_id, decided_on, id"
        ))?;
        let mut open_tasks = conn.prepare("SELECT person_id, kind FROM tasks WHERE status = 'open'")?;
        let mut opened: BTreeSet<(String, String)> =
            open_tasks.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;

        let mut persons = Scan::new(&mut persons, &due_by)?;
        let (mut benefits, mut evidence, mut decisions) =
            (Scan::new(&mut benefits, &due_by)?, Scan::new(&mut evidence, &due_by)?, Scan::new(&mut decisions, &due_by)?);
        while let Some(values) = persons.rows.next() {
            let values = values?;
            let row = Row::new(&persons.columns, &values);
            let id = row.text("person_id");
            let name = row.text("name");
            let language = Language::parse(&row.text("language")).map_err(|e| anyhow::anyhow!("{e}"))?;
            let birth_month = records::birth_month(Some(&row.text("birth_date")));
            let placement = records::placement(&row)?;
            let stored = benefits.take(&id, |r| Ok((records::benefit_row(r)?, records::SWEPT_COLUMNS.map(|c| r.opt_text(c)))))?;
            let evidence = evidence.take(&id, |r| Ok(records::evidence_row(r)?.0))?;
            let decisions = decisions.take(&id, |r| Ok(records::decision_row(r)?.0))?;
            let snapshots: BTreeMap<String, records::StoredSnapshot> = stored.iter().map(|(b, s)| (b.id.clone(), s.clone())).collect();
            let loaded = stored.into_iter().map(|(b, _)| b).collect();
            for (benefit, assessment) in records::assess_loaded(loaded, &evidence, &decisions, &policies, birth_month, today) {
                let facts = records::benefit_facts(&benefit, &policies, birth_month, today);
                let next_policy = policies.next_version_after(benefit.benefit_type, today);
                let review_on = effects::next_review(&facts, &evidence, &decisions, &assessment, next_policy, today);
                let now = records::swept(&assessment, review_on);
                let was = snapshots.get(&benefit.id);
                if was != Some(&now) {
                    state_changes += usize::from(was.is_none_or(|was| !records::same_state(was, &now)));
                    changes.push((benefit.id.clone(), now));
                }
                for effect in effects::cycle_effects(&facts, &assessment, &mask_name(&name), today, deadline)? {
                    match effect.change {
                        Change::Notify { key, kind, message } => messages.push((key, id.clone(), kind, message.text(language))),
                        Change::OpenTask { kind, queue, deadline } => {
                            if opened.insert((id.clone(), kind.code().to_string())) {
                                let org = match queue {
                                    Queue::Responsible => tree.responsible_org(&placement).map_err(|e| anyhow::anyhow!("{e}"))?.id.clone(),
                                    Queue::Agency => agency.clone(),
                                };
                                tasks.push((id.clone(), org, kind.code(), effect.reason, deadline));
                            }
                        }
                        other => anyhow::bail!("the cycles job does not {other:?}"),
                    }
                }
            }
        }
    }

    // The writes, in one transaction with prepared statements.
    let now = zige_store::now_rfc3339();
    let transaction = conn.transaction()?;
    let mut counts = SweepCounts::default();
    {
        if basis.as_deref() != Some(fingerprint.as_str()) {
            transaction.execute("INSERT OR REPLACE INTO review_basis (id, policies, reviewing) VALUES (1, ?, NULL)", [&fingerprint])?;
        }
        transaction.execute("DELETE FROM review_requests", [])?;
        let mut update = transaction.prepare(
            "UPDATE benefits SET cycle_status = ?, cycle_due = ?, list_kind = ?, list_reasons = ?, certified_on = ?, certified_by = ?, review_on = ?
             WHERE id = ?",
        )?;
        for (id, [status, due, list, reasons, on, by, review_on]) in &changes {
            update.execute(params![status, due, list, reasons, on, by, review_on, id])?;
        }
        counts.changed = state_changes;
        let mut queue = transaction.prepare(
            "INSERT OR IGNORE INTO outbox (key, person_id, kind, message, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )?;
        for (key, person, kind, message) in &messages {
            counts.messages += queue.execute(params![key, person, kind, message, now, now])?;
        }
        let mut open = transaction.prepare(
            "INSERT INTO tasks (id, person_id, kind, org_id, reason, opened_on, deadline, deadline_working_days, deadline_provisional, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )?;
        for (person, org, kind, reason, deadline) in &tasks {
            let id = zige_store::secrets::new_id("t")?;
            let working_days = deadline.and_then(deadlines::TaskDeadline::working_days);
            let provisional = deadline.is_some_and(deadlines::TaskDeadline::provisional);
            let on = deadline.map(|d| d.on().to_string());
            open.execute(params![id, person, kind, org, reason, today.to_string(), on, working_days, provisional, now])?;
            counts.tasks += 1;
        }
    }
    transaction.commit()?;
    Ok(counts)
}

/// A roster of new persons (the benchmark's file: plain CSV under
/// [`crate::ROSTER_HEADER`], no quoted cells) registered by a purpose-built
/// pass over the database at `path`: each row parsed into the domain's
/// types, its ID number indexed, and its person, benefit, history lines and
/// carried-over certification inserted with prepared statements, all in one
/// transaction. Returns the rows registered.
pub fn roster_import(path: &Path, csv: &str, key: &[u8], today: NaiveDate) -> Result<usize> {
    use zige_domain::benefit::{BenefitType, ManagementMode, ResidenceKind};
    use zige_domain::{Fen, IdNumber};
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let now = zige_store::now_rfc3339();
    let proof_of_life = serde_json::to_string(&zige_domain::EvidenceKind::OtherProofOfLife)?;
    let transaction = conn.transaction()?;
    let mut rows = 0;
    {
        let mut person = transaction.prepare(
            "INSERT INTO persons (id, id_index, id_masked, birth_date, name, phone, phone_index, residence, community_id, insured_district, management, employer_id, special_groups, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?)",
        )?;
        let mut benefit = transaction.prepare(
            "INSERT INTO benefits (id, person_id, benefit_type, monthly_amount_fen, start_date, insured_district, created_at, updated_at, list_kind, list_reasons)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )?;
        let mut history = transaction.prepare(
            "INSERT INTO history (entity, entity_id, person_id, field, old_value, new_value, actor, at) VALUES (?, ?, ?, 'created', NULL, ?, 'bench', ?)",
        )?;
        let mut evidence = transaction.prepare(
            "INSERT OR IGNORE INTO evidence (id, person_id, kind, occurred_on, received_on, source, created_at) VALUES (?, ?, ?, ?, ?, 'roster', ?)",
        )?;
        let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").with_context(|| format!("{text:?} is not a date"));
        let reason = |e: &dyn std::fmt::Display| anyhow::anyhow!("{e}");
        for line in csv.lines().skip(1).filter(|l| !l.is_empty()) {
            let cells: Vec<&str> = line.split(',').collect();
            let id = IdNumber::parse(cells[0]).map_err(|e| reason(&e))?;
            let benefit_type = BenefitType::parse(cells[2]).map_err(|e| reason(&e))?;
            let monthly = Fen::parse_yuan(cells[3]).map_err(|e| reason(&e))?;
            let residence = ResidenceKind::parse(cells[6]).map_err(|e| reason(&e))?;
            let management = ManagementMode::parse(cells[8]).map_err(|e| reason(&e))?;
            let phone = Some(cells[10]).filter(|p| !p.is_empty());
            let (person_id, benefit_id) = (zige_store::secrets::new_id("p")?, zige_store::secrets::new_id("b")?);
            person.execute(params![
                person_id,
                id.blind_index(key),
                id.masked(),
                id.birth_date().to_string(),
                cells[1],
                phone,
                phone.map(|p| zige_store::secrets::phone_index(key, p)),
                residence.code(),
                Some(cells[7]).filter(|c| !c.is_empty()),
                cells[5],
                management.code(),
                Some(cells[9]).filter(|e| !e.is_empty()),
                now,
                now
            ])?;
            let (kind, reasons) = zige_store::records::NOT_ASSESSED;
            benefit.execute(params![
                benefit_id,
                person_id,
                benefit_type.code(),
                monthly.as_i64(),
                date(cells[4])?.to_string(),
                cells[5],
                now,
                now,
                kind,
                reasons
            ])?;
            history.execute(params!["person", person_id, person_id, "roster", now])?;
            history.execute(params!["benefit", benefit_id, person_id, benefit_type.code(), now])?;
            if !cells[11].is_empty() {
                let day = date(cells[11])?;
                evidence.execute(params![
                    format!("roster:{person_id}:{day}"),
                    person_id,
                    proof_of_life,
                    day.to_string(),
                    today.to_string(),
                    now
                ])?;
            }
            rows += 1;
        }
    }
    transaction.commit()?;
    Ok(rows)
}

/// What the limit's deliveries recorded of their events.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct EventCounts {
    pub applied: usize,
    pub unmatched: usize,
}

/// A signed delivery as the partner sent it: its `webhook-id` and body.
pub struct Delivery<'a> {
    pub webhook_id: &'a str,
    pub body: &'a str,
}

/// Partner deliveries (R5.1–R5.3) taken in by a purpose-built pass over the
/// database at `path`, each in one transaction, as durability asks: its
/// signature checked (`verified`), its body parsed and kept sealed
/// (`seal`), the event ids seen before and the persons named read in two
/// statements; then for each event the blind index of its subject (HMAC
/// with `key`), its evidence, its outcome, its person queued for
/// reassessment or the event kept as unmatched, and a hash-chained audit
/// record, with prepared statements. What a loss or a monitoring flag does
/// beyond its evidence (a suspension, its payroll instruction and task) is
/// left out, so this is a bound zige cannot reach while it does that work.
pub fn partner_events(
    path: &Path,
    partner: &str,
    deliveries: &[Delivery<'_>],
    verified: impl Fn(&Delivery<'_>) -> bool,
    seal: impl Fn(&[u8]) -> String,
    key: &[u8],
    today: NaiveDate,
) -> Result<EventCounts> {
    use zige_domain::{EvidenceKind, IdNumber};
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let mut counts = EventCounts::default();
    let actor = format!("partner:{partner}");
    // A partner's records carry its kind as their source.
    let source: String = conn.query_row("SELECT kind FROM partners WHERE id = ?", [partner], |r| r.get(0))?;
    for delivery in deliveries {
        anyhow::ensure!(verified(delivery), "delivery {}: the signature does not verify", delivery.webhook_id);
        let parsed: serde_json::Value = serde_json::from_str(delivery.body)?;
        let events = parsed["events"].as_array().context("events")?;
        let now = zige_store::now_rfc3339();
        let transaction = conn.transaction()?;
        {
            let ids: Vec<&str> = events.iter().filter_map(|e| e["event_id"].as_str()).collect();
            // The benchmark sends valid events only: what rejects one is zige's work alone.
            let subjects: Vec<(IdNumber, String)> = events
                .iter()
                .map(|e| {
                    let number = e.pointer("/subject/id_number").and_then(serde_json::Value::as_str).context("a subject")?;
                    let id = IdNumber::parse(number).map_err(|e| anyhow::anyhow!("{e}"))?;
                    let index = id.blind_index(key);
                    Ok((id, index))
                })
                .collect::<Result<_>>()?;
            let seen: BTreeSet<String> = {
                let list = vec!["?"; ids.len()].join(", ");
                let mut statement =
                    transaction.prepare(&format!("SELECT event_id FROM partner_events WHERE partner_id = ? AND event_id IN ({list})"))?;
                let params = std::iter::once(partner).chain(ids.iter().copied());
                statement.query_map(rusqlite::params_from_iter(params), |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
            };
            let persons: BTreeMap<String, String> = {
                let list = vec!["?"; subjects.len()].join(", ");
                let mut statement = transaction.prepare(&format!("SELECT id_index, id FROM persons WHERE id_index IN ({list})"))?;
                let params = subjects.iter().map(|(_, index)| index.as_str());
                statement.query_map(rusqlite::params_from_iter(params), |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
            };
            let (mut seq, mut prev): (i64, String) = transaction
                .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .unwrap_or((0, String::new()));
            let mut evidence = transaction.prepare_cached(
                "INSERT INTO evidence (id, person_id, kind, occurred_on, received_on, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )?;
            let mut queue = transaction.prepare_cached("INSERT INTO reassessments (person_id, queued_at) VALUES (?, ?)")?;
            let mut unmatched = transaction.prepare_cached(
                "INSERT INTO unmatched_events (partner_id, event_id, event_type, subject_index, subject_masked, occurred_on, event, received_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )?;
            let mut outcome = transaction.prepare_cached(
                "INSERT INTO partner_events (partner_id, event_id, outcome, reason, webhook_id, received_at) VALUES (?, ?, ?, NULL, ?, ?)",
            )?;
            let mut audit = transaction.prepare_cached(
                "INSERT INTO audit_log (seq, at, actor, role, action, object, payload_hash, prev_hash, hash) VALUES (?, ?, ?, 'partner', ?, ?, ?, ?, ?)",
            )?;
            let mut results = Vec::with_capacity(events.len());
            for (event, (id, index)) in events.iter().zip(&subjects) {
                let event_id = event["event_id"].as_str().context("an event id")?;
                if seen.contains(event_id) {
                    continue;
                }
                let event_type = event["type"].as_str().context("a type")?;
                let occurred_on: NaiveDate = event["occurred_on"].as_str().context("a date")?.parse()?;
                let details = event.get("details").cloned().unwrap_or_default();
                let kind = EvidenceKind::from_event(event_type, &zige_services::datashare::detail_reader(&details))
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let result = match persons.get(index) {
                    Some(person) => {
                        let proof_of_life = kind.effect() == zige_domain::Effect::ProofOfLife;
                        let kind = serde_json::to_string(&kind)?;
                        evidence.execute(params![
                            format!("partner:{partner}:{event_id}"),
                            person,
                            kind,
                            occurred_on.to_string(),
                            today.to_string(),
                            source,
                            now
                        ])?;
                        if proof_of_life {
                            queue.execute(params![person, now])?;
                        }
                        counts.applied += 1;
                        "applied"
                    }
                    None => {
                        let kept = serde_json::json!({ "type": event_type, "occurred_on": occurred_on, "details": details }).to_string();
                        unmatched.execute(params![
                            partner,
                            event_id,
                            event_type,
                            index,
                            id.masked(),
                            occurred_on.to_string(),
                            kept,
                            now
                        ])?;
                        counts.unmatched += 1;
                        "unmatched"
                    }
                };
                outcome.execute(params![partner, event_id, result, delivery.webhook_id, now])?;
                seq += 1;
                let action = format!("webhook.event.{result}");
                let object = format!("{partner}:{event_id}");
                let payload_hash = zige_domain::id_number::blind_index(key, event.to_string().as_bytes());
                let hash = zige_store::secrets::sha256_hex(
                    format!("{prev}\n{seq}\n{now}\n{actor}\npartner\n{action}\n{object}\n{payload_hash}").as_bytes(),
                );
                audit.execute(params![seq, now, actor, action, object, payload_hash, prev, hash])?;
                prev = hash;
                results.push(serde_json::json!({ "event_id": event_id, "outcome": result }));
            }
            seq += 1;
            let payload_hash = zige_domain::id_number::blind_index(key, delivery.body.as_bytes());
            let hash = zige_store::secrets::sha256_hex(
                format!("{prev}\n{seq}\n{now}\n{actor}\npartner\nwebhook.delivery\n{}\n{payload_hash}", delivery.webhook_id).as_bytes(),
            );
            audit.execute(params![seq, now, actor, "webhook.delivery", delivery.webhook_id, payload_hash, prev, hash])?;
            let answer = serde_json::json!({ "results": results }).to_string();
            transaction.execute(
                "INSERT INTO webhook_deliveries (partner_id, webhook_id, received_at, body, response) VALUES (?, ?, ?, ?, ?)",
                params![partner, delivery.webhook_id, now, seal(delivery.body.as_bytes()), answer],
            )?;
        }
        transaction.commit()?;
    }
    Ok(counts)
}
