//! The codes of the API with their names in each language the pages read.
//! The staff console takes them from here (`GET /api/v1/codes`) rather than
//! typing the lists again.

/// A code of the API with its name in Chinese, Uyghur and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CodeName {
    /// The code as the API writes it.
    pub code: &'static str,
    /// The name in Chinese.
    pub name_zh: &'static str,
    /// The name in Uyghur.
    pub name_ug: &'static str,
    /// The name in English.
    pub name_en: &'static str,
}

/// Whether `code` is one of `table`'s codes.
pub fn is_one_of(table: &[CodeName], code: &str) -> bool {
    table.iter().any(|entry| entry.code == code)
}

impl CodeName {
    /// A code with its names in Chinese, Uyghur and English.
    pub const fn new(code: &'static str, names: [&'static str; 3]) -> Self {
        Self { code, name_zh: names[0], name_ug: names[1], name_en: names[2] }
    }
}
