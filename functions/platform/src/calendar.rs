//! The working-day calendar in force: the one shipped with zige, with the
//! years staff have loaded at run time (stored in SQLite) replacing or
//! adding whole years, so a new State Council notice needs no redeploy.

use crate::db::Db;
use anyhow::Result;
use zige_domain::WorkingCalendar;

/// The embedded calendar merged with every year loaded by staff.
pub fn load(db: &Db) -> Result<WorkingCalendar> {
    let mut calendar = WorkingCalendar::embedded();
    for text in db.all("SELECT data FROM calendar_years ORDER BY year", &[], |r| r.text("data"))? {
        let year = WorkingCalendar::parse(&text).map_err(|e| anyhow::anyhow!("a stored calendar year is broken: {e}"))?;
        calendar.merge(&year);
    }
    Ok(calendar)
}
