//! Money in fen (分), as integers with checked arithmetic, and calendar
//! months for monthly benefit payments. No floating point comes near money.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// An amount of money in fen (1 yuan = 100 fen). Negative amounts exist only
/// as differences; constructors for benefit amounts reject them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Fen(i64);

/// Why an amount of money was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    /// Not of the form `123`, `123.4` or `123.45`.
    Malformed(String),
    /// More than two decimals: fen is the smallest unit.
    TooManyDecimals(String),
    /// Below zero where only non-negative amounts make sense.
    Negative,
    /// The result does not fit in 64 bits.
    Overflow,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(s) => write!(f, "\"{s}\" is not an amount in yuan such as 2350.50"),
            Self::TooManyDecimals(s) => write!(f, "\"{s}\" has more than two decimals; the smallest unit is the fen"),
            Self::Negative => write!(f, "the amount must not be negative"),
            Self::Overflow => write!(f, "the amount is too large"),
        }
    }
}

impl std::error::Error for MoneyError {}

impl Fen {
    /// Nothing.
    pub const ZERO: Fen = Fen(0);

    /// An amount from a count of fen.
    pub const fn new(fen: i64) -> Self {
        Fen(fen)
    }

    /// A non-negative amount from a count of fen.
    pub fn non_negative(fen: i64) -> Result<Self, MoneyError> {
        if fen < 0 { Err(MoneyError::Negative) } else { Ok(Fen(fen)) }
    }

    /// Parses a yuan amount as clerks type it (`2350`, `2350.5`, `2350.50`),
    /// exactly, without floating point. Thousands separators are refused.
    pub fn parse_yuan(text: &str) -> Result<Self, MoneyError> {
        let t = text.trim();
        let malformed = || MoneyError::Malformed(t.to_string());
        let (negative, unsigned) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (whole, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        if unsigned.contains('.') && frac.is_empty() {
            return Err(malformed());
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooManyDecimals(t.to_string()));
        }
        let yuan: i64 = whole.parse().map_err(|_| MoneyError::Overflow)?;
        let fen_part: i64 = format!("{frac:0<2}").parse().map_err(|_| malformed())?;
        let total = yuan.checked_mul(100).and_then(|v| v.checked_add(fen_part)).ok_or(MoneyError::Overflow)?;
        Ok(Fen(if negative { -total } else { total }))
    }

    /// The count of fen.
    pub const fn as_i64(self) -> i64 {
        self.0
    }

    /// The sum, or an error on overflow.
    pub fn checked_add(self, other: Fen) -> Result<Fen, MoneyError> {
        self.0.checked_add(other.0).map(Fen).ok_or(MoneyError::Overflow)
    }

    /// The difference, or an error on overflow.
    pub fn checked_sub(self, other: Fen) -> Result<Fen, MoneyError> {
        self.0.checked_sub(other.0).map(Fen).ok_or(MoneyError::Overflow)
    }

    /// The amount times `times` (months, say), or an error on overflow.
    pub fn checked_mul(self, times: i64) -> Result<Fen, MoneyError> {
        self.0.checked_mul(times).map(Fen).ok_or(MoneyError::Overflow)
    }
}

impl fmt::Display for Fen {
    /// Yuan with two decimals, e.g. `2350.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// A calendar month, the unit in which benefits are paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

impl YearMonth {
    /// A month; `None` unless `month` is 1–12.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self { year: date.year(), month: date.month() }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The month `n` months later (or earlier for negative `n`).
    pub fn plus(self, n: i32) -> Self {
        let index = self.index() + i64::from(n);
        Self { year: index.div_euclid(12) as i32, month: (index.rem_euclid(12) + 1) as u32 }
    }

    /// Months from `self` to `later`, negative when `later` is earlier.
    pub fn months_until(self, later: YearMonth) -> i64 {
        later.index() - self.index()
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a YearMonth is always a valid month")
    }

    /// The last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.plus(1).first_day().pred_opt().expect("dates before year -262144 are never built")
    }

    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for YearMonth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("\"{s}\" is not a month such as 2026-03");
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        YearMonth::new(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?).ok_or_else(bad)
    }
}

impl serde::Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for YearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// Back-pay when a suspended benefit is restored (R7.2 恢复和补发): the monthly
/// amount for every month withheld, from `first_unpaid` up to but excluding
/// `first_paid_again`.
pub fn back_pay(monthly: Fen, first_unpaid: YearMonth, first_paid_again: YearMonth) -> Result<Fen, MoneyError> {
    let months = first_unpaid.months_until(first_paid_again).max(0);
    monthly.checked_mul(months)
}

/// Overpayment after a loss of eligibility (R7.3, R7.4): the payments made
/// for months after the person stopped being entitled, and never for a
/// month before the benefit started (a mistyped old loss date must not
/// make a case larger than what was ever paid). By default a person is
/// entitled through the month in which eligibility was lost; with
/// `entitled_through_loss_month` false the loss month itself is overpaid.
pub fn overpayment(
    monthly: Fen,
    benefit_start: NaiveDate,
    loss_date: NaiveDate,
    paid_through: YearMonth,
    entitled_through_loss_month: bool,
) -> Result<Fen, MoneyError> {
    let loss_month = YearMonth::of(loss_date);
    let after_loss = if entitled_through_loss_month { loss_month.plus(1) } else { loss_month };
    let first_overpaid = after_loss.max(YearMonth::of(benefit_start));
    let months = (first_overpaid.months_until(paid_through) + 1).max(0);
    monthly.checked_mul(months)
}

/// The payroll run a change made on `day` applies to first: a change made
/// during a month takes effect from the next month's payment.
pub fn first_payroll_month(day: NaiveDate) -> YearMonth {
    YearMonth::of(day).plus(1)
}

/// The days a refund notice may give (R7.3: 限期退还).
pub const REFUND_DAYS: std::ops::RangeInclusive<u32> = 7..=90;

/// The deadline of a refund notice served on `served_on` giving `days`
/// days (R7.3), or `None` when the days are outside [`REFUND_DAYS`].
pub fn refund_deadline(served_on: NaiveDate, days: u32) -> Option<NaiveDate> {
    REFUND_DAYS.contains(&days).then(|| served_on + chrono::Duration::days(i64::from(days)))
}

/// Whether a recovery case is on the social-insurance blacklist (R9.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blacklist {
    /// Never listed, or listed and lifted.
    Off,
    /// Listed and not lifted.
    On,
}

/// A blacklist decision (R9.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlacklistDecision {
    /// List the case.
    List,
    /// Lift the listing.
    Lift,
}

impl Blacklist {
    /// The state from the stored days.
    pub fn of(listed_on: Option<NaiveDate>, lifted_on: Option<NaiveDate>) -> Self {
        if listed_on.is_some() && lifted_on.is_none() { Self::On } else { Self::Off }
    }

    /// The state after a decision, or `None` when the decision does not
    /// apply (listing a listed case, lifting one not listed).
    pub fn after(self, decision: BlacklistDecision) -> Option<Self> {
        match (self, decision) {
            (Self::Off, BlacklistDecision::List) => Some(Self::On),
            (Self::On, BlacklistDecision::Lift) => Some(Self::Off),
            _ => None,
        }
    }
}

/// One instalment of a repayment agreement (分期还款协议, R7.5).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Instalment {
    /// 1-based position in the plan.
    pub number: u32,
    /// The day the instalment is due.
    pub due_on: NaiveDate,
    /// The amount due.
    pub amount: Fen,
}

/// Why an instalment plan cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// Zero instalments asked for.
    NoInstalments,
    /// The amount is zero or negative.
    NothingToRepay,
    /// More instalments than fen to split.
    TooManyInstalments {
        /// Instalments asked for.
        count: u32,
        /// The amount to split.
        amount: Fen,
    },
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoInstalments => write!(f, "a plan needs at least one instalment"),
            Self::NothingToRepay => write!(f, "there is nothing to repay"),
            Self::TooManyInstalments { count, amount } => {
                write!(f, "{amount} yuan cannot be split into {count} instalments of at least one fen")
            }
        }
    }
}

impl std::error::Error for PlanError {}

/// Equal monthly instalments (R7.5), the remainder added to the last one, the
/// first due on `first_due` and each later one on the same day of the
/// following months (clamped to the month's end).
pub fn instalment_plan(total: Fen, count: u32, first_due: NaiveDate) -> Result<Vec<Instalment>, PlanError> {
    if count == 0 {
        return Err(PlanError::NoInstalments);
    }
    if total.as_i64() <= 0 {
        return Err(PlanError::NothingToRepay);
    }
    let base = total.as_i64() / i64::from(count);
    if base == 0 {
        return Err(PlanError::TooManyInstalments { count, amount: total });
    }
    let last = total.as_i64() - base * i64::from(count - 1);
    Ok((1..=count)
        .map(|number| Instalment {
            number,
            due_on: first_due.checked_add_months(chrono::Months::new(number - 1)).expect("instalment dates stay far inside chrono's range"),
            amount: Fen(if number == count { last } else { base }),
        })
        .collect())
}

/// Instalments that are due before `today` and not covered by the payments
/// made so far (R7.6: a broken agreement is escalated). Payments are applied
/// to instalments in order, whenever they were made.
pub fn missed_instalments(plan: &[Instalment], payments: &[(NaiveDate, Fen)], today: NaiveDate) -> Vec<u32> {
    let mut owed_so_far = 0i64;
    let mut missed = Vec::new();
    for instalment in plan {
        owed_so_far += instalment.amount.as_i64();
        if instalment.due_on >= today {
            break;
        }
        let paid_by_due: i64 = payments.iter().filter(|(on, _)| *on <= instalment.due_on).map(|(_, amount)| amount.as_i64()).sum();
        if paid_by_due < owed_so_far {
            missed.push(instalment.number);
        }
    }
    missed
}

/// How a payment is spread over an instalment agreement (R7.5): the oldest
/// instalment not yet paid in full first. `owing` lists each instalment's
/// number, amount and what was paid of it; the answer lists what the
/// payment adds to each, in order.
pub fn allocate(payment: Fen, owing: &[(u32, Fen, Fen)]) -> Vec<(u32, Fen)> {
    let mut left = payment.max(Fen::ZERO).0;
    let mut applied = Vec::new();
    for (number, amount, paid) in owing {
        let share = left.min((amount.0 - paid.0).max(0));
        if share > 0 {
            applied.push((*number, Fen(share)));
            left -= share;
        }
    }
    applied
}

/// How an overpayment is settled for a retiree of an employer outside
/// socialised management who died or was sentenced without being reported
/// (R7.4): deducted first from the funeral grant, then from the survivor
/// pension; what remains is the employer's to recover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Deduction {
    /// Deducted from the funeral grant (丧葬费).
    pub from_funeral_grant: Fen,
    /// Deducted from the survivor pension (抚恤金).
    pub from_survivor_pension: Fen,
    /// What the employer must recover.
    pub remainder_for_employer: Fen,
}

/// Splits an overpayment over the funeral grant and survivor pension (R7.4).
pub fn deduct_from_survivor_benefits(overpaid: Fen, funeral_grant: Fen, survivor_pension: Fen) -> Deduction {
    let owed = overpaid.max(Fen::ZERO);
    let from_funeral_grant = owed.min(funeral_grant.max(Fen::ZERO));
    let after_funeral = Fen(owed.0 - from_funeral_grant.0);
    let from_survivor_pension = after_funeral.min(survivor_pension.max(Fen::ZERO));
    Deduction { from_funeral_grant, from_survivor_pension, remainder_for_employer: Fen(after_funeral.0 - from_survivor_pension.0) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    #[test]
    fn parses_yuan_exactly() {
        let cases = [("2350", 235000), ("2350.5", 235050), ("2350.50", 235050), ("0.01", 1), (" 12.30 ", 1230)];
        for (text, fen) in cases {
            assert_eq!(Fen::parse_yuan(text).unwrap(), Fen(fen), "{text}");
        }
        for bad in ["", "1,000", "12.345", "abc", "1.", ".5", "1e3", "99999999999999999999"] {
            assert!(Fen::parse_yuan(bad).is_err(), "{bad}");
        }
        assert_eq!(Fen(235050).to_string(), "2350.50");
        assert_eq!(Fen(-5).to_string(), "-0.05");
    }

    #[test]
    fn r7_2_back_pay_covers_every_withheld_month() {
        let monthly = Fen(300000);
        assert_eq!(back_pay(monthly, ym(2026, 3), ym(2026, 6)).unwrap(), Fen(900000));
        assert_eq!(back_pay(monthly, ym(2025, 11), ym(2026, 2)).unwrap(), Fen(900000), "across a year end");
        assert_eq!(back_pay(monthly, ym(2026, 3), ym(2026, 3)).unwrap(), Fen::ZERO);
    }

    #[test]
    fn r7_5_a_payment_covers_the_oldest_instalments_first() {
        let owing = [(1, Fen(300), Fen(300)), (2, Fen(300), Fen(100)), (3, Fen(300), Fen(0))];
        assert_eq!(allocate(Fen(250), &owing), [(2, Fen(200)), (3, Fen(50))]);
        assert_eq!(allocate(Fen(0), &owing), []);
        assert_eq!(allocate(Fen(10_000), &owing), [(2, Fen(200)), (3, Fen(300))], "never more than owed");
    }

    #[test]
    fn r7_3_r9_3_refund_deadlines_blacklist_states_and_the_first_payroll_month() {
        assert_eq!(refund_deadline(d(2026, 11, 20), 30), Some(d(2026, 12, 20)));
        assert_eq!(refund_deadline(d(2026, 11, 20), 6), None, "at least a week");
        assert_eq!(refund_deadline(d(2026, 11, 20), 91), None);
        assert_eq!(first_payroll_month(d(2026, 12, 31)), ym(2027, 1), "takes effect next month");
        let cases = [
            (Blacklist::Off, BlacklistDecision::List, Some(Blacklist::On)),
            (Blacklist::On, BlacklistDecision::List, None),
            (Blacklist::On, BlacklistDecision::Lift, Some(Blacklist::Off)),
            (Blacklist::Off, BlacklistDecision::Lift, None),
        ];
        for (from, decision, to) in cases {
            assert_eq!(from.after(decision), to, "{from:?} {decision:?}");
        }
        assert_eq!(Blacklist::of(Some(d(2026, 1, 1)), Some(d(2026, 2, 1))), Blacklist::Off, "lifted");
    }

    #[test]
    fn r3_6_r7_3_r7_4_overpayment_counts_months_after_the_loss() {
        let monthly = Fen(250000);
        // Died 15 March, paid through June: April, May, June overpaid.
        assert_eq!(overpayment(monthly, d(2020, 1, 1), d(2026, 3, 15), ym(2026, 6), true).unwrap(), Fen(750000));
        // Not entitled through the loss month: March too.
        assert_eq!(overpayment(monthly, d(2020, 1, 1), d(2026, 3, 15), ym(2026, 6), false).unwrap(), Fen(1000000));
        // Stopped in time: nothing overpaid.
        assert_eq!(overpayment(monthly, d(2020, 1, 1), d(2026, 3, 15), ym(2026, 3), true).unwrap(), Fen::ZERO);
        assert_eq!(overpayment(monthly, d(2020, 1, 1), d(2026, 3, 15), ym(2026, 1), true).unwrap(), Fen::ZERO);
        // A loss dated years before the benefit began (a mistyped year):
        // only the months actually paid, from the start, are overpaid.
        assert_eq!(overpayment(monthly, d(2026, 5, 1), d(2016, 3, 15), ym(2026, 6), true).unwrap(), Fen(500000));
    }

    #[test]
    fn r7_5_instalments_are_equal_with_the_remainder_last() {
        let plan = instalment_plan(Fen(100001), 3, d(2026, 1, 31)).unwrap();
        let amounts: Vec<i64> = plan.iter().map(|i| i.amount.as_i64()).collect();
        assert_eq!(amounts, vec![33333, 33333, 33335]);
        let dues: Vec<NaiveDate> = plan.iter().map(|i| i.due_on).collect();
        assert_eq!(dues, vec![d(2026, 1, 31), d(2026, 2, 28), d(2026, 3, 31)], "month-end clamped");
        assert_eq!(instalment_plan(Fen(5), 0, d(2026, 1, 1)), Err(PlanError::NoInstalments));
        assert_eq!(instalment_plan(Fen(0), 2, d(2026, 1, 1)), Err(PlanError::NothingToRepay));
        assert!(instalment_plan(Fen(2), 3, d(2026, 1, 1)).is_err());
    }

    #[test]
    fn r7_6_missed_instalments_are_detected() {
        let plan = instalment_plan(Fen(30000), 3, d(2026, 1, 10)).unwrap();
        let paid_first = [(d(2026, 1, 9), Fen(10000))];
        assert_eq!(missed_instalments(&plan, &paid_first, d(2026, 2, 11)), vec![2]);
        assert_eq!(missed_instalments(&plan, &paid_first, d(2026, 2, 10)), Vec::<u32>::new(), "due today is not missed");
        let paid_late = [(d(2026, 1, 9), Fen(10000)), (d(2026, 2, 20), Fen(10000))];
        assert_eq!(missed_instalments(&plan, &paid_late, d(2026, 4, 1)), vec![2, 3]);
        let lump = [(d(2026, 1, 1), Fen(30000))];
        assert!(missed_instalments(&plan, &lump, d(2027, 1, 1)).is_empty());
    }

    #[test]
    fn r7_4_deduction_order_funeral_then_survivor_then_employer() {
        let cases =
            [(500, 300, 100, (300, 100, 100)), (200, 300, 100, (200, 0, 0)), (350, 300, 100, (300, 50, 0)), (0, 300, 100, (0, 0, 0))];
        for (owed, funeral, survivor, (f, s, r)) in cases {
            let got = deduct_from_survivor_benefits(Fen(owed), Fen(funeral), Fen(survivor));
            assert_eq!(got, Deduction { from_funeral_grant: Fen(f), from_survivor_pension: Fen(s), remainder_for_employer: Fen(r) });
        }
    }

    #[test]
    fn year_month_arithmetic() {
        assert_eq!(ym(2026, 12).plus(1), ym(2027, 1));
        assert_eq!(ym(2026, 1).plus(-1), ym(2025, 12));
        assert_eq!(ym(2024, 2).last_day(), d(2024, 2, 29));
        assert_eq!("2026-03".parse::<YearMonth>().unwrap(), ym(2026, 3));
        assert!("2026-13".parse::<YearMonth>().is_err());
    }

    proptest! {
        #[test]
        fn instalments_always_sum_to_the_total(total in 1i64..10_000_000, count in 1u32..60) {
            prop_assume!(total >= i64::from(count));
            let plan = instalment_plan(Fen(total), count, d(2026, 5, 31)).unwrap();
            prop_assert_eq!(plan.iter().map(|i| i.amount.as_i64()).sum::<i64>(), total);
            prop_assert_eq!(plan.len() as u32, count);
        }

        #[test]
        fn yuan_round_trips(fen in 0i64..1_000_000_000_000) {
            prop_assert_eq!(Fen::parse_yuan(&Fen(fen).to_string()).unwrap(), Fen(fen));
        }

        #[test]
        fn deduction_conserves_the_amount(owed in 0i64..1_000_000, f in 0i64..1_000_000, s in 0i64..1_000_000) {
            let got = deduct_from_survivor_benefits(Fen(owed), Fen(f), Fen(s));
            prop_assert_eq!(got.from_funeral_grant.0 + got.from_survivor_pension.0 + got.remainder_for_employer.0, owed);
        }
    }
}
