//! The choices and states of case work as the API writes them: the city's
//! review of an outcome (R7.1), home visits (R6.3), recovery cases and what
//! is paid into them (R7.3–R7.5), reports (R9.1) and imports of partner
//! files (R5.1), each named in Chinese, Uyghur and English.

use crate::audit::Badge;
use crate::names::CodeName;

/// What the city may do with a district's outcome (R7.1).
pub const REVIEW_ACTIONS: [CodeName; 3] = [
    CodeName::new("confirm", ["确认生效", "جەزملەپ كۈچكە ئىگە قىلىش", "Confirm"]),
    CodeName::new("send_back", ["退回重新核实", "قايتۇرۇپ قايتا ئېنىقلىتىش", "Send back to re-verify"]),
    CodeName::new("certify", ["改判为符合条件", "شەرتكە توشىدۇ دەپ ئۆزگەرتىپ بېكىتىش", "Overrule as eligible"]),
];

/// What became of a reviewed outcome (R7.1).
pub const REVIEW_RESULTS: [CodeName; 3] = [
    CodeName::new("confirmed", ["已确认", "جەزملەندى", "Confirmed"]),
    CodeName::new("sent_back", ["已退回", "قايتۇرۇلدى", "Sent back"]),
    CodeName::new("overridden", ["已改判", "ئۆزگەرتىپ بېكىتىلدى", "Overruled"]),
];

/// Where a home-visit request stands (R6.3).
pub const HOME_VISIT_STATUSES: [CodeName; 3] = [
    CodeName::new("open", ["待安排", "ئورۇنلاشتۇرۇلمىغان", "To arrange"]),
    CodeName::new("scheduled", ["已安排", "ئورۇنلاشتۇرۇلدى", "Scheduled"]),
    CodeName::new("done", ["已完成", "تاماملاندى", "Done"]),
];

/// A status with the badge the console shows it with; served as the
/// code's names with `badge` beside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct BadgedStatus {
    /// The status's code and names.
    #[serde(flatten)]
    pub name: CodeName,
    /// The badge the console shows it with.
    pub badge: Badge,
}

impl BadgedStatus {
    const fn new(code: &'static str, names: [&'static str; 3], badge: Badge) -> Self {
        Self { name: CodeName::new(code, names), badge }
    }
}

/// Where a line of the verification ledger (R5.4: a task open or closed)
/// or of the service ledger (R6.3: a home visit open, scheduled or done)
/// stands, as the ledgers and their exports show it.
pub const LEDGER_STATUSES: [BadgedStatus; 4] = [
    BadgedStatus::new("open", ["办理中", "بېجىرىلىۋاتىدۇ", "In progress"], Badge::Warn),
    BadgedStatus::new("scheduled", ["已预约", "ۋاقتى بېكىتىلدى", "Booked"], Badge::Warn),
    BadgedStatus::new("done", ["已办结", "بېجىرىلىپ بولدى", "Closed"], Badge::Ok),
    BadgedStatus::new("closed", ["已办结", "بېجىرىلىپ بولدى", "Closed"], Badge::Ok),
];

/// Where a recovery case stands (R7.3).
pub const RECOVERY_STATUSES: [CodeName; 3] = [
    CodeName::new("open", ["追回中", "قايتۇرۇۋېلىنىۋاتىدۇ", "Being recovered"]),
    CodeName::new("recovered", ["已追回", "قايتۇرۇۋېلىندى", "Recovered"]),
    CodeName::new("withdrawn", ["已撤销", "بىكار قىلىندى", "Withdrawn"]),
];

/// How money came into a recovery case (R7.3–R7.5).
pub const RECOVERY_PAYMENTS: [CodeName; 4] = [
    CodeName::new("refund", ["退款", "پۇل قايتۇرۇش", "Refund"]),
    CodeName::new("instalment", ["分期还款", "بۆلۈپ قايتۇرۇش", "Instalment"]),
    CodeName::new("deduction", ["抵扣", "تۇتۇپ قېلىش", "Deduction"]),
    CodeName::new("payment", ["缴款", "پۇل تاپشۇرۇش", "Payment"]),
];

/// What a report is about (R9.1).
pub const REPORT_KINDS: [CodeName; 2] = [
    CodeName::new("improper_receipt", ["违规领取", "قائىدىگە خىلاپ ئېلىش", "Improper receipt"]),
    CodeName::new("staff_misconduct", ["工作人员违纪", "خادىملارنىڭ ئىنتىزامغا خىلاپلىق قىلىشى", "Staff misconduct"]),
];

/// Where a report stands (R9.1): received, then investigated, then closed.
pub const REPORT_STATUSES: [CodeName; 3] = [
    CodeName::new("received", ["已受理", "قوبۇل قىلىندى", "Received"]),
    CodeName::new("investigating", ["调查中", "تەكشۈرۈلۈۋاتىدۇ", "Under investigation"]),
    CodeName::new("closed", ["已办结", "بېجىرىلىپ بولدى", "Closed"]),
];

/// What became of one record of a partner's file (R5.1).
pub const IMPORT_OUTCOMES: [CodeName; 4] = [
    CodeName::new("applied", ["已入库", "ساندانغا كىرگۈزۈلدى", "Applied"]),
    CodeName::new("duplicate", ["重复", "تەكرار", "Duplicate"]),
    CodeName::new("unmatched", ["未匹配到人员", "ماس كېلىدىغان كىشى تېپىلمىدى", "No matching person"]),
    CodeName::new("rejected", ["拒收", "قوبۇل قىلىنمىدى", "Rejected"]),
];

/// Where an import of a partner's file stands (R5.1).
pub const IMPORT_STATUSES: [CodeName; 2] =
    [CodeName::new("running", ["处理中", "بىر تەرەپ قىلىنىۋاتىدۇ", "Processing"]), CodeName::new("done", ["已完成", "تاماملاندى", "Done"])];
