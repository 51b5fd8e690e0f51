//! The languages a person reads zige in: Chinese first, Uyghur (written
//! right to left) and English. A person's messages, status reasons and
//! notices are given in the language they chose.

use std::fmt;

/// A language a person may read zige in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// 中文, the default.
    #[default]
    Zh,
    /// ئۇيغۇرچە.
    Ug,
    /// English.
    En,
}

/// Every language, in the order the pages offer them.
pub const LANGUAGES: [Language; 3] = [Language::Zh, Language::Ug, Language::En];

/// A language code or name zige does not offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLanguage(pub String);

impl fmt::Display for UnknownLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown language {:?}: zh, ug or en", self.0)
    }
}

impl Language {
    /// The code the API and the pages use.
    pub fn code(self) -> &'static str {
        match self {
            Self::Zh => "zh",
            Self::Ug => "ug",
            Self::En => "en",
        }
    }

    /// Reads a code (`zh`, `ug`, `en`, with a region such as `zh-CN` or the
    /// older `uy`) or the language's own or Chinese name (`维吾尔语`), as
    /// agency files write it.
    pub fn parse(text: &str) -> Result<Self, UnknownLanguage> {
        let t = text.trim();
        let base = t.split(['-', '_']).next().unwrap_or(t).to_ascii_lowercase();
        match (base.as_str(), t) {
            ("zh" | "zho" | "chi", _) | (_, "中文" | "汉语" | "汉文" | "普通话") => Ok(Self::Zh),
            ("ug" | "uy" | "uig", _) | (_, "维吾尔语" | "维吾尔文" | "维语" | "ئۇيغۇرچە") => Ok(Self::Ug),
            ("en" | "eng", _) | (_, "英语" | "英文" | "English") => Ok(Self::En),
            _ => Err(UnknownLanguage(t.to_string())),
        }
    }

    /// The language's name in Chinese, as staff see it.
    pub fn name_zh(self) -> &'static str {
        self.pick("中文", "维吾尔语", "英语")
    }

    /// The language's name as a reader of `reader` reads it (the console's
    /// language list).
    pub fn name_in(self, reader: Language) -> &'static str {
        match reader {
            Self::Zh => self.name_zh(),
            Self::Ug => self.pick("خەنزۇچە", "ئۇيغۇرچە", "ئىنگلىزچە"),
            Self::En => self.pick("Chinese", "Uyghur", "English"),
        }
    }

    /// The language's name in itself, as a person picks it.
    pub fn own_name(self) -> &'static str {
        self.pick("中文", "ئۇيغۇرچە", "English")
    }

    /// Whether the language is written right to left.
    pub fn right_to_left(self) -> bool {
        self == Self::Ug
    }

    /// Picks one of three texts written for this language.
    pub fn pick<T>(self, zh: T, ug: T, en: T) -> T {
        match self {
            Self::Zh => zh,
            Self::Ug => ug,
            Self::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_as_agency_files_write_them() {
        let cases = [
            ("zh", Ok(Language::Zh)),
            ("zh-CN", Ok(Language::Zh)),
            ("中文", Ok(Language::Zh)),
            ("ug", Ok(Language::Ug)),
            ("ug-CN", Ok(Language::Ug)),
            ("uy", Ok(Language::Ug)),
            ("维吾尔语", Ok(Language::Ug)),
            ("ئۇيغۇرچە", Ok(Language::Ug)),
            (" EN ", Ok(Language::En)),
            ("English", Ok(Language::En)),
            ("kk", Err(UnknownLanguage("kk".into()))),
            ("", Err(UnknownLanguage(String::new()))),
        ];
        for (text, want) in cases {
            assert_eq!(Language::parse(text), want, "{text:?}");
        }
        for language in LANGUAGES {
            assert_eq!(Language::parse(language.code()), Ok(language));
        }
    }
}
