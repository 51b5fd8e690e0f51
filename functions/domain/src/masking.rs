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

#[cfg(test)]
mod tests {
    use super::*;

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
