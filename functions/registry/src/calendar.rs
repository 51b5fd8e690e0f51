//! The working-day calendar at run time: city administrators load a year
//! from the State Council's notice without a redeploy ("Dates" in
//! requirements.md); everyone can see which years are announced and which
//! are provisional (derived from the statutory holidays).

use crate::Ctx;
use spin_sdk::http::{Request, Response};
use zige_domain::WorkingCalendar;
use zige_domain::calendar::{CalendarError, YearSource};
use zige_http::problem::{Problem, json_response};
use zige_store::audit::{self, Entry};

/// The years covered and where each comes from.
pub fn list(ctx: &Ctx) -> Result<Response, Problem> {
    let loaded: Vec<_> = zige_store::calendar::loaded_years(ctx.db)?.into_iter().map(|y| (y.year, y.loaded_by, y.loaded_at)).collect();
    let calendar = zige_store::calendar::load(ctx.db)?;
    // The announced years, then every year up to next year that is not.
    let this_year = chrono::Datelike::year(&zige_store::today());
    let first = calendar.years().next().unwrap_or(this_year).min(this_year);
    let years: Vec<_> = (first..=this_year + 1)
        .filter_map(|y| Some((y, calendar.source(y)?)))
        .map(|(y, source)| match (source, loaded.iter().find(|(year, _, _)| *year == y)) {
            (YearSource::Provisional, _) => serde_json::json!({ "year": y, "source": "provisional" }),
            (YearSource::Announced, Some((_, by, at))) => {
                serde_json::json!({ "year": y, "source": "loaded", "loaded_by": by, "loaded_at": at })
            }
            (YearSource::Announced, None) => serde_json::json!({ "year": y, "source": "embedded" }),
        })
        .collect();
    Ok(json_response(200, &serde_json::json!({ "years": years })))
}

/// Loads or replaces one year: the body is the calendar's text format, one
/// `YYYY-MM-DD holiday|workday [label]` per line, every date in that year.
pub fn put_year(ctx: &Ctx, req: &Request, year: &str) -> Result<Response, Problem> {
    let year: i32 = year.parse().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| Problem::not_found("该年份", "year"))?;
    let body =
        std::str::from_utf8(req.body()).map_err(|_| Problem::invalid("body", "日历应为UTF-8文本", "the calendar must be UTF-8 text"))?;
    let parsed = WorkingCalendar::parse(body).map_err(|e| Problem::invalid("body", format!("日历格式有误：{e}"), e.to_string()))?;
    let years: Vec<i32> = parsed.years().collect();
    if years != [year] || parsed.to_text().lines().any(|l| !l.starts_with(&format!("{year}-"))) {
        return Err(Problem::invalid(
            "body",
            format!("日历只能包含{year}年的日期，且至少有一个节假日"),
            format!("every date must be in {year}, with at least one holiday"),
        ));
    }
    parsed.check_complete(year).map_err(|e| match &e {
        CalendarError::Incomplete { missing, .. } => {
            let days: Vec<String> = missing.iter().map(|(d, name)| format!("{d}（{name}）")).collect();
            Problem::invalid("body", format!("{year}年日历缺少法定节假日：{}", days.join("、")), e.to_string())
        }
        _ => Problem::invalid("body", format!("{year}年不在可用范围内"), e.to_string()),
    })?;
    let stored = parsed.to_text();
    let recomputed = ctx.db.transaction(|db| -> Result<usize, Problem> {
        zige_store::calendar::store_year(db, year, &stored, &ctx.staff.actor(), &zige_store::now_rfc3339())?;
        audit::append(
            db,
            &Entry {
                actor: &ctx.staff.actor(),
                role: ctx.staff.role.code(),
                action: "calendar.load",
                object: &year.to_string(),
                payload: stored.as_bytes(),
            },
        )?;
        // The notice wins over the derived year: open deadlines that rested
        // on it are recomputed in the same transaction.
        let calendar = zige_store::calendar::load(db)?;
        Ok(zige_store::calendar::recompute_provisional_deadlines(db, &calendar)?)
    })?;
    Ok(json_response(200, &serde_json::json!({ "year": year, "days": stored.lines().count(), "deadlines_recomputed": recomputed })))
}
