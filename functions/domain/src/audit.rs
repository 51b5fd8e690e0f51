//! The audit trail and the monthly archives as the API writes them (R8.1,
//! R8.2): the action of every audit record, and where a district's month
//! stands in its filing, each named in Chinese, Uyghur and English.

use crate::names::CodeName;

/// The action of every audit record zige writes (R8.1), as the components
/// pass it to the audit trail; `functions/domain/tests/audit_actions.rs`
/// checks that each action written is here and each one here is written.
pub const ACTIONS: [CodeName; 88] = [
    CodeName::new("archive.bind", ["装订月度档案", "ئايلىق ئارخىپنى تۈپلەش", "Bind a month's archive"]),
    CodeName::new("archive.download", ["下载档案", "ئارخىپنى چۈشۈرۈش", "Download archive"]),
    CodeName::new("archive.verify", ["校验档案", "ئارخىپنى تەكشۈرۈش", "Check archive"]),
    // A change of payment state (R3.4, R3.5, R5.2, R7.1, R7.2), one per transition.
    CodeName::new("benefit.suspend", ["暂停发放", "تارقىتىشنى ۋاقىتلىق توختىتىش", "Suspend payment"]),
    CodeName::new("benefit.object", ["提出异议", "ئىتىراز بىلدۈرۈش", "Objection"]),
    CodeName::new("benefit.terminate", ["终止发放", "تارقىتىشنى ئاخىرلاشتۇرۇش", "Terminate payment"]),
    CodeName::new("benefit.restore", ["恢复发放", "تارقىتىشنى ئەسلىگە كەلتۈرۈش", "Resume payment"]),
    CodeName::new("benefit.reinstate", ["恢复待遇", "تەمىناتنى ئەسلىگە كەلتۈرۈش", "Reinstate"]),
    // The agency's decisions on a benefit's end (R7.2, R3.5).
    CodeName::new("benefit.termination", ["决定终止发放", "تارقىتىشنى ئاخىرلاشتۇرۇش قارارى", "Decision to terminate payment"]),
    CodeName::new(
        "benefit.reinstatement",
        [
            "纠正错误终止并恢复发放",
            "خاتا ئاخىرلاشتۇرۇشنى تۈزىتىپ تارقىتىشنى ئەسلىگە كەلتۈرۈش",
            "Correct a wrongful termination and resume payment",
        ],
    ),
    CodeName::new("calendar.load", ["载入工作日历", "خىزمەت كالېندارىنى كىرگۈزۈش", "Load work calendar"]),
    CodeName::new("certification.activity", ["活动签到认证", "پائالىيەتتە ئىمزا قويۇپ دەلىللەش", "Activity sign-in certification"]),
    CodeName::new("certification.refused", ["认证被拒", "دەلىللەش رەت قىلىندى", "Certification refused"]),
    CodeName::new("certification.self_service", ["自助认证", "ئۆزى دەلىللەش", "Self-service certification"]),
    CodeName::new(
        "certification.survey",
        ["参保登记调查表认证", "تەكشۈرۈش جەدۋىلى ئارقىلىق دەلىللەش", "Certification by enrolment survey"],
    ),
    CodeName::new("datashare.import.create", ["上传共享数据文件", "ئورتاق سانلىق مەلۇمات ھۆججىتىنى يوللاش", "Upload shared-data file"]),
    CodeName::new("datashare.import.done", ["共享数据导入完成", "ئورتاق سانلىق مەلۇماتنى كىرگۈزۈش تاماملاندى", "Shared-data import done"]),
    CodeName::new("datashare.import.results", ["下载导入结果", "كىرگۈزۈش نەتىجىسىنى چۈشۈرۈش", "Download import results"]),
    CodeName::new("datashare.rematch", ["重新匹配推送", "ئىتتىرىلگەن مەلۇماتنى قايتا ماسلاشتۇرۇش", "Rematch pushed data"]),
    CodeName::new("death.report", ["家属申报死亡", "ئائىلىسىدىكىلەرنىڭ ۋاپات مەلۇم قىلىشى", "Death reported by family"]),
    CodeName::new("death_report.retract", ["撤回死亡申报", "ۋاپات مەلۇماتىنى ئەمەلدىن قالدۇرۇش", "Retract the death report"]),
    CodeName::new("decision.record", ["登记核实结果", "ئېنىقلاش نەتىجىسىنى تىزىملاش", "Record verification result"]),
    CodeName::new("decision.review", ["市级复核", "شەھەرنىڭ قايتا تەكشۈرۈشى", "City review"]),
    CodeName::new("feed.acknowledge", ["确认接收指令", "بۇيرۇقنى تاپشۇرۇۋالغانلىقىنى جەزملەش", "Acknowledge instruction"]),
    CodeName::new("feed.read", ["读取待发消息", "ئەۋەتىلىدىغان ئۇچۇرلارنى ئوقۇش", "Read queued messages"]),
    CodeName::new("home_visit.request", ["申请上门服务", "ئۆيگە بېرىپ مۇلازىمەت قىلىشنى ئىلتىماس قىلىش", "Request a home visit"]),
    CodeName::new(
        "home_visit.merge",
        ["更新待安排的上门申请", "ئورۇنلاشتۇرۇلۇشنى كۈتۈۋاتقان ئۆيگە بېرىش ئىلتىماسىنى يېڭىلاش", "Update a waiting home-visit request"],
    ),
    CodeName::new("home_visit.schedule", ["预约上门", "ئۆيگە بېرىش ۋاقتىنى بېكىتىش", "Schedule home visit"]),
    // What became of each record of a partner's file (R5.1).
    CodeName::new("import.event.applied", ["导入记录入库", "كىرگۈزۈلگەن خاتىرە ساندانغا كىرگۈزۈلدى", "Imported record applied"]),
    CodeName::new("import.event.duplicate", ["导入记录重复", "كىرگۈزۈلگەن خاتىرە تەكرار", "Imported record was a duplicate"]),
    CodeName::new(
        "import.event.unmatched",
        ["导入记录未匹配到人员", "كىرگۈزۈلگەن خاتىرىگە ماس كېلىدىغان كىشى تېپىلمىدى", "Imported record matched no one"],
    ),
    CodeName::new("import.event.rejected", ["导入记录拒收", "كىرگۈزۈلگەن خاتىرە قوبۇل قىلىنمىدى", "Imported record rejected"]),
    CodeName::new("ledger.export", ["导出台账", "ھېسابات دەپتىرىنى چىقىرىش", "Export ledger"]),
    CodeName::new("list.export", ["导出名单", "تىزىملىكنى چىقىرىش", "Export list"]),
    CodeName::new("objection.lodge", ["登记异议", "ئېتىرازنى تىزىملاش", "Record objection"]),
    CodeName::new("org.create", ["新建机构", "يېڭى ئورگان قۇرۇش", "Create organisation"]),
    // Recovery cases as the domain opens, amends and withdraws them (R7.3).
    CodeName::new("overpayment.record", ["开立追回案件", "قايتۇرۇۋېلىش دېلوسى ئېچىش", "Open recovery case"]),
    CodeName::new("overpayment.amend", ["更正追回金额", "قايتۇرۇۋېلىش سوممىسىنى تۈزىتىش", "Amend recovery amount"]),
    CodeName::new("overpayment.withdraw", ["撤销追回案件", "قايتۇرۇۋېلىش دېلوسىنى بىكار قىلىش", "Withdraw recovery case"]),
    CodeName::new(
        "partner.create",
        ["登记数据共享单位", "سانلىق مەلۇماتنى ئورتاق ئىشلىتىدىغان ئورۇننى تىزىملاش", "Register data-sharing partner"],
    ),
    CodeName::new(
        "partner.disable",
        ["停用数据共享单位", "سانلىق مەلۇماتنى ئورتاق ئىشلىتىدىغان ئورۇننى توختىتىش", "Disable data-sharing partner"],
    ),
    CodeName::new(
        "partner.enable",
        ["启用数据共享单位", "سانلىق مەلۇماتنى ئورتاق ئىشلىتىدىغان ئورۇننى قوزغىتىش", "Enable data-sharing partner"],
    ),
    CodeName::new("partner.secret_add", ["新增密钥", "يېڭى ئاچقۇچ قوشۇش", "Add secret"]),
    CodeName::new("partner.secret_revoke", ["吊销密钥", "ئاچقۇچنى ئەمەلدىن قالدۇرۇش", "Revoke secret"]),
    CodeName::new(
        "person.language",
        ["领取人选择通知语言", "تەمىنات ئالغۇچىنىڭ ئۇقتۇرۇش تىلىنى تاللىشى", "Recipient chose notice language"],
    ),
    CodeName::new("person.relative_add", ["登记家属", "ئائىلە تەۋەسىنى تىزىملاش", "Register a relative"]),
    CodeName::new("person.update", ["修改人员信息", "كىشى ئۇچۇرىنى ئۆزگەرتىش", "Update person"]),
    CodeName::new("policy.set", ["设置认证周期", "دەلىللەش مەزگىلىنى تەڭشەش", "Set a certification cycle"]),
    CodeName::new("recipient.login", ["领取人登录", "تەمىنات ئالغۇچىنىڭ كىرىشى", "Recipient login"]),
    CodeName::new("recipient.logout", ["领取人退出", "تەمىنات ئالغۇچىنىڭ چېكىنىشى", "Recipient logout"]),
    // Recovery cases as the agency works them (R7.3–R7.6, R9.3).
    CodeName::new(
        "recovery.open",
        ["登记本机构掌握的丧失资格", "ئورگان ئىگىلىگەن سالاھىيەتتىن مەھرۇم بولۇش ئەھۋالىنى تىزىملاش", "Record a loss found by the agency"],
    ),
    CodeName::new("recovery.notice_served", ["登记通知书送达", "ئۇقتۇرۇش يەتكۈزۈلگەنلىكىنى تىزىملاش", "Record the notice as served"]),
    CodeName::new("recovery.payment", ["登记还款", "قايتۇرۇلغان پۇلنى تىزىملاش", "Record a payment"]),
    CodeName::new("recovery.instalments_approved", ["批准分期还款", "بۆلۈپ قايتۇرۇشنى تەستىقلاش", "Approve instalments"]),
    CodeName::new(
        "recovery.deduction",
        ["丧葬费、抚恤金抵扣", "دەپنە خىراجىتى ۋە تەسەللى پۇلىدىن تۇتۇپ قېلىش", "Deduct from funeral grant and survivor pension"],
    ),
    CodeName::new("recovery.escalated", ["书面上报", "يازما مەلۇم قىلىش", "Report in writing"]),
    CodeName::new(
        "recovery.blacklisted",
        ["列入社保失信黑名单", "ئىجتىمائىي سۇغۇرتا ئىناۋەتسىزلەر قارا تىزىملىكىگە كىرگۈزۈش", "Put on the social-insurance blacklist"],
    ),
    CodeName::new(
        "recovery.blacklist_lifted",
        ["移出社保失信黑名单", "ئىجتىمائىي سۇغۇرتا ئىناۋەتسىزلەر قارا تىزىملىكىدىن چىقىرىش", "Remove from the social-insurance blacklist"],
    ),
    CodeName::new("report.handle", ["办理举报", "پاش قىلىشنى بېجىرىش", "Handle report"]),
    CodeName::new("report.read", ["查阅举报", "پاش قىلىشنى كۆرۈش", "Read report"]),
    CodeName::new("report.receive", ["受理举报", "پاش قىلىشنى قوبۇل قىلىش", "Receive report"]),
    CodeName::new("roster.import", ["导入花名册", "نام تىزىملىكىنى كىرگۈزۈش", "Import roster"]),
    CodeName::new("roster.import_chunk", ["花名册分批写入", "نام تىزىملىكىنى تۈركۈملەپ يېزىش", "Roster batch write"]),
    CodeName::new("sign_in.record", ["提交签到表", "ئىمزا جەدۋىلىنى يوللاش", "Submit the sign-in sheet"]),
    CodeName::new("sign_in.files", ["上传活动现场照片", "پائالىيەت نەق مەيدانىدا تارتىلغان سۈرەتلەرنى يوللاش", "Upload activity photos"]),
    CodeName::new("staff.bootstrap_admin", ["创建初始管理员", "دەسلەپكى باشقۇرغۇچىنى قۇرۇش", "Create first administrator"]),
    CodeName::new("staff.confirm", ["确认工作人员账号", "خادىم ھېساباتىنى جەزملەش", "Confirm staff account"]),
    CodeName::new("staff.create", ["新建工作人员账号", "يېڭى خادىم ھېساباتى قۇرۇش", "Create staff account"]),
    CodeName::new("staff.login", ["工作人员登录", "خادىملار كىرىشى", "Staff log-in"]),
    CodeName::new("staff.login_failed", ["工作人员登录失败", "خادىملار كىرىشى مەغلۇپ بولدى", "Staff log-in failed"]),
    CodeName::new("staff.logout", ["工作人员退出", "خادىمنىڭ چېكىنىشى", "Staff logout"]),
    CodeName::new("staff.update", ["修改工作人员账号", "خادىم ھېساباتىنى ئۆزگەرتىش", "Update staff account"]),
    CodeName::new("task.assign", ["任务转办", "ۋەزىپىنى ئۆتكۈزۈپ بېرىش", "Reassign task"]),
    CodeName::new("task.open", ["立案核实任务", "ئېنىقلاش ۋەزىپىسىنى تۇرغۇزۇش", "Open verification task"]),
    CodeName::new("tasks.dispatch", ["下发待核实名单", "ئېنىقلىنىدىغانلار تىزىملىكىنى تارقىتىش", "Dispatch list to verify"]),
    // The daily sweep's batches (R4, R6.3, R6.7, R7.1–R7.6).
    CodeName::new("timers.cycles", ["定时任务：认证周期", "پىلانلىق ۋەزىپە: دەلىللەش مەزگىلى", "Scheduled run: certification cycles"]),
    CodeName::new(
        "timers.task_escalate",
        [
            "定时任务：核实任务逾期督办",
            "پىلانلىق ۋەزىپە: مۆھلىتى ئۆتكەن ئېنىقلاش ۋەزىپىسىنى نازارەت قىلىش",
            "Scheduled run: overdue verification escalated",
        ],
    ),
    CodeName::new(
        "timers.auto_suspend",
        [
            "定时任务：逾期未复核的结果生效",
            "پىلانلىق ۋەزىپە: مۆھلىتى ئىچىدە قايتا تەكشۈرۈلمىگەن نەتىجە كۈچكە ئىگە بولدى",
            "Scheduled run: unreviewed outcomes come into force",
        ],
    ),
    CodeName::new(
        "timers.terminate",
        [
            "定时任务：暂停满三个月终止发放",
            "پىلانلىق ۋەزىپە: ۋاقىتلىق توختىتىلغىنىغا ئۈچ ئاي توشقاندا تارقىتىشنى ئاخىرلاشتۇرۇش",
            "Scheduled run: terminate after three months suspended",
        ],
    ),
    CodeName::new(
        "timers.home_visit_escalate",
        [
            "定时任务：上门服务逾期督办",
            "پىلانلىق ۋەزىپە: مۆھلىتى ئۆتكەن ئۆيگە بېرىش ئىلتىماسىنى نازارەت قىلىش",
            "Scheduled run: overdue home visits escalated",
        ],
    ),
    CodeName::new(
        "timers.refund_overdue",
        [
            "定时任务：退款逾期督办",
            "پىلانلىق ۋەزىپە: مۆھلىتى ئۆتكەن پۇل قايتۇرۇشنى نازارەت قىلىش",
            "Scheduled run: overdue refunds escalated",
        ],
    ),
    CodeName::new(
        "timers.instalment_missed",
        ["定时任务：分期还款逾期", "پىلانلىق ۋەزىپە: مۆھلىتى ئۆتكەن بۆلۈپ قايتۇرۇش", "Scheduled run: missed instalments"],
    ),
    CodeName::new("webhook.delivery", ["接收数据推送", "ئىتتىرىلگەن سانلىق مەلۇماتنى تاپشۇرۇۋېلىش", "Receive data push"]),
    CodeName::new("webhook.refused", ["拒收数据推送", "ئىتتىرىلگەن سانلىق مەلۇماتنى رەت قىلىش", "Refuse data push"]),
    // What became of each record a partner pushed (R5.1).
    CodeName::new("webhook.event.applied", ["推送记录入库", "ئىتتىرىلگەن خاتىرە ساندانغا كىرگۈزۈلدى", "Pushed record applied"]),
    CodeName::new("webhook.event.duplicate", ["推送记录重复", "ئىتتىرىلگەن خاتىرە تەكرار", "Pushed record was a duplicate"]),
    CodeName::new(
        "webhook.event.unmatched",
        ["推送记录未匹配到人员", "ئىتتىرىلگەن خاتىرىگە ماس كېلىدىغان كىشى تېپىلمىدى", "Pushed record matched no one"],
    ),
    CodeName::new("webhook.event.rejected", ["推送记录拒收", "ئىتتىرىلگەن خاتىرە قوبۇل قىلىنمىدى", "Pushed record rejected"]),
];

/// How the console marks a status: its badge's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Badge {
    /// All is well.
    Ok,
    /// Something to do soon.
    Warn,
    /// Something missing.
    Bad,
    /// Nothing to do.
    Soft,
}

/// A status with its names, the badge it is shown with and what it means
/// in each language; served as the code's names with `badge` and
/// `explanation_zh`, `explanation_ug`, `explanation_en` beside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ExplainedStatus {
    /// The status's code and names.
    #[serde(flatten)]
    pub name: CodeName,
    /// The badge the console shows it with.
    pub badge: Badge,
    /// What it means, in Chinese.
    pub explanation_zh: &'static str,
    /// What it means, in Uyghur.
    pub explanation_ug: &'static str,
    /// What it means, in English.
    pub explanation_en: &'static str,
}

impl ExplainedStatus {
    const fn new(code: &'static str, names: [&'static str; 3], badge: Badge, explanation: [&'static str; 3]) -> Self {
        Self {
            name: CodeName::new(code, names),
            badge,
            explanation_zh: explanation[0],
            explanation_ug: explanation[1],
            explanation_en: explanation[2],
        }
    }
}

/// Where a district's month stands in its filing (R8.2), as the audit
/// component's completeness view reports it: bound with nothing after,
/// records but no archive, records after the latest binding, or nothing
/// to file.
pub const ARCHIVE_STATUSES: [ExplainedStatus; 4] = [
    ExplainedStatus::new(
        "filed",
        ["已归档", "ئارخىپقا ئېلىندى", "Filed"],
        Badge::Ok,
        ["已装订，之后没有新记录", "تۈپلەندى، ئۇنىڭدىن كېيىن يېڭى خاتىرە يوق", "Bound; no new records since"],
    ),
    ExplainedStatus::new(
        "missing",
        ["未归档", "ئارخىپقا ئېلىنمىغان", "Not filed"],
        Badge::Bad,
        ["有记录，尚未装订", "خاتىرە بار، تېخى تۈپلەنمىگەن", "Has records, not yet bound"],
    ),
    ExplainedStatus::new(
        "outdated",
        ["需重订", "قايتا تۈپلەش كېرەك", "Rebind"],
        Badge::Warn,
        [
            "装订后又收到记录，应重新装订",
            "تۈپلەنگەندىن كېيىن يەنە خاتىرە كەلدى، قايتا تۈپلەش كېرەك",
            "Records came in after binding; bind again",
        ],
    ),
    ExplainedStatus::new(
        "nothing_to_file",
        ["无记录", "خاتىرە يوق", "No records"],
        Badge::Soft,
        ["本月没有需要归档的记录", "بۇ ئايدا ئارخىپقا ئېلىنىدىغان خاتىرە يوق", "Nothing to file this month"],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn each_action_is_named_once_in_each_language() {
        let codes: BTreeSet<_> = ACTIONS.iter().map(|a| a.code).collect();
        assert_eq!(codes.len(), ACTIONS.len());
        for table in [&ACTIONS[..], &ARCHIVE_STATUSES.map(|s| s.name)[..]] {
            for entry in table {
                assert!([entry.name_zh, entry.name_ug, entry.name_en].iter().all(|n| !n.trim().is_empty()), "{entry:?}");
            }
        }
        let zh: BTreeSet<_> = ACTIONS.iter().map(|a| a.name_zh).collect();
        assert_eq!(zh.len(), ACTIONS.len(), "two actions share a name");
    }

    #[test]
    fn archive_statuses_serve_their_badge_and_explanation_beside_the_names() {
        let served = serde_json::to_value(ARCHIVE_STATUSES[2]).unwrap();
        assert_eq!(
            served,
            serde_json::json!({
                "code": "outdated", "name_zh": "需重订", "name_ug": "قايتا تۈپلەش كېرەك", "name_en": "Rebind", "badge": "warn",
                "explanation_zh": "装订后又收到记录，应重新装订",
                "explanation_ug": "تۈپلەنگەندىن كېيىن يەنە خاتىرە كەلدى، قايتا تۈپلەش كېرەك",
                "explanation_en": "Records came in after binding; bind again",
            })
        );
    }
}
