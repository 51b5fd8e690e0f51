//! What a person's history records (R3.1): each field whose change is kept,
//! with the old and the new value, named in Chinese, Uyghur and English.

use crate::names::CodeName;
use crate::relations::DEPENDANT;

/// The fields of a person and of their benefits whose changes the history
/// keeps (R3.1): a record's creation, what staff or a roster import change,
/// the relatives registered, and every change of payment state.
pub const FIELDS: [CodeName; 16] = [
    CodeName::new("created", ["建档", "ئارخىپ قۇرۇلدى", "Record created"]),
    // A person's own details.
    CodeName::new("name", ["姓名", "ئىسمى", "Name"]),
    CodeName::new("phone", ["手机号", "يانفون نومۇرى", "Mobile number"]),
    CodeName::new("address", ["地址", "ئادرېس", "Address"]),
    CodeName::new("residence", ["居住地类型", "تۇرۇشلۇق جاي تۈرى", "Residence type"]),
    CodeName::new("community_id", ["所在社区", "تۇرۇشلۇق مەھەللە", "Community"]),
    CodeName::new("insured_district", ["参保地", "سۇغۇرتىغا قاتناشقان جاي", "Insured district"]),
    CodeName::new("management", ["管理方式", "باشقۇرۇش شەكلى", "Management"]),
    CodeName::new("employer_id", ["管理单位（企业）", "باشقۇرغۇچى ئورۇن (كارخانا)", "Managing employer"]),
    CodeName::new("special_groups", ["特殊群体", "ئالاھىدە توپ", "Special group"]),
    CodeName::new("language", ["通知语言", "ئۇقتۇرۇش تىلى", "Notice language"]),
    CodeName::new("relatives", ["亲属关系", "تۇغقانچىلىق مۇناسىۋىتى", "Relatives"]),
    // A benefit's details and its payment state.
    CodeName::new("payment_status", ["待遇状态", "تەمىنات ھالىتى", "Benefit status"]),
    CodeName::new("monthly_amount_fen", ["月待遇", "ئايلىق تەمىنات", "Monthly benefit"]),
    CodeName::new("start_date", ["起始日期", "باشلىنىش چېسلاسى", "Start date"]),
    // The deceased worker a survivor's benefit depends on, kept as a blind index.
    CodeName::new("depends_on_index", [DEPENDANT.name_zh, DEPENDANT.name_ug, DEPENDANT.name_en]),
];
