//! Resident identity numbers (公民身份号码, GB 11643-1999) and the 18-digit
//! permits that share their format: residence permits for Hong Kong, Macao and
//! Taiwan residents (810000 / 820000 / 830000) and the foreigners'
//! permanent-residence ID (first digit 9).

use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// A checked 18-character identity number, upper-case `X` as its check
/// character where it has one.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

/// Why an identity number was refused. Each variant reads as a sentence for a
/// clerk and maps to a stable code for APIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdNumberError {
    /// Neither 15 nor 18 characters after trimming.
    WrongLength(usize),
    /// A character other than a digit (or `X` as the 18th).
    NotDigits,
    /// The first two digits are not a province-level division, a permit prefix
    /// or the foreigners' prefix 9.
    UnknownRegion(String),
    /// The embedded birth date is not a real date, or lies in the future of
    /// any sensible record (before 1880 or after 2100).
    BadBirthDate(String),
    /// The ISO 7064 MOD 11-2 check character does not match.
    BadCheckCharacter {
        /// What the first 17 digits call for.
        expected: char,
        /// What was given.
        found: char,
    },
}

impl IdNumberError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongLength(_) => "id_wrong_length",
            Self::NotDigits => "id_not_digits",
            Self::UnknownRegion(_) => "id_unknown_region",
            Self::BadBirthDate(_) => "id_bad_birth_date",
            Self::BadCheckCharacter { .. } => "id_bad_check_character",
        }
    }

    /// The reason in Chinese, for the person at the counter.
    pub fn message_zh(&self) -> String {
        match self {
            Self::WrongLength(n) => format!("身份号码应为18位（或15位旧号码），实际为{n}位"),
            Self::NotDigits => "身份号码只能包含数字，最后一位可以是X".into(),
            Self::UnknownRegion(r) => format!("身份号码前两位“{r}”不是有效的地区代码"),
            Self::BadBirthDate(d) => format!("身份号码中的出生日期“{d}”不存在"),
            Self::BadCheckCharacter { .. } => "身份号码校验位不正确，请核对是否输错".into(),
        }
    }
}

impl fmt::Display for IdNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongLength(n) => write!(f, "an ID number has 18 characters (or 15 in the legacy form), not {n}"),
            Self::NotDigits => write!(f, "an ID number has only digits, with X allowed as the last character"),
            Self::UnknownRegion(r) => write!(f, "\"{r}\" is not a valid region prefix"),
            Self::BadBirthDate(d) => write!(f, "the birth date \"{d}\" does not exist"),
            Self::BadCheckCharacter { expected, found } => {
                write!(f, "the check character is {found} but should be {expected}: a digit was probably mistyped")
            }
        }
    }
}

impl std::error::Error for IdNumberError {}

/// Province-level division codes (GB/T 2260), the permit prefixes 81/82/83 and
/// the foreigners' permanent-residence prefix 9x.
fn region_is_known(prefix: &str) -> bool {
    const PROVINCES: [&str; 34] = [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50",
        "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
    ];
    PROVINCES.contains(&prefix) || prefix == "83" || prefix.starts_with('9')
}

/// ISO 7064 MOD 11-2 check character over the first 17 digits.
fn check_character(first17: &[u8]) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHARS[(sum % 11) as usize]
}

fn birth_date(digits8: &str) -> Result<NaiveDate, IdNumberError> {
    let bad = || IdNumberError::BadBirthDate(digits8.to_string());
    let date = NaiveDate::parse_from_str(digits8, "%Y%m%d").map_err(|_| bad())?;
    let year = chrono::Datelike::year(&date);
    if !(1880..=2100).contains(&year) {
        return Err(bad());
    }
    Ok(date)
}

impl IdNumber {
    /// Parses an 18-character number, or a 15-digit legacy number which is
    /// converted to 18 (century 19 inserted, check character appended).
    /// Surrounding whitespace is ignored and a lower-case `x` accepted.
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        let text = input.trim().to_ascii_uppercase();
        match text.len() {
            18 => Self::parse18(&text),
            15 => {
                if !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(IdNumberError::NotDigits);
                }
                let first17 = format!("{}19{}", &text[..6], &text[6..15]);
                let check = check_character(first17.as_bytes());
                Self::parse18(&format!("{first17}{check}"))
            }
            _ => Err(IdNumberError::WrongLength(text.chars().count())),
        }
    }

    fn parse18(text: &str) -> Result<Self, IdNumberError> {
        let bytes = text.as_bytes();
        let body_ok = bytes[..17].iter().all(u8::is_ascii_digit);
        let last = bytes[17];
        if !body_ok || !(last.is_ascii_digit() || last == b'X') {
            return Err(IdNumberError::NotDigits);
        }
        if !region_is_known(&text[..2]) {
            return Err(IdNumberError::UnknownRegion(text[..2].to_string()));
        }
        birth_date(&text[6..14])?;
        let expected = check_character(&bytes[..17]);
        if expected != char::from(last) {
            return Err(IdNumberError::BadCheckCharacter { expected, found: char::from(last) });
        }
        Ok(Self(text.to_string()))
    }

    /// The full number. Handle with care: never log it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit administrative division code of registration.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    /// The birth date embedded in the number.
    pub fn birth_date(&self) -> NaiveDate {
        // The constructor has already checked that these digits form a date.
        birth_date(&self.0[6..14]).expect("checked by the constructor")
    }

    /// The number for display with the first six and last four characters
    /// kept: `650102********123X`.
    pub fn masked(&self) -> String {
        self.masked_keeping(6, 4)
    }

    /// The number for display keeping `head` leading and `tail` trailing
    /// characters; the rest becomes `*`.
    pub fn masked_keeping(&self, head: usize, tail: usize) -> String {
        let n = self.0.len();
        if head + tail >= n {
            return "*".repeat(n);
        }
        format!("{}{}{}", &self.0[..head], "*".repeat(n - head - tail), &self.0[n - tail..])
    }

    /// A keyed blind index (HMAC-SHA256, lower-case hex) so the database can
    /// find a person by number without storing the number in clear.
    pub fn blind_index(&self, key: &[u8]) -> String {
        blind_index(key, self.0.as_bytes())
    }
}

/// HMAC-SHA256 of `data` under `key`, as lower-case hex. Used for blind
/// indexes of identity numbers and phone numbers.
pub fn blind_index(key: &[u8], data: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

impl fmt::Debug for IdNumber {
    /// Debug output is masked so that a stray `{:?}` never leaks a number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl std::str::FromStr for IdNumber {
    type Err = IdNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for IdNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for IdNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Builds a valid number from a 17-digit body by appending its check
/// character; for generating test data and synthetic cities.
pub fn with_check_character(first17: &str) -> Result<IdNumber, IdNumberError> {
    if first17.len() != 17 {
        return Err(IdNumberError::WrongLength(first17.len() + 1));
    }
    if !first17.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdNumberError::NotDigits);
    }
    let check = check_character(first17.as_bytes());
    IdNumber::parse(&format!("{first17}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_valid_numbers_of_every_kind() {
        let cases = [
            ("11010519491231002X", "mainland, X check"),
            ("650102198001011234", "Urumqi Tianshan"),
            ("810000199408230021", "Hong Kong residence permit"),
            ("830000199201300022", "Taiwan residence permit"),
        ];
        for (text, what) in cases {
            let first17 = &text[..17];
            let valid = with_check_character(first17).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(IdNumber::parse(valid.as_str()).unwrap(), valid, "{what}");
        }
        assert!(IdNumber::parse("11010519491231002X").is_ok());
        assert!(IdNumber::parse(" 11010519491231002x ").is_ok(), "lower-case x and spaces");
    }

    #[test]
    fn rejects_with_a_reason() {
        let cases: [(&str, &str); 6] = [
            ("1234", "id_wrong_length"),
            ("11010519491231002Y", "id_not_digits"),
            ("1101051949123100X2", "id_not_digits"),
            ("001051194912310028", "id_unknown_region"),
            ("110105194902300021", "id_bad_birth_date"),
            ("110105194912310021", "id_bad_check_character"),
        ];
        for (text, code) in cases {
            let err = IdNumber::parse(text).expect_err(text);
            assert_eq!(err.code(), code, "{text}: {err}");
            assert!(!err.message_zh().is_empty());
        }
    }

    #[test]
    fn legacy_15_digit_numbers_become_18() {
        // 15-digit: region 110105, birth 491231, sequence 002.
        let id = IdNumber::parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
    }

    #[test]
    fn masking_keeps_head_and_tail_only() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(id.masked_keeping(3, 1), "110**************X");
        assert!(!format!("{id:?}").contains("19491231"), "Debug must not leak the number");
    }

    #[test]
    fn blind_index_is_keyed_and_stable() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.blind_index(b"k1"), id.blind_index(b"k1"));
        assert_ne!(id.blind_index(b"k1"), id.blind_index(b"k2"));
        assert_eq!(id.blind_index(b"k1").len(), 64);
    }

    proptest! {
        #[test]
        fn any_single_digit_typo_is_caught(pos in 0usize..17, delta in 1u8..10) {
            let id = IdNumber::parse("65010219800101123X").or_else(|_| with_check_character("65010219800101123")).unwrap();
            let mut bytes = id.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&typo).is_err());
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,24}") {
            let _ = IdNumber::parse(&s);
        }
    }
}
