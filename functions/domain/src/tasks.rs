//! What a task in a staff queue asks for (R5.4, R6, R7), and why a home
//! visit is asked for (R6.3), each named in Chinese, Uyghur and English.

use crate::names::CodeName;

/// The kind of a verification task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskKind {
    /// The cycle ended without a certification (R5.4).
    CycleLapsed,
    /// The city dispatched the to-be-verified list (R6.1).
    Dispatched,
    /// A partner reported a loss of eligibility (R5.2).
    Loss,
    /// The national monitoring system flagged the person (R5.2).
    MonitoringFlag,
    /// Records contradict each other (R5.4).
    Conflict,
    /// A death reported by someone other than a partner (R5.6, R6.5).
    DeathReport,
    /// The person objected to a suspension (R7.2).
    Objection,
    /// A partner retracted a record (R5.4).
    Retraction,
    /// The city sent a district's outcome back (R7.1).
    SentBack,
    /// The person certified while suspended (R7.2).
    AfterCertification,
    /// A home visit (R6.3).
    HomeVisit,
    /// A certification at the window or by video (R5.5, R6.2).
    AtDesk,
    /// A termination to file (R7.2).
    FileTermination,
}

/// The names of [`TaskKind`]s, in the order of its variants.
const TASK_KINDS: [CodeName; 13] = [
    CodeName::new(
        "verify_cycle_lapsed",
        ["认证期满未认证", "دەلىللەش مۆھلىتى توشقۇچە دەلىللەنمىگەن", "Not certified by the end of the period"],
    ),
    CodeName::new("verify_dispatched", ["市级下发待核实", "شەھەر تارقاتقان، ئېنىقلىنىدىغان", "Sent by the city to verify"]),
    CodeName::new("verify_loss", ["丧失资格信息核实", "سالاھىيەتتىن ئايرىلىش ئۇچۇرىنى ئېنىقلاش", "Verify loss-of-eligibility information"]),
    CodeName::new(
        "verify_monitoring_flag",
        ["联网监测疑点核实", "تورلاشقان كۆزىتىشتىكى گۇمانلىق ئەھۋالنى ئېنىقلاش", "Verify a monitoring flag"],
    ),
    CodeName::new("verify_conflict", ["记录矛盾核实", "بىر-بىرىگە زىت خاتىرىلەرنى ئېنىقلاش", "Verify conflicting records"]),
    CodeName::new("verify_death_report", ["申报死亡核实", "مەلۇم قىلىنغان ۋاپاتنى ئېنىقلاش", "Verify a reported death"]),
    CodeName::new("reverify_objection", ["异议重新核实", "ئىتىراز سەۋەبىدىن قايتا ئېنىقلاش", "Re-verify after an objection"]),
    CodeName::new(
        "reverify_retraction",
        ["撤回记录重新核实", "خاتىرە قايتۇرۇۋېلىنغانلىقى سەۋەبىدىن قايتا ئېنىقلاش", "Re-verify after a retraction"],
    ),
    CodeName::new("reverify_sent_back", ["市级退回重新核实", "شەھەر قايتۇرغان، قايتا ئېنىقلاش", "Sent back by the city to re-verify"]),
    CodeName::new(
        "reverify_after_certification",
        [
            "暂停期间已认证，核实后恢复",
            "توختىتىلغان مەزگىلدە دەلىللەندى، ئېنىقلاپ ئەسلىگە كەلتۈرۈش",
            "Certified while suspended: verify, then resume",
        ],
    ),
    CodeName::new("home_visit", ["上门服务核实", "ئۆيگە بېرىپ مۇلازىمەت قىلىش ئارقىلىق ئېنىقلاش", "Verify on a home visit"]),
    CodeName::new("certify_at_desk", ["窗口或视频认证", "كۆزنەكتە ياكى سىنلىق ئالاقە ئارقىلىق دەلىللەش", "Window or video certification"]),
    CodeName::new("file_termination", ["停发归档", "تەمىنات توختىتىلغانلىقىنى ئارخىپقا ئېلىش", "File the termination"]),
];

impl TaskKind {
    /// Every kind.
    pub const ALL: [TaskKind; 13] = [
        Self::CycleLapsed,
        Self::Dispatched,
        Self::Loss,
        Self::MonitoringFlag,
        Self::Conflict,
        Self::DeathReport,
        Self::Objection,
        Self::Retraction,
        Self::SentBack,
        Self::AfterCertification,
        Self::HomeVisit,
        Self::AtDesk,
        Self::FileTermination,
    ];

    /// The code and its names.
    pub fn code_name(self) -> CodeName {
        TASK_KINDS[self as usize]
    }

    /// The stable code, as tasks are stored.
    pub fn code(self) -> &'static str {
        self.code_name().code
    }

    /// The kind stored under `code`, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl std::fmt::Display for TaskKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a home visit is asked for (R6.3: 高龄、疾病、残疾 or another reason).
pub const VISIT_REASONS: [CodeName; 4] = [
    CodeName::new("very_old", ["高龄", "يېشى چوڭ", "Very old"]),
    CodeName::new("illness", ["疾病", "كېسەل", "Illness"]),
    CodeName::new("disability", ["残疾", "مېيىپلىك", "Disability"]),
    CodeName::new("other", ["其他", "باشقا", "Other"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_own_code_and_names() {
        let codes: std::collections::BTreeSet<_> = TaskKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), TaskKind::ALL.len());
        for kind in TaskKind::ALL {
            assert!(!kind.code_name().name_ug.is_empty() && !kind.code_name().name_en.is_empty());
            assert_eq!(TaskKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(TaskKind::from_code("no_such_kind"), None);
    }
}
