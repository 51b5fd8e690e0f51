//! Files attached to a field outcome (R6.4: photos, videos, the roster or
//! sign-in sheet), sent as base64 in JSON. Parsed once: the declared type
//! must be what the bytes are, and each file and the set are size-limited.

use base64::Engine;
use serde::Deserialize;

/// The largest file, decoded.
pub const MAX_FILE_BYTES: usize = 5 << 20;
/// The most files on one outcome.
pub const MAX_FILES: usize = 5;

/// A file as it arrives.
#[derive(Debug, Deserialize)]
pub struct Upload {
    /// The name the file had, for the clerk.
    pub file_name: String,
    /// The declared content type.
    pub content_type: String,
    /// The bytes, base64 (standard alphabet).
    pub data_base64: String,
}

/// A file whose type and size were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The name, at most 100 characters, without path separators.
    pub file_name: String,
    /// One of the accepted types, matching the bytes.
    pub content_type: &'static str,
    /// The bytes.
    pub data: Vec<u8>,
}

/// The types accepted, the extension a stored file gets, and how their
/// bytes begin.
type Kind = (&'static str, &'static str, fn(&[u8]) -> bool);
const TYPES: [Kind; 6] = [
    ("image/jpeg", ".jpg", |d| d.starts_with(&[0xFF, 0xD8, 0xFF])),
    ("image/png", ".png", |d| d.starts_with(b"\x89PNG\r\n\x1a\n")),
    ("image/webp", ".webp", |d| d.len() >= 12 && &d[..4] == b"RIFF" && &d[8..12] == b"WEBP"),
    ("video/mp4", ".mp4", |d| d.len() >= 8 && &d[4..8] == b"ftyp"),
    ("application/pdf", ".pdf", |d| d.starts_with(b"%PDF-")),
    // A roster or sign-in sheet: text, no control bytes.
    ("text/csv", ".csv", |d| std::str::from_utf8(d).is_ok_and(|t| !t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')))),
];

/// Whether `data` is what `content_type` says, for every file anyone uploads.
pub fn matches_bytes(content_type: &str, data: &[u8]) -> bool {
    TYPES.iter().any(|(t, _, matches)| *t == content_type && matches(data))
}

/// The extension a stored file of `content_type` is archived with: never
/// the uploader's own file name, which may name a person.
pub fn extension(content_type: &str) -> &'static str {
    TYPES.iter().find(|(t, ..)| *t == content_type).map_or(".bin", |(_, ext, _)| ext)
}

/// Why a file was refused, in words for the clerk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

fn refused(zh: impl Into<String>, en: impl Into<String>) -> Refused {
    Refused { zh: zh.into(), en: en.into() }
}

impl Attachment {
    /// Checks one upload.
    pub fn parse(upload: &Upload) -> Result<Self, Refused> {
        let name = upload.file_name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.contains(['/', '\\', '\0']) {
            return Err(refused("文件名有误（100字以内，不含路径）", "file_name: up to 100 characters, no path"));
        }
        let Some((content_type, _, matches)) = TYPES.iter().find(|(t, ..)| *t == upload.content_type) else {
            return Err(refused("只接受照片、视频、PDF或CSV文件", format!("content_type: one of {}", TYPES.map(|(t, ..)| t).join(", "))));
        };
        if upload.data_base64.len() > MAX_FILE_BYTES / 3 * 4 + 4 {
            return Err(refused("单个文件不得超过5MB", "each file: at most 5 MiB"));
        }
        let data = base64::engine::general_purpose::STANDARD
            .decode(upload.data_base64.trim())
            .map_err(|_| refused("文件内容不是有效的base64编码", "data_base64: not valid base64"))?;
        if data.is_empty() || data.len() > MAX_FILE_BYTES {
            return Err(refused("文件为空或超过5MB", "each file: 1 byte to 5 MiB"));
        }
        if !matches(&data) {
            return Err(refused(format!("文件内容与类型{content_type}不符"), format!("the bytes are not {content_type}")));
        }
        Ok(Self { file_name: name.to_string(), content_type, data })
    }

    /// Checks a set of uploads: at most [`MAX_FILES`], each as [`Attachment::parse`].
    pub fn parse_all(uploads: &[Upload]) -> Result<Vec<Self>, (usize, Refused)> {
        if uploads.len() > MAX_FILES {
            return Err((MAX_FILES, refused("每次最多上传5个文件", "files: at most 5")));
        }
        uploads.iter().enumerate().map(|(i, u)| Self::parse(u).map_err(|e| (i, e))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(name: &str, content_type: &str, data: &[u8]) -> Upload {
        Upload {
            file_name: name.into(),
            content_type: content_type.into(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(data),
        }
    }

    #[test]
    fn declared_types_must_match_the_bytes() {
        let cases: [(&str, &[u8], bool); 8] = [
            ("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0, 1], true),
            ("image/png", b"\x89PNG\r\n\x1a\n....", true),
            ("image/webp", b"RIFF\0\0\0\0WEBPVP8 ", true),
            ("video/mp4", b"\0\0\0\x18ftypmp42", true),
            ("application/pdf", b"%PDF-1.7", true),
            ("text/csv", "身份证号\n650102\n".as_bytes(), true),
            ("image/jpeg", b"%PDF-1.7", false),
            ("text/csv", b"\x00\x01binary", false),
        ];
        for (content_type, data, ok) in cases {
            assert_eq!(Attachment::parse(&upload("a", content_type, data)).is_ok(), ok, "{content_type}");
        }
    }

    #[test]
    fn stored_files_get_an_extension_from_their_type_not_their_name() {
        assert_eq!((extension("image/jpeg"), extension("text/csv"), extension("x/unknown")), (".jpg", ".csv", ".bin"));
        assert!(matches_bytes("image/png", b"\x89PNG\r\n\x1a\n.."));
        assert!(!matches_bytes("image/png", &[0xFF, 0xD8, 0xFF]));
    }

    #[test]
    fn names_types_sizes_and_counts_are_limited() {
        assert!(Attachment::parse(&upload("../etc/passwd", "text/csv", b"x")).is_err());
        assert!(Attachment::parse(&upload("a.exe", "application/x-msdownload", b"MZ")).is_err());
        assert!(Attachment::parse(&upload("empty.csv", "text/csv", b"")).is_err());
        let big = vec![0xFF; MAX_FILE_BYTES + 1];
        assert!(Attachment::parse(&upload("big.jpg", "image/jpeg", &big)).is_err());
        let six: Vec<Upload> = (0..6).map(|i| upload(&format!("{i}.csv"), "text/csv", b"x")).collect();
        assert_eq!(Attachment::parse_all(&six).err().map(|(i, _)| i), Some(MAX_FILES));
        let bad = Upload { file_name: "a.csv".into(), content_type: "text/csv".into(), data_base64: "***".into() };
        assert!(Attachment::parse(&bad).is_err());
    }
}
