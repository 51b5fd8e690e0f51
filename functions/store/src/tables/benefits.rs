//! Typed queries on `benefits`.

use super::Scope;
use crate::db::{Db, Row, RowsInto, Value, int, opt_text, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use zige_domain::money::Fen;

/// The person a benefit belongs to and where they live and who manages
/// them (R2.3), for the scope check; `None` when there is no such benefit.
pub fn owner_with_placement(db: &Db, benefit_id: &str) -> Result<Option<(String, zige_domain::routing::Placement)>> {
    write_kept(db)?;
    db.try_one(
        "SELECT b.person_id, p.residence, p.community_id, p.management, p.employer_id, p.insured_district FROM benefits b JOIN persons p ON p.id = b.person_id WHERE b.id = ?",
        &[text(benefit_id)],
        |r| Ok((r.text("person_id"), crate::records::placement(&r).map_err(|e| e.context(format!("benefits {benefit_id}: the person's placement")))?)),
    )
}

/// Payment states, kept until the commit inside a write transaction and
/// written many benefits a statement.
const PAYMENT: RowsInto = RowsInto {
    head: "UPDATE benefits SET payment_status = v.column2, payment_reason = v.column3, payment_since = v.column4, objection_on = v.column5, updated_at = v.column6 FROM (",
    tail: ") AS v WHERE benefits.id = v.column1",
};

/// Writes a benefit's new payment state. Only the executor
/// (`workflow::set_payment`) calls this.
pub fn set_payment_state(db: &Db, benefit_id: &str, state: &zige_domain::payment::PaymentState, updated_at: &str) -> Result<()> {
    let (status, reason, since, objection_on) = crate::records::payment_columns(state);
    // One statement changing a benefit twice would leave either change.
    if db.keeps(PAYMENT, benefit_id) {
        write_kept(db)?;
    }
    db.defer_row(PAYMENT, vec![text(benefit_id), text(status), opt_text(reason), opt_text(since), opt_text(objection_on), text(updated_at)])
}

/// Writes the payment states [`set_payment_state`] kept: every statement
/// that reads benefits calls it first.
pub(crate) fn write_kept(db: &Db) -> Result<()> {
    db.write_deferred(PAYMENT)
}

/// The fields a roster row sets on a benefit, as stored: the import
/// compares them as text with the file's values.
#[derive(Debug, Clone)]
pub struct RosterBenefit {
    pub id: String,
    pub monthly_amount: Fen,
    pub start_date: Option<String>,
    pub insured_district: Option<String>,
    pub depends_on_index: Option<String>,
}

/// The roster's fields of the benefits of `person_ids`, by person and type;
/// an error naming the benefit when its type does not read.
pub fn roster_fields_of_persons(
    db: &Db,
    person_ids: &[&str],
) -> Result<std::collections::HashMap<(String, zige_domain::BenefitType), RosterBenefit>> {
    write_kept(db)?;
    let found = super::in_pieces(person_ids, |marks, params| {
        db.try_all(
            &format!(
                "SELECT id, person_id, benefit_type, monthly_amount_fen, start_date, insured_district, depends_on_index FROM benefits WHERE person_id IN ({marks})"
            ),
            &params,
            |r| {
                let id = r.text("id");
                let benefit_type =
                    zige_domain::BenefitType::parse(&r.text("benefit_type")).map_err(|e| anyhow::anyhow!("benefits {id}: benefit_type: {e}"))?;
                let benefit = RosterBenefit {
                    monthly_amount: Fen::new(r.int("monthly_amount_fen")),
                    start_date: r.opt_text("start_date"),
                    insured_district: r.opt_text("insured_district"),
                    depends_on_index: r.opt_text("depends_on_index"),
                    id,
                };
                Ok(((r.text("person_id"), benefit_type), benefit))
            },
        )
    })?;
    Ok(found.into_iter().collect())
}

/// A change the roster makes to one field of a benefit.
#[derive(Debug, Clone, Copy)]
pub enum RosterBenefitChange<'a> {
    MonthlyAmount(Fen),
    StartDate(NaiveDate),
    InsuredDistrict(&'a str),
    /// The blind index of the ID number of the person a dependant's pension
    /// depends on; NULL for none.
    DependsOnIndex(Option<&'a str>),
}

impl RosterBenefitChange<'_> {
    /// The column, which is also the field's name in history.
    pub fn column(&self) -> &'static str {
        match self {
            Self::MonthlyAmount(_) => "monthly_amount_fen",
            Self::StartDate(_) => "start_date",
            Self::InsuredDistrict(_) => "insured_district",
            Self::DependsOnIndex(_) => "depends_on_index",
        }
    }

    fn value(&self) -> Value {
        match self {
            Self::MonthlyAmount(fen) => int(fen.as_i64()),
            Self::StartDate(day) => text(day.to_string()),
            Self::InsuredDistrict(code) => text(*code),
            Self::DependsOnIndex(index) => opt_text(*index),
        }
    }
}

/// Makes one roster change to a benefit, at `updated_at`.
pub fn apply_roster_change(db: &Db, benefit_id: &str, change: &RosterBenefitChange<'_>, updated_at: &str) -> Result<()> {
    db.exec(
        &format!("UPDATE benefits SET {} = ?, updated_at = ? WHERE id = ?", change.column()),
        &[change.value(), text(updated_at), text(benefit_id)],
    )
}

/// A benefit registered from the roster.
pub struct NewRosterBenefit<'a> {
    pub id: &'a str,
    pub person_id: &'a str,
    pub benefit_type: zige_domain::BenefitType,
    pub monthly_amount: Fen,
    pub start_date: NaiveDate,
    pub insured_district: &'a str,
    pub depends_on_index: Option<&'a str>,
    pub created_at: &'a str,
}

/// Registers benefits (created and updated now), not yet assessed: to be
/// verified, so that nobody is missed (R5.4).
pub fn insert_from_roster(db: &Db, benefits: &[NewRosterBenefit<'_>]) -> Result<()> {
    use crate::db::{int, opt_text, text};
    let values = benefits.iter().flat_map(|b| {
        [
            text(b.id),
            text(b.person_id),
            text(b.benefit_type.code()),
            int(b.monthly_amount.as_i64()),
            text(b.start_date.to_string()),
            text(b.insured_district),
            opt_text(b.depends_on_index),
            text(b.created_at),
            text(b.created_at),
            text(crate::records::NOT_ASSESSED.0),
            text(crate::records::NOT_ASSESSED.1),
        ]
    });
    db.insert_rows(
        "INSERT INTO benefits (id, person_id, benefit_type, monthly_amount_fen, start_date, insured_district, depends_on_index, created_at, updated_at, list_kind, list_reasons)",
        11,
        values.collect(),
    )
}

/// Stores what the daily sweep found of benefits (R4): where each stands in
/// its cycle, its list and reasons, its latest certification and the day
/// the sweep must look at it again (issue 19), many in one statement.
pub fn set_swept(db: &Db, swept: &[(String, crate::records::StoredSnapshot)]) -> Result<()> {
    static HEAD: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let columns = crate::records::SWEPT_COLUMNS.iter().enumerate().map(|(n, c)| format!("{c} = v.column{}", n + 2));
        format!("UPDATE benefits SET {} FROM (", columns.collect::<Vec<_>>().join(", "))
    });
    let values =
        swept.iter().flat_map(|(id, snapshot)| std::iter::once(text(id.as_str())).chain(snapshot.iter().map(|v| opt_text(v.clone()))));
    db.write_rows(&HEAD, 1 + crate::records::SWEPT_COLUMNS.len(), values.collect(), ") AS v WHERE benefits.id = v.column1")
}

/// Stores what the lists keep of benefits' new assessments (R5.4): their
/// list, reasons and latest certification, many in one statement.
pub fn set_snapshots(db: &Db, snapshots: &[(String, crate::records::Snapshot)]) -> Result<()> {
    let values = snapshots.iter().flat_map(|(id, s)| {
        [text(id.as_str()), text(s.list), text(s.reasons.as_str()), opt_text(s.certified_on.clone()), opt_text(s.certified_by)]
    });
    db.write_rows(
        "UPDATE benefits SET list_kind = v.column2, list_reasons = v.column3, certified_on = v.column4, certified_by = v.column5 FROM (",
        5,
        values.collect(),
        ") AS v WHERE benefits.id = v.column1",
    )
}

/// A benefit suspended without an objection, as the termination sweep (R7.2) reads it.
pub struct SuspendedWithoutObjection {
    pub id: String,
    pub person_id: String,
    /// The day the suspension began; `None` when none is stored.
    pub since: Option<NaiveDate>,
}

/// The next `limit` benefits after `after` (by id) suspended without an
/// objection; an error naming the benefit when its suspension's day does
/// not read.
pub fn suspended_without_objection(db: &Db, after: &str, limit: i64) -> Result<Vec<SuspendedWithoutObjection>> {
    write_kept(db)?;
    db.try_all(
        "SELECT id, person_id, payment_since FROM benefits WHERE payment_status = 'suspended' AND objection_on IS NULL AND id > ? ORDER BY id LIMIT ?",
        &[text(after), int(limit)],
        |r| {
            let id = r.text("id");
            let since = r.opt_date("payment_since").with_context(|| format!("benefits {id}"))?;
            Ok(SuspendedWithoutObjection { person_id: r.text("person_id"), since, id })
        },
    )
}

/// The persons with a benefit on the to-be-verified list and no task open,
/// by id: those a dispatch sends out (R6.1).
pub fn persons_to_dispatch(db: &Db) -> Result<Vec<String>> {
    write_kept(db)?;
    super::tasks::write_kept(db)?;
    db.all(
        "SELECT DISTINCT b.person_id AS p FROM benefits b WHERE b.list_kind = 'to_verify'
         AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.person_id = b.person_id AND t.status = 'open') ORDER BY b.person_id",
        &[],
        |r| r.text("p"),
    )
}

/// How many persons with a benefit on the to-be-verified list have a task
/// open already (a dispatch leaves them be).
pub fn count_to_verify_with_open_task(db: &Db) -> Result<i64> {
    write_kept(db)?;
    super::tasks::write_kept(db)?;
    Ok(db
        .one(
            "SELECT COUNT(DISTINCT b.person_id) AS n FROM benefits b JOIN tasks t ON t.person_id = b.person_id AND t.status = 'open'
             WHERE b.list_kind = 'to_verify'",
            &[],
            |r| r.int("n"),
        )?
        .unwrap_or(0))
}

/// The person benefit `id` belongs to; `None` when there is no such benefit.
pub fn person_of(db: &Db, id: &str) -> Result<Option<String>> {
    write_kept(db)?;
    db.one("SELECT person_id FROM benefits WHERE id = ?", &[text(id)], |r| r.text("person_id"))
}

/// Which benefits of one of the three lists (R5.4) to read: the list, the
/// reader's scope (R2.3) and the filters a request gave, each compared as
/// given (the caller checks them).
pub struct ListFilter {
    pub list: zige_domain::ListKind,
    pub scope: Scope,
    /// The person's district of insurance.
    pub district: Option<String>,
    pub community: Option<String>,
    pub employer: Option<String>,
    /// The benefit type as the request named it.
    pub benefit_type: Option<String>,
    /// The channel of the last certification.
    pub channel: Option<String>,
    /// The first and last day of the last certification, as `YYYY-MM-DD` text.
    pub certified_from: Option<String>,
    pub certified_to: Option<String>,
}

impl ListFilter {
    /// The condition on `benefits b` (and `persons p`), its parameters, and
    /// whether it reads `persons` (counting needs the join only then).
    fn condition(&self) -> (String, Vec<Value>, bool) {
        // A benefit registered but never assessed is on the to-be-verified
        // list from the start (records::NOT_ASSESSED): nobody is missed.
        let mut reads_persons = self.scope.condition != "1 = 1";
        let mut condition = format!("b.list_kind = ? AND {}", self.scope.condition);
        let mut params = vec![text(self.list.code())];
        params.extend(self.scope.params.iter().cloned());
        let filters = [
            (&self.district, "p.insured_district = ?"),
            (&self.community, "p.community_id = ?"),
            (&self.employer, "p.employer_id = ?"),
            (&self.benefit_type, "b.benefit_type = ?"),
            (&self.channel, "b.certified_by = ?"),
            (&self.certified_from, "b.certified_on >= ?"),
            (&self.certified_to, "b.certified_on <= ?"),
        ];
        for (value, sql) in filters {
            if let Some(value) = value {
                condition.push_str(" AND ");
                condition.push_str(sql);
                params.push(text(value.as_str()));
                reads_persons |= sql.starts_with("p.");
            }
        }
        (condition, params, reads_persons)
    }
}

/// A benefit on a list as the lists show it, with its person (name
/// unmasked: the caller masks it); values as stored.
pub struct ListRow {
    pub id: String,
    pub benefit_type: String,
    /// The reasons of the last assessment, as their stored JSON.
    pub list_reasons: Option<String>,
    pub certified_on: Option<String>,
    pub certified_by: Option<String>,
    pub payment_status: String,
    pub cycle_due: Option<String>,
    pub person_id: String,
    pub name: String,
    pub id_masked: String,
    pub community_id: Option<String>,
    pub insured_district: String,
    pub employer_id: Option<String>,
}

const LIST_ROW_COLUMNS: &str =
    "b.id, b.benefit_type, b.list_kind, b.list_reasons, b.certified_on, b.certified_by, b.payment_status, b.cycle_due,
     p.id AS person_id, p.name, p.id_masked, p.community_id, p.insured_district, p.employer_id";

fn list_row(r: &Row<'_>) -> ListRow {
    ListRow {
        id: r.text("id"),
        benefit_type: r.text("benefit_type"),
        list_reasons: r.opt_text("list_reasons"),
        certified_on: r.opt_text("certified_on"),
        certified_by: r.opt_text("certified_by"),
        payment_status: r.text("payment_status"),
        cycle_due: r.opt_text("cycle_due"),
        person_id: r.text("person_id"),
        name: r.text("name"),
        id_masked: r.text("id_masked"),
        community_id: r.opt_text("community_id"),
        insured_district: r.text("insured_district"),
        employer_id: r.opt_text("employer_id"),
    }
}

/// How many benefits `filter` selects.
pub fn count_listed(db: &Db, filter: &ListFilter) -> Result<i64> {
    write_kept(db)?;
    let (condition, params, reads_persons) = filter.condition();
    let from = if reads_persons { "FROM benefits b JOIN persons p ON p.id = b.person_id" } else { "FROM benefits b" };
    Ok(db.one(&format!("SELECT COUNT(*) AS n {from} WHERE {condition}"), &params, |r| r.int("n"))?.unwrap_or(0))
}

/// One page of the benefits `filter` selects, by id. The page's ids are
/// found first, without reading persons unless a filter needs them:
/// skipping to a deep page then walks only the list's index, and persons
/// are read for one page of rows.
pub fn listed_page(db: &Db, filter: &ListFilter, limit: i64, offset: i64) -> Result<Vec<ListRow>> {
    write_kept(db)?;
    let (condition, mut params, reads_persons) = filter.condition();
    let counted = if reads_persons { "FROM benefits b JOIN persons p ON p.id = b.person_id" } else { "FROM benefits b" };
    params.extend([int(limit), int(offset)]);
    let sql = format!(
        "SELECT {LIST_ROW_COLUMNS} FROM benefits b JOIN persons p ON p.id = b.person_id
         WHERE b.id IN (SELECT b.id {counted} WHERE {condition} ORDER BY b.id LIMIT ? OFFSET ?) ORDER BY b.id"
    );
    db.all(&sql, &params, |r| list_row(&r))
}

/// The next `limit` benefits `filter` selects after the benefit id `after`
/// (empty for the first), by id: a page read forward, or an export's batch.
pub fn listed_after(db: &Db, filter: &ListFilter, after: &str, limit: i64) -> Result<Vec<ListRow>> {
    write_kept(db)?;
    let (condition, mut params, _) = filter.condition();
    params.extend([text(after), int(limit)]);
    let sql = format!(
        "SELECT {LIST_ROW_COLUMNS} FROM benefits b JOIN persons p ON p.id = b.person_id WHERE {condition} AND b.id > ? ORDER BY b.id LIMIT ?"
    );
    db.all(&sql, &params, |r| list_row(&r))
}

/// The tables the dashboard counts benefits in: `benefits b`, joined with
/// persons only below the city, where the scope reads them. Its callers
/// write the kept payment states first.
fn dashboard_benefits(scope: &Scope) -> &'static str {
    if scope.condition == "1 = 1" { "benefits b" } else { "benefits b JOIN persons p ON p.id = b.person_id" }
}

/// How many benefits are on a list (`None`: never assessed), certified by
/// a channel (`None`: never) and in a payment state.
pub struct ListGroup {
    pub list_kind: Option<String>,
    pub certified_by: Option<String>,
    pub payment_status: String,
    pub count: i64,
}

/// The benefits of persons in `scope` (R2.3) counted by list, channel and
/// payment state in one scan, for the dashboard.
pub fn count_by_list_channel_and_payment(db: &Db, scope: &Scope) -> Result<Vec<ListGroup>> {
    write_kept(db)?;
    let sql = format!(
        "SELECT b.list_kind AS l, b.certified_by AS c, b.payment_status AS s, COUNT(*) AS n FROM {} WHERE {}
         GROUP BY b.list_kind, b.certified_by, b.payment_status",
        dashboard_benefits(scope),
        scope.condition
    );
    db.all(&sql, &scope.params, |r| ListGroup {
        list_kind: r.opt_text("l"),
        certified_by: r.opt_text("c"),
        payment_status: r.text("s"),
        count: r.int("n"),
    })
}

/// How many benefits of a district of insurance are on a list (`None`:
/// never assessed).
pub struct DistrictListCount {
    pub district: String,
    pub list_kind: Option<String>,
    pub count: i64,
}

/// The benefits of persons in `scope` (R2.3) counted by district of
/// insurance and list, for the city's map of work.
pub fn count_by_district_and_list(db: &Db, scope: &Scope) -> Result<Vec<DistrictListCount>> {
    write_kept(db)?;
    let sql = format!(
        "SELECT b.insured_district AS d, b.list_kind AS l, COUNT(*) AS n FROM {} WHERE {} GROUP BY b.insured_district, b.list_kind",
        dashboard_benefits(scope),
        scope.condition
    );
    db.all(&sql, &scope.params, |r| DistrictListCount { district: r.text("d"), list_kind: r.opt_text("l"), count: r.int("n") })
}
