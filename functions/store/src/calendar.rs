//! The working-day calendar in force: the one shipped with zige, with the
//! years staff have loaded at run time (stored in SQLite) replacing or
//! adding whole years, so a new State Council notice needs no redeploy.
//! Years neither shipped nor loaded are derived by the domain.

use crate::db::{Db, int, text};
use anyhow::Result;
use chrono::NaiveDate;
use zige_domain::WorkingCalendar;
use zige_domain::deadlines::HOME_VISIT_WORKING_DAYS;

/// The embedded calendar merged with every year loaded by staff.
pub fn load(db: &Db) -> Result<WorkingCalendar> {
    let mut calendar = WorkingCalendar::embedded();
    for text in db.all("SELECT data FROM calendar_years ORDER BY year", &[], |r| r.text("data"))? {
        let year = WorkingCalendar::parse(&text).map_err(|e| anyhow::anyhow!("a stored calendar year is broken: {e}"))?;
        calendar.merge(&year);
    }
    Ok(calendar)
}

/// Recomputes every open deadline that rested on a provisional year, on
/// `calendar` (just loaded, in the caller's transaction): the notice always
/// wins over the derived year. Returns how many deadlines moved or became
/// final.
pub fn recompute_provisional_deadlines(db: &Db, calendar: &WorkingCalendar) -> Result<usize> {
    crate::tables::tasks::write_kept(db)?;
    let tasks = db.all(
        "SELECT id, opened_on, deadline_working_days FROM tasks WHERE deadline_provisional = 1 AND status = 'open' AND deadline_working_days IS NOT NULL",
        &[],
        |r| (r.text("id"), r.text("opened_on"), r.int("deadline_working_days")),
    )?;
    for (id, opened_on, days) in &tasks {
        let due = calendar.deadline(opened_on.parse::<NaiveDate>()?, u32::try_from(*days)?)?;
        db.exec(
            "UPDATE tasks SET deadline = ?, deadline_provisional = ? WHERE id = ?",
            &[text(due.on.to_string()), int(i64::from(due.provisional)), text(id.as_str())],
        )?;
    }
    let visits = db.all("SELECT id, requested_on FROM home_visits WHERE deadline_provisional = 1 AND status = 'open'", &[], |r| {
        (r.text("id"), r.text("requested_on"))
    })?;
    for (id, requested_on) in &visits {
        let due = calendar.deadline(requested_on.parse::<NaiveDate>()?, HOME_VISIT_WORKING_DAYS)?;
        db.exec(
            "UPDATE home_visits SET deadline = ?, deadline_provisional = ? WHERE id = ?",
            &[text(due.on.to_string()), int(i64::from(due.provisional)), text(id.as_str())],
        )?;
    }
    Ok(tasks.len() + visits.len())
}

/// A year staff loaded, with who loaded it and when.
#[derive(Debug, Clone)]
pub struct LoadedYear {
    pub year: i32,
    pub loaded_by: String,
    pub loaded_at: String,
}

/// The years staff have loaded, in order.
pub fn loaded_years(db: &Db) -> Result<Vec<LoadedYear>> {
    db.try_all("SELECT year, loaded_by, loaded_at FROM calendar_years ORDER BY year", &[], |r| {
        let year = r.int("year");
        Ok(LoadedYear {
            year: i32::try_from(year).map_err(|_| anyhow::anyhow!("calendar_years row {year}: the year does not read"))?,
            loaded_by: r.text("loaded_by"),
            loaded_at: r.text("loaded_at"),
        })
    })
}

/// Loads or replaces one year: `data` is the calendar's text format.
pub fn store_year(db: &Db, year: i32, data: &str, loaded_by: &str, loaded_at: &str) -> Result<()> {
    db.exec(
        "INSERT INTO calendar_years (year, data, loaded_by, loaded_at) VALUES (?, ?, ?, ?) ON CONFLICT (year) DO UPDATE SET data = excluded.data, loaded_by = excluded.loaded_by, loaded_at = excluded.loaded_at",
        &[int(i64::from(year)), text(data), text(loaded_by), text(loaded_at)],
    )
}
