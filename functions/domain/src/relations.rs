//! Who a person's relations and helpers are (R3.1, R5.6, R6.3, R7.2), each
//! named in Chinese, Uyghur and English.

use crate::names::CodeName;

/// The family relations staff may register or record (R3.1, R5.6, R7.2).
pub const FAMILY: [CodeName; 5] = [
    CodeName::new("spouse", ["配偶", "جورىسى", "Spouse"]),
    CodeName::new("child", ["子女", "پەرزەنتى", "Child"]),
    CodeName::new("parent", ["父母", "ئاتا-ئانىسى", "Parent"]),
    CodeName::new("sibling", ["兄弟姐妹", "ئاكا-ئۇكىسى ياكى ئاچا-سىڭلىسى", "Sibling"]),
    CodeName::new("grandchild", ["孙子女", "نەۋرىسى", "Grandchild"]),
];

/// Helpers at a face check who are not family (R6.3).
pub const OTHER_HELPERS: [CodeName; 2] = [
    CodeName::new("community_worker", ["社区工作人员", "مەھەللە خادىمى", "Community worker"]),
    CodeName::new("volunteer", ["志愿者", "پىدائىي", "Volunteer"]),
];

/// A survivor who depended on a deceased worker, as the roster links them
/// (work-injury survivor benefits).
pub const DEPENDANT: CodeName = CodeName::new("depends_on_deceased_worker", ["供养关系人", "بېقىلىدىغان تۇغقىنى", "Dependant"]);

/// Every relation a stored record may carry.
pub fn all() -> impl Iterator<Item = CodeName> {
    FAMILY.into_iter().chain(OTHER_HELPERS).chain([DEPENDANT])
}
