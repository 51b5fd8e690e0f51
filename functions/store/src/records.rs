//! Reading a person's benefits, evidence and decisions from the database as
//! domain values, and assessing them: the shared path from stored rows to
//! the notice's rules.

use crate::db::{Db, Row, RowsInto, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use zige_domain::assessment::{Assessment, BenefitFacts, assess};
use zige_domain::benefit::{ManagementMode, Residence, ResidenceKind};
use zige_domain::cycle::{CycleMode, PolicySet};
use zige_domain::evidence::{DecisionKind, Evidence, EvidenceKind, StaffDecision};
use zige_domain::language::Language;
use zige_domain::payment::{PaymentState, SuspensionReason};
use zige_domain::routing::Placement;
use zige_domain::{BenefitType, Fen};

/// A stored benefit.
#[derive(Debug, Clone)]
pub struct BenefitRow {
    /// The benefit's id.
    pub id: String,
    /// Its type.
    pub benefit_type: BenefitType,
    /// The monthly amount.
    pub monthly_amount: Fen,
    /// The first day paid.
    pub start: NaiveDate,
    /// The division code of the place of insurance.
    pub insured_district: String,
    /// Where its payment stands.
    pub payment: PaymentState,
}

/// A stored date (`YYYY-MM-DD`), if it reads as one.
pub fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A stored date that must be there: an error naming the column when it
/// does not read, because a record read wrongly would be judged wrongly.
fn stored_date(column: &str, text: &str) -> Result<NaiveDate> {
    date(text).with_context(|| format!("{column} {text:?} is not a date"))
}

/// Rebuilds the payment state from its columns; an error when they do not
/// make one (a suspension without its day, an unknown state or reason).
pub fn payment_state(status: &str, reason: Option<&str>, since: Option<&str>, objection_on: Option<&str>) -> Result<PaymentState> {
    let since = || stored_date("payment_since", since.unwrap_or_default());
    Ok(match status {
        "active" => PaymentState::Active,
        "suspended" => {
            let reason = reason.unwrap_or_default();
            PaymentState::Suspended {
                reason: SuspensionReason::ALL
                    .into_iter()
                    .find(|r| r.code() == reason)
                    .with_context(|| format!("payment_reason {reason:?}"))?,
                since: since()?,
                objection_on: objection_on.map(|d| stored_date("objection_on", d)).transpose()?,
            }
        }
        "terminated" => PaymentState::Terminated { since: since()? },
        "restored" => PaymentState::Restored { since: since()? },
        other => anyhow::bail!("payment_status {other:?} is not a payment state"),
    })
}

/// The payment state as its columns: status, reason, since, objection day.
pub fn payment_columns(state: &PaymentState) -> (&'static str, Option<&'static str>, Option<String>, Option<String>) {
    match state {
        PaymentState::Active => ("active", None, None, None),
        PaymentState::Suspended { reason, since, objection_on } => {
            ("suspended", Some(reason.code()), Some(since.to_string()), objection_on.map(|d| d.to_string()))
        }
        PaymentState::Terminated { since } => ("terminated", None, Some(since.to_string()), None),
        PaymentState::Restored { since } => ("restored", None, Some(since.to_string()), None),
    }
}

/// The columns [`benefit_row`] reads.
pub const BENEFIT_COLUMNS: &str = "id, person_id, benefit_type, monthly_amount_fen, start_date, insured_district, payment_status, payment_reason, payment_since, objection_on";

/// A benefit from a row with [`BENEFIT_COLUMNS`]; an error naming the
/// benefit when a stored value no longer parses.
pub fn benefit_row(r: &Row<'_>) -> Result<BenefitRow> {
    let id = r.text("id");
    let read = || -> Result<BenefitRow> {
        let payment = payment_state(
            &r.text("payment_status"),
            r.opt_text("payment_reason").as_deref(),
            r.opt_text("payment_since").as_deref(),
            r.opt_text("objection_on").as_deref(),
        )?;
        Ok(BenefitRow {
            id: id.clone(),
            benefit_type: BenefitType::parse(&r.text("benefit_type")).map_err(|e| anyhow::anyhow!("benefit_type: {e}"))?,
            monthly_amount: Fen::new(r.int("monthly_amount_fen")),
            start: stored_date("start_date", &r.text("start_date"))?,
            insured_district: r.text("insured_district"),
            payment,
        })
    };
    read().with_context(|| format!("benefit {id}"))
}

/// Every benefit of a person, oldest first.
pub fn benefits(db: &Db, person_id: &str) -> Result<Vec<BenefitRow>> {
    crate::tables::benefits::write_kept(db)?;
    let sql = format!("SELECT {BENEFIT_COLUMNS} FROM benefits WHERE person_id = ? ORDER BY start_date, id");
    db.try_all(&sql, &[text(person_id)], |r| benefit_row(&r))
}

/// The columns [`evidence_row`] reads.
pub const EVIDENCE_COLUMNS: &str = "id, person_id, kind, occurred_on, received_on, source";

/// A record from a row with [`EVIDENCE_COLUMNS`], with its source; an
/// error naming the record when a stored value no longer parses (a loss of
/// eligibility left unread would be a pension paid on).
pub fn evidence_row(r: &Row<'_>) -> Result<(Evidence, String)> {
    let id = r.text("id");
    let read = || -> Result<Evidence> {
        let kind: EvidenceKind = serde_json::from_str(&r.text("kind")).context("kind")?;
        let occurred_on = stored_date("occurred_on", &r.text("occurred_on"))?;
        Ok(Evidence { id: id.clone(), kind, occurred_on, received_on: stored_date("received_on", &r.text("received_on"))? })
    };
    Ok((read().with_context(|| format!("evidence {id}"))?, r.text("source")))
}

/// Every record about a person.
pub fn evidence(db: &Db, person_id: &str) -> Result<Vec<(Evidence, String)>> {
    crate::tables::evidence::write_kept(db)?;
    let sql = format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE person_id = ? ORDER BY occurred_on, id");
    db.try_all(&sql, &[text(person_id)], |r| evidence_row(&r))
}

/// Decisions that count: not sent back for another verification, not
/// replaced or overtaken by the city's own (R7.1).
pub const DECISIONS_STANDING: &str = "(review IS NULL OR review NOT IN ('sent_back', 'overridden', 'superseded'))";

/// Decisions in force (R7.1): recorded by the city (reviewed at once),
/// confirmed by it, or past its three working days. A district's outcome
/// waiting for review is shown on the lists but changes nothing yet.
pub const DECISIONS_IN_FORCE: &str = "(reviewed_on IS NOT NULL OR auto_suspended_on IS NOT NULL)";

/// The columns [`decision_row`] reads.
pub const DECISION_COLUMNS: &str = "id, person_id, outcome, decided_on, decided_by";

/// A staff decision from a row with [`DECISION_COLUMNS`], with who decided;
/// an error naming the decision when a stored value no longer parses.
pub fn decision_row(r: &Row<'_>) -> Result<(StaffDecision, String)> {
    let id = r.text("id");
    let read = || -> Result<StaffDecision> {
        let outcome: DecisionKind = serde_json::from_str(&r.text("outcome")).context("outcome")?;
        Ok(StaffDecision { id: id.clone(), outcome, decided_on: stored_date("decided_on", &r.text("decided_on"))? })
    };
    Ok((read().with_context(|| format!("decision {id}"))?, r.text("decided_by")))
}

/// Every staff decision about a person.
pub fn decisions(db: &Db, person_id: &str) -> Result<Vec<(StaffDecision, String)>> {
    let sql = format!("SELECT {DECISION_COLUMNS} FROM decisions WHERE person_id = ? AND {DECISIONS_STANDING} ORDER BY decided_on, id");
    db.try_all(&sql, &[text(person_id)], |r| decision_row(&r))
}

/// Assesses every benefit of a person on `today` with the cycle policies in
/// force on that day.
pub fn assess_person(db: &Db, person_id: &str, today: NaiveDate) -> Result<Vec<(BenefitRow, Assessment)>> {
    let benefits = benefits(db, person_id)?;
    let evidence: Vec<Evidence> = evidence(db, person_id)?.into_iter().map(|(e, _)| e).collect();
    let decisions: Vec<StaffDecision> = decisions(db, person_id)?.into_iter().map(|(d, _)| d).collect();
    let types: Vec<BenefitType> = benefits.iter().map(|b| b.benefit_type).collect();
    let policies = crate::policies::for_assessment(db, &types, today)?;
    // Only birthday-month cycles depend on the person's birth date.
    let birthday_cycles = types.iter().any(|b| policies.in_force(*b, today).mode() == CycleMode::BirthdayMonth);
    let birth = match birthday_cycles {
        true => db.one("SELECT birth_date FROM persons WHERE id = ?", &[text(person_id)], |r| r.text("birth_date"))?,
        false => None,
    };
    Ok(assess_loaded(benefits, &evidence, &decisions, &policies, birth_month(birth.as_deref()), today))
}

/// The language a person reads zige in; a value the schema does not allow
/// is an error, not Chinese.
pub fn language(db: &Db, person_id: &str) -> Result<Language> {
    let code = db.one("SELECT language FROM persons WHERE id = ?", &[text(person_id)], |r| r.text("language"))?;
    let code = code.with_context(|| format!("no person {person_id}"))?;
    Language::parse(&code).map_err(|e| anyhow::anyhow!("person {person_id}: {e}"))
}

/// The month of a stored birth date, for birthday-month cycles.
pub fn birth_month(birth_date: Option<&str>) -> Option<u32> {
    birth_date.and_then(date).map(|d| chrono::Datelike::month(&d))
}

/// Assesses benefits already loaded, with the cycle policies in force on
/// `today` as they apply to a person born in `birth_month`.
pub fn assess_loaded(
    benefits: Vec<BenefitRow>,
    evidence: &[Evidence],
    decisions: &[StaffDecision],
    policies: &PolicySet,
    birth_month: Option<u32>,
    today: NaiveDate,
) -> Vec<(BenefitRow, Assessment)> {
    let facts: Vec<BenefitFacts> = benefits.iter().map(|b| benefit_facts(b, policies, birth_month, today)).collect();
    let assessments = assess(&facts, evidence, decisions, today);
    benefits.into_iter().zip(assessments).collect()
}

/// What the assessment needs of a stored benefit: its cycle policy is the
/// one in force on `today`, as it applies to a person born in
/// `birth_month`.
pub fn benefit_facts(b: &BenefitRow, policies: &PolicySet, birth_month: Option<u32>, today: NaiveDate) -> BenefitFacts {
    BenefitFacts {
        id: b.id.clone(),
        benefit_type: b.benefit_type,
        start: b.start,
        payment: b.payment,
        policy: policies.in_force(b.benefit_type, today).clone().for_birth_month(birth_month),
    }
}

/// What the daily sweep stored of a benefit: cycle status and due date,
/// list, reasons, certification date and channel (what the lists keep of
/// its last assessment), and the day it must be reviewed again.
pub type StoredSnapshot = [Option<String>; 7];

/// What the daily sweep stores of a benefit assessed as `assessment`, to be
/// reviewed again on `review_on`; compared with [`StoredSnapshot`].
pub fn swept(assessment: &Assessment, review_on: NaiveDate) -> StoredSnapshot {
    let snapshot = Snapshot::of(assessment);
    [
        Some(assessment.cycle.status.code().to_string()),
        Some(assessment.cycle.next_due.to_string()),
        Some(snapshot.list.to_string()),
        Some(snapshot.reasons),
        snapshot.certified_on,
        snapshot.certified_by.map(str::to_string),
        Some(review_on.to_string()),
    ]
}

/// Whether two [`StoredSnapshot`]s hold the same state of the benefit,
/// whatever their review days: a new review day alone is the sweep's
/// schedule, not a change of state.
pub fn same_state(a: &StoredSnapshot, b: &StoredSnapshot) -> bool {
    a[..SWEPT_COLUMNS.len() - 1] == b[..SWEPT_COLUMNS.len() - 1]
}

/// The columns of `benefits` that [`StoredSnapshot`] reads, in its order,
/// the review day last.
pub const SWEPT_COLUMNS: [&str; 7] =
    ["cycle_status", "cycle_due", "list_kind", "list_reasons", "certified_on", "certified_by", "review_on"];

/// A person with everything the domain assesses them on, as a batch job
/// reads them.
pub struct PersonRecords {
    /// The person's id.
    pub id: String,
    /// The name (for masked messages).
    pub name: String,
    /// The birth month, for birthday-month cycles.
    pub birth_month: Option<u32>,
    /// The language they read messages in.
    pub language: Language,
    /// Routing facts (R2.2).
    pub placement: Placement,
    /// Benefits with their stored snapshot.
    pub benefits: Vec<(BenefitRow, StoredSnapshot)>,
    /// Records on file.
    pub evidence: Vec<Evidence>,
    /// Standing staff decisions.
    pub decisions: Vec<StaffDecision>,
    /// Those of them in force (R7.1), which the executor decides on.
    pub decisions_in_force: Vec<StaffDecision>,
}

/// Groups rows by person id.
fn by_person<T>(rows: Vec<(String, T)>) -> BTreeMap<String, Vec<T>> {
    let mut grouped: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for (person, row) in rows {
        grouped.entry(person).or_default().push(row);
    }
    grouped
}

/// Which persons a batch job reads.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    /// Every person.
    Everyone,
    /// The persons with a benefit whose review day (issue 19) has come by
    /// this day, or who are to be reviewed at the next sweep.
    DueForReview(NaiveDate),
    /// These persons, whatever the cursor and the limit.
    These(&'a [&'a str]),
}

/// The next `limit` persons after `cursor` (by id) of `selection`, with
/// their benefits, records and decisions, in four set-based reads.
pub fn load_persons(db: &Db, selection: Selection<'_>, cursor: &str, limit: usize) -> Result<Vec<PersonRecords>> {
    crate::tables::benefits::write_kept(db)?;
    let limit_value = crate::db::int(limit as i64);
    let ids = match selection {
        Selection::These(ids) => ids.iter().map(|id| id.to_string()).collect(),
        Selection::Everyone => {
            db.all("SELECT id FROM persons WHERE id > ? ORDER BY id LIMIT ?", &[text(cursor), limit_value], |r| r.text("id"))?
        }
        Selection::DueForReview(today) => db.all(
            "SELECT DISTINCT person_id FROM benefits WHERE person_id > ? AND review_on <= ? ORDER BY person_id LIMIT ?",
            &[text(cursor), text(today.to_string()), limit_value],
            |r| r.text("person_id"),
        )?,
    };
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let persons = crate::tables::in_pieces(&ids, |list, keys| {
        db.try_all(
            &format!(
                "SELECT id, name, birth_date, language, residence, community_id, management, employer_id, insured_district FROM persons WHERE id IN ({list})"
            ),
            &keys,
            |r| {
                let id = r.text("id");
                let language = Language::parse(&r.text("language")).map_err(|e| anyhow::anyhow!("person {id}: {e}"))?;
                let birth_month = r.opt_date("birth_date").with_context(|| format!("person {id}"))?.map(|d| chrono::Datelike::month(&d));
                Ok((r.text("name"), birth_month, language, placement(&r)?, id))
            },
        )
    })?;
    let swept = SWEPT_COLUMNS.join(", ");
    let mut benefits = by_person(crate::tables::in_pieces(&ids, |list, keys| {
        db.try_all(
            &format!("SELECT {BENEFIT_COLUMNS}, {swept} FROM benefits WHERE person_id IN ({list}) ORDER BY person_id, start_date, id"),
            &keys,
            |r| Ok((r.text("person_id"), (benefit_row(&r)?, SWEPT_COLUMNS.map(|c| r.opt_text(c))))),
        )
    })?);
    crate::tables::evidence::write_kept(db)?;
    let mut evidence = by_person(crate::tables::in_pieces(&ids, |list, keys| {
        db.try_all(
            &format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE person_id IN ({list}) ORDER BY person_id, occurred_on, id"),
            &keys,
            |r| Ok((r.text("person_id"), evidence_row(&r)?.0)),
        )
    })?);
    let mut decisions = by_person(crate::tables::in_pieces(&ids, |list, keys| {
        db.try_all(
            &format!(
                "SELECT {DECISION_COLUMNS}, {DECISIONS_IN_FORCE} AS in_force FROM decisions
                 WHERE person_id IN ({list}) AND {DECISIONS_STANDING} ORDER BY person_id, decided_on, id"
            ),
            &keys,
            |r| Ok((r.text("person_id"), (decision_row(&r)?.0, r.int("in_force") != 0))),
        )
    })?);
    let mut persons: Vec<PersonRecords> = persons
        .into_iter()
        .map(|(name, birth_month, language, placement, id)| {
            let standing = decisions.remove(&id).unwrap_or_default();
            PersonRecords {
                benefits: benefits.remove(&id).unwrap_or_default(),
                evidence: evidence.remove(&id).unwrap_or_default(),
                decisions_in_force: standing.iter().filter(|(_, in_force)| *in_force).map(|(d, _)| d.clone()).collect(),
                decisions: standing.into_iter().map(|(d, _)| d).collect(),
                id,
                name,
                birth_month,
                language,
                placement,
            }
        })
        .collect();
    persons.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(persons)
}

/// A person's routing facts from a `persons` row (R2.2, R3.3); an error
/// when the stored residence or management mode no longer parses, since a
/// person routed nowhere would be missed.
pub fn placement(row: &Row<'_>) -> Result<Placement> {
    let residence = match ResidenceKind::parse(&row.text("residence")).map_err(|e| anyhow::anyhow!("residence: {e}"))? {
        ResidenceKind::Local => Residence::Local { community: row.text("community_id") },
        ResidenceKind::Abroad => Residence::Abroad,
        ResidenceKind::Domestic => Residence::Domestic,
    };
    Ok(Placement {
        residence,
        management: ManagementMode::parse(&row.text("management")).map_err(|e| anyhow::anyhow!("management: {e}"))?,
        employer: row.opt_text("employer_id"),
        insured_district: row.text("insured_district"),
    })
}

/// A person's routing facts, looked up by id.
pub fn load_placement(db: &Db, person_id: &str) -> Result<Option<Placement>> {
    db.try_one(
        "SELECT residence, community_id, management, employer_id, insured_district FROM persons WHERE id = ?",
        &[text(person_id)],
        |r| placement(&r),
    )
}

/// The list and reasons of a benefit registered but not yet assessed: to be
/// verified, so that nobody is missed (R5.4).
pub const NOT_ASSESSED: (&str, &str) = (
    "to_verify",
    r#"[{"code":"not_assessed","requirement":"R5.4","evidence":[],"message_zh":"新登记，尚未比对，待核查","message_ug":"يېڭى تىزىملاندى، تېخى سېلىشتۇرۇلمىدى، تەكشۈرۈلىدۇ","message_en":"Newly registered; not yet matched"}]"#,
);

/// What the lists keep of an assessment: the list, the reasons (as JSON),
/// and the latest certification with its channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// `eligible`, `lost` or `to_verify`.
    pub list: &'static str,
    /// The domain's reasons, as JSON.
    pub reasons: String,
    /// The latest certification in the cycle.
    pub certified_on: Option<String>,
    /// Its channel.
    pub certified_by: Option<&'static str>,
}

impl Snapshot {
    /// The snapshot of an assessment.
    pub fn of(assessment: &Assessment) -> Self {
        Self {
            list: assessment.list.code(),
            reasons: serde_json::to_string(&assessment.reasons).unwrap_or_else(|_| "[]".into()),
            certified_on: assessment.certified_on.map(|d| d.to_string()),
            certified_by: assessment.certified_by,
        }
    }

    /// Whether a benefit's stored snapshot holds this one already.
    fn is_stored(&self, stored: &StoredSnapshot) -> bool {
        let [_, _, list, reasons, certified_on, certified_by, _] = stored;
        list.as_deref() == Some(self.list)
            && reasons.as_deref() == Some(self.reasons.as_str())
            && *certified_on == self.certified_on
            && certified_by.as_deref() == self.certified_by
    }
}

/// Assesses a person again and stores the snapshot of every benefit that
/// changed; call in the transaction of any change to their records or
/// decisions. Returns the assessments, for callers that act on them.
pub fn refresh(db: &Db, person_id: &str, today: NaiveDate) -> Result<Vec<(BenefitRow, Assessment)>> {
    Ok(refresh_persons(db, &[person_id], today)?.pop().map(|(_, assessed)| assessed).unwrap_or_default())
}

/// [`refresh`] for many persons at once, in four reads and one write for
/// them all; returns each person's assessments, by person id.
pub fn refresh_persons(db: &Db, person_ids: &[&str], today: NaiveDate) -> Result<Vec<(String, Vec<(BenefitRow, Assessment)>)>> {
    let persons = load_persons(db, Selection::These(person_ids), "", person_ids.len())?;
    let types: Vec<BenefitType> = persons.iter().flat_map(|p| p.benefits.iter().map(|(b, _)| b.benefit_type)).collect();
    let policies = crate::policies::for_assessment(db, &types, today)?;
    let mut changed = Vec::new();
    let mut refreshed = Vec::with_capacity(persons.len());
    for person in persons {
        let (rows, stored): (Vec<BenefitRow>, Vec<StoredSnapshot>) = person.benefits.into_iter().unzip();
        let assessed = assess_loaded(rows, &person.evidence, &person.decisions, &policies, person.birth_month, today);
        for ((benefit, assessment), stored) in assessed.iter().zip(&stored) {
            let snapshot = Snapshot::of(assessment);
            if !snapshot.is_stored(stored) {
                changed.push((benefit.id.clone(), snapshot));
            }
        }
        refreshed.push((person.id, assessed));
    }
    crate::tables::benefits::set_snapshots(db, &changed)?;
    Ok(refreshed)
}

/// Which of `person_ids` a sign of life could change anything for: only
/// those whose stored assessment names a loss or a conflict (R5.4), or who
/// have a benefit suspended (a certification then opens re-verification,
/// R7.2): the column `sign_of_life_matters` of migration 0031. Losses and
/// staff decisions renew the assessment in their own transaction, so the
/// stored one is current in this respect even while the person waits in
/// the queue of [`queue_refresh`]. One statement for a whole delivery of
/// partner records, answered from a partial index.
pub fn signs_of_life_matter(db: &Db, person_ids: &[&str]) -> Result<std::collections::HashSet<String>> {
    crate::tables::benefits::write_kept(db)?;
    let found = crate::tables::in_pieces(person_ids, |marks, params| {
        db.try_all(
            &format!("SELECT DISTINCT person_id FROM benefits WHERE person_id IN ({marks}) AND sign_of_life_matters"),
            &params,
            |r| Ok(r.text("person_id")),
        )
    })?;
    Ok(found.into_iter().collect())
}

/// The queue of persons whose stored assessment is stale.
const QUEUE: RowsInto = RowsInto::insert("INSERT INTO reassessments (person_id, queued_at)");

/// Queues a person for [`refresh`] later, in the same transaction as the
/// record that makes their stored assessment stale. For records that only
/// confirm life: the queue is appended in order, where rewriting the
/// person's benefits at once would touch a page per person; inside a
/// transaction the entries go in together before the commit.
pub fn queue_refresh(db: &Db, person_id: &str) -> Result<()> {
    db.defer_row(QUEUE, vec![text(person_id), text(crate::now_rfc3339())])
}

/// Refreshes the persons of the oldest `limit` queue entries, each once, and
/// removes those entries; call inside a transaction. Returns the entries
/// handled: fewer than `limit` means the queue is empty.
pub fn refresh_queued(db: &Db, today: NaiveDate, limit: usize) -> Result<usize> {
    db.write_deferred(QUEUE)?;
    let queued = db.all("SELECT seq, person_id FROM reassessments ORDER BY seq LIMIT ?", &[crate::db::int(limit as i64)], |r| {
        (r.int("seq"), r.text("person_id"))
    })?;
    let Some(last) = queued.last().map(|(seq, _)| *seq) else { return Ok(0) };
    let persons: std::collections::BTreeSet<&str> = queued.iter().map(|(_, p)| p.as_str()).collect();
    refresh_persons(db, &persons.into_iter().collect::<Vec<_>>(), today)?;
    db.exec("DELETE FROM reassessments WHERE seq <= ?", &[crate::db::int(last)])?;
    Ok(queued.len())
}

/// Queue entries still waiting.
pub fn queued_refreshes(db: &Db) -> Result<i64> {
    db.write_deferred(QUEUE)?;
    Ok(db.one("SELECT COUNT(*) AS n FROM reassessments", &[], |r| r.int("n"))?.unwrap_or(0))
}

/// An instalment agreement on file (R7.5): its plan, every payment made on
/// the case, and the instalments already recorded as missed.
pub struct Agreement {
    /// The instalments, in order.
    pub plan: Vec<zige_domain::money::Instalment>,
    /// Every payment made on the case.
    pub payments: Vec<(NaiveDate, Fen)>,
    /// The instalments recorded as missed.
    pub missed: Vec<u32>,
}

impl Agreement {
    /// Loads the agreement of a case; a row that cannot be read is an error,
    /// never a missed or a paid instalment.
    pub fn load(db: &Db, case_id: &str) -> Result<Self> {
        let rows = db.all(
            "SELECT number, due_on, amount_fen, missed_on FROM instalments WHERE overpayment_id = ? ORDER BY number",
            &[text(case_id)],
            |r| (r.int("number"), r.text("due_on"), r.int("amount_fen"), r.opt_text("missed_on").is_some()),
        )?;
        let mut agreement = Self { plan: Vec::new(), payments: Vec::new(), missed: Vec::new() };
        for (number, due_on, amount, missed) in rows {
            let number = u32::try_from(number).with_context(|| format!("case {case_id}: instalment number {number}"))?;
            let due_on = date(&due_on).with_context(|| format!("case {case_id}: instalment {number} due on {due_on:?}"))?;
            agreement.plan.push(zige_domain::money::Instalment { number, due_on, amount: Fen::new(amount) });
            if missed {
                agreement.missed.push(number);
            }
        }
        let payments = db.all("SELECT paid_on, amount_fen FROM recovery_payments WHERE overpayment_id = ?", &[text(case_id)], |r| {
            (r.text("paid_on"), Fen::new(r.int("amount_fen")))
        })?;
        for (paid_on, amount) in payments {
            let on = date(&paid_on).with_context(|| format!("case {case_id}: payment on {paid_on:?}"))?;
            agreement.payments.push((on, amount));
        }
        Ok(agreement)
    }
}
