//! Masking personal data for lists and messages: enough for a clerk or a
//! relative to recognise a person, not enough to identify them to others.

/// A name with every character but the first (and, for names of three or
/// more characters, the last) replaced by `*`: 张三 → 张*, 欧阳明月 → 欧**月.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_string(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// A phone number keeping its first three and last four digits:
/// 13812345678 → 138****5678. Shorter numbers keep only the last two.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let n = digits.len();
    if n >= 11 {
        format!("{}{}{}", digits[..3].iter().collect::<String>(), "*".repeat(n - 7), digits[n - 4..].iter().collect::<String>())
    } else if n > 2 {
        format!("{}{}", "*".repeat(n - 2), digits[n - 2..].iter().collect::<String>())
    } else {
        "*".repeat(n)
    }
}

/// A person's age in whole years on `today`: what staff see instead of the
/// birth date. A masked ID number hides exactly its eight birth-date digits
/// (first six and last four kept), so the birth date, or its year, beside it
/// would give the whole number back (R8.1).
pub fn age_on(birth: chrono::NaiveDate, today: chrono::NaiveDate) -> u32 {
    today.years_since(birth).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn r8_1_staff_see_an_age_in_whole_years() {
        let cases = [
            ("1950-12-01", "2026-12-01", 76),
            ("1950-12-02", "2026-12-01", 75),
            ("1952-02-29", "2026-02-28", 73),
            ("1952-02-29", "2026-03-01", 74),
            ("2026-12-01", "2026-12-01", 0),
            ("2027-01-01", "2026-12-01", 0),
        ];
        for (birth, today, age) in cases {
            assert_eq!(age_on(day(birth), day(today)), age, "{birth} on {today}");
        }
    }

    proptest! {
        /// An age is 0 within the first year of days, and fifty years and
        /// a few days later it is 50, or 51 once the birthday has passed.
        #[test]
        fn r8_1_an_age_grows_one_year_at_a_time(days in 0i64..40_000, offset in 0i64..365) {
            let birth = day("1920-01-01") + chrono::Duration::days(days);
            let today = birth + chrono::Duration::days(offset);
            prop_assert_eq!(age_on(birth, today), 0);
            let later = today + chrono::Duration::days(365 * 50 + 13);
            prop_assert!((50..=51).contains(&age_on(birth, later)), "{}", age_on(birth, later));
        }
    }

    #[test]
    fn r8_1_names_and_phones_are_masked_in_lists() {
        let names = [("张三", "张*"), ("王小明", "王*明"), ("欧阳明月", "欧**月"), ("李", "*"), ("", "")];
        for (name, masked) in names {
            assert_eq!(mask_name(name), masked);
        }
        let phones = [("13812345678", "138****5678"), ("0991-1234567", "099****4567"), ("12345", "***45")];
        for (phone, masked) in phones {
            assert_eq!(mask_phone(phone), masked);
        }
    }
}
