//! The evidence catalogue (R5): every record zige accepts, where it comes
//! from in the notice, which benefits it concerns, and what it does.

use crate::benefit::BenefitType;
use crate::names::CodeName;
use chrono::NaiveDate;
use std::fmt;

/// What a record does to the benefits in its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The person is alive and entitled: deemed certified (视同认证合格, R5.3).
    ProofOfLife,
    /// Eligibility is lost from the record's date (R5.6–R5.9).
    Loss,
    /// National monitoring flag: suspend now, then verify (R5.2).
    SuspendThenVerify,
    /// Withdraws an earlier record of the same source: verify again.
    Retraction,
    /// Recorded and filed but decides nothing (a critical hospital stay).
    RecordOnly,
    /// A claim that stops nothing on its own but opens verification at
    /// once: a death reported by someone who is neither a registered
    /// relative nor holds the certificate (R5.6).
    VerifyOnly,
}

/// Which benefits a record concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every benefit of the person.
    All,
    /// Only a work-injury dependant's pension (R5.7).
    WorkInjuryDependant,
    /// Only unemployment benefit (R5.8).
    Unemployment,
    /// A dependant's pension and unemployment benefit (enlistment: R5.7, R5.8).
    WorkInjuryDependantAndUnemployment,
}

impl Scope {
    /// Whether the scope includes a benefit of this type.
    pub fn covers(self, benefit: BenefitType) -> bool {
        match self {
            Self::All => true,
            Self::WorkInjuryDependant => benefit == BenefitType::WorkInjuryDependant,
            Self::Unemployment => benefit == BenefitType::Unemployment,
            Self::WorkInjuryDependantAndUnemployment => {
                matches!(benefit, BenefitType::WorkInjuryDependant | BenefitType::Unemployment)
            }
        }
    }
}

/// Where a death record comes from (R5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeathSource {
    /// 家属主动申报死亡 — reported by family.
    FamilyReport,
    /// Flagged in HRSS databases.
    HrssRecord,
    /// National population database.
    PopulationRegistry,
    /// Household registration cancelled by the police.
    HouseholdCancellation,
    /// Declared dead by a court.
    CourtDeclaration,
    /// Civil-affairs cremation record.
    Cremation,
    /// Medical death certificate.
    MedicalCertificate,
    /// Confirmed by the managing unit or community.
    UnitOrCommunity,
    /// Any other channel.
    Other,
}

/// How a sentence is served (R3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImprisonmentForm {
    /// Serving in prison (服刑).
    InPrison,
    /// Serving outside prison (监外执行).
    OutsidePrison,
}

/// How a person travelled (R5.5 source 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TravelMode {
    /// By air.
    Flight,
    /// By rail.
    Rail,
}

/// The national monitoring flags of R5.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitoringFlag {
    /// 死亡冒领: a dead person's benefit still collected.
    DeathFraud,
    /// 重复领取: paid twice.
    DuplicateReceipt,
    /// 在押服刑人员领取养老金.
    InmateReceiving,
}

/// Every kind of record zige accepts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EvidenceKind {
    /// R5.5-1: in person at an agency window.
    WindowCertification,
    /// R5.5-2: self-service face verification.
    SelfServiceFace,
    /// R5.5-3, R6.4: a socialised-management activity or sign-in.
    ActivityParticipation,
    /// R5.5-4: overseas review form or proof of life.
    OverseasProofOfLife,
    /// R5.5-5: confirmed by a social-security-card bank.
    BankCardConfirmation,
    /// R5.5-6: confirmed by the managing unit.
    UnitConfirmation,
    /// R5.5-7: long-term-care insurance record.
    LongTermCare,
    /// R5.5-7: family-doctor contract.
    FamilyDoctorContract,
    /// R5.5-8: a hospital stay; only non-critical stays certify.
    HospitalStay {
        /// A critical stay does not prove the person can certify.
        critical: bool,
    },
    /// R5.5-9: a flight or rail trip.
    TravelRecord {
        /// Flight or rail.
        mode: TravelMode,
    },
    /// R5.5-10: bank business in person.
    BankInPerson,
    /// R5.5-11: entry-exit record.
    BorderCrossing,
    /// R5.5-12: public-video face match.
    VideoFaceMatch,
    /// R5.5-13: another channel confirming eligibility.
    OtherProofOfLife,
    /// R6.2: video certification by staff.
    VideoCertification,
    /// R6.3: a home visit.
    HomeVisit,
    /// R6.4: a visit, health check or clinic roster.
    VisitOrHealthCheck,
    /// R6.5: universal-enrolment survey remark.
    SurveyRemark,
    /// R6.5: a survey remark that the person has died, to verify before
    /// anything stops.
    SurveyDeathRemark,
    /// R5.6: death, by source.
    Death {
        /// Where the record comes from.
        source: DeathSource,
    },
    /// R5.6: missing.
    Missing,
    /// R5.6, R3.2: serving a sentence.
    Imprisonment {
        /// In or outside prison.
        form: ImprisonmentForm,
    },
    /// R5.7: a dependant adopted.
    Adoption,
    /// R5.7: a dependant spouse remarried.
    Remarriage,
    /// R5.7: a dependant employed.
    DependantEmployment,
    /// R5.7, R5.8: enlisted or conscripted.
    MilitaryService,
    /// R5.8: re-employed.
    Reemployment,
    /// R5.8: emigrated.
    Emigration,
    /// R5.8: started a basic pension.
    PensionStart,
    /// R5.8: refused suitable work or training.
    RefusedJobOffer,
    /// R5.6–R5.8: another loss of eligibility.
    OtherLoss,
    /// R5.2: a national monitoring flag.
    MonitoringFlag {
        /// Which flag.
        flag: MonitoringFlag,
    },
    /// Withdraws the record with this id (a false death report happens).
    Retraction {
        /// The id of the withdrawn record.
        retracts: String,
    },
    /// R5.6: a death reported by someone who is not a registered relative
    /// and gives no death or cremation certificate number: verified before
    /// it may stop a payment.
    UnconfirmedDeathReport,
}

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CatalogueEntry {
    /// Stable code, used in APIs and stored records.
    pub code: &'static str,
    /// The official Chinese name.
    pub name_zh: &'static str,
    /// The name in English.
    pub name_en: &'static str,
    /// The name in Uyghur.
    pub name_ug: &'static str,
    /// The requirement the entry comes from.
    pub requirement: &'static str,
    /// Which benefits it concerns.
    pub scope: Scope,
    /// What it does.
    pub effect: Effect,
}

const fn entry(
    code: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    name_ug: &'static str,
    requirement: &'static str,
    scope: Scope,
    effect: Effect,
) -> CatalogueEntry {
    CatalogueEntry { code, name_zh, name_en, name_ug, requirement, scope, effect }
}

use Effect::*;
use Scope::{All, Unemployment as UnemploymentOnly, WorkInjuryDependant as DependantOnly};

/// A certification by staff in the field (R6.6): not a record, a decision;
/// named here so every page calls it the same.
pub const STAFF_VERIFICATION: CatalogueEntry = entry(
    "staff_verification",
    "经办人员实地核实",
    "Verified in the field by staff",
    "خادىملار نەق مەيداندا تەكشۈرۈپ جەزملىگەن",
    "R6.6",
    All,
    ProofOfLife,
);

/// The whole catalogue, one entry per code: code, names in Chinese, English
/// and Uyghur, requirement, scope, effect.
#[rustfmt::skip]
pub const CATALOGUE: &[CatalogueEntry] = &[
    entry("window_certification", "经办机构窗口认证", "Certified in person at an agency window", "ئىجرا ئورگىنىنىڭ كۆزنىكىدە ئۆزى كېلىپ دەلىللەش", "R5.5-1", All, ProofOfLife),
    entry("self_service_face", "互联网、手机APP自助认证", "Self-service face verification online or in an app", "تور ياكى تېلېفون ئەپىدە چىراي تونۇتۇپ ئۆزى دەلىللەش", "R5.5-2", All, ProofOfLife),
    entry("activity_participation", "参加社会化管理服务活动", "Took part in a socialised-management activity", "ئىجتىمائىي باشقۇرۇش مۇلازىمىتى پائالىيىتىگە قاتناشقان", "R5.5-3", All, ProofOfLife),
    entry("overseas_proof_of_life", "境外居住人员资格审核表或健在证明", "Overseas review form or proof of life", "چەتئەلدە تۇرۇشلۇقلارنىڭ سالاھىيەت تەكشۈرۈش جەدۋىلى ياكى ھايات ئىسپاتى", "R5.5-4", All, ProofOfLife),
    entry("bank_card_confirmation", "社保卡合作银行确认", "Confirmed by a social-security-card partner bank", "ئىجتىمائىي كاپالەت كارتىسى ھەمكارلاشقان بانكىنىڭ جەزملىشى", "R5.5-5", All, ProofOfLife),
    entry("unit_confirmation", "管理单位确认", "Confirmed by the managing unit", "باشقۇرغۇچى ئورۇننىڭ جەزملىشى", "R5.5-6", All, ProofOfLife),
    entry("long_term_care", "长期护理保险记录", "Long-term-care insurance record", "ئۇزۇن مۇددەتلىك كۈتۈنۈش سۇغۇرتىسى خاتىرىسى", "R5.5-7", All, ProofOfLife),
    entry("family_doctor_contract", "家庭医生签约记录", "Family-doctor contract record", "ئائىلە دوختۇرى بىلەن توختام تۈزگەن خاتىرە", "R5.5-7", All, ProofOfLife),
    entry("hospital_stay", "非危重住院记录", "Non-critical hospital stay", "ئېغىر بولمىغان ئەھۋالدا دوختۇرخانىدا يېتىش خاتىرىسى", "R5.5-8", All, ProofOfLife),
    entry("hospital_stay_critical", "危重住院记录（不作认证）", "Critical hospital stay (does not certify)", "ئېغىر كېسەل بىلەن دوختۇرخانىدا يېتىش خاتىرىسى (دەلىللەش ھېسابلانمايدۇ)", "R5.5-8", All, RecordOnly),
    entry("travel_record.flight", "乘坐飞机记录", "Flight record", "ئايروپىلانغا ئولتۇرۇش خاتىرىسى", "R5.5-9", All, ProofOfLife),
    entry("travel_record.rail", "乘坐火车记录", "Rail travel record", "پويىزغا ئولتۇرۇش خاتىرىسى", "R5.5-9", All, ProofOfLife),
    entry("bank_in_person", "本人亲自办理银行业务", "Bank business in person", "بانكا ئىشلىرىنى ئۆزى بېرىپ بېجىرگەن", "R5.5-10", All, ProofOfLife),
    entry("border_crossing", "出入境记录", "Entry-exit record", "چېگرىدىن چىقىش-كىرىش خاتىرىسى", "R5.5-11", All, ProofOfLife),
    entry("video_face_match", "公共视频人脸比对", "Public-video face match", "ئاممىۋى سىن كۆزىتىشىدە چىراي سېلىشتۇرۇش", "R5.5-12", All, ProofOfLife),
    entry("other_proof_of_life", "其他可确认资格的渠道", "Other channel confirming eligibility", "سالاھىيەتنى جەزملىيەلەيدىغان باشقا يوللار", "R5.5-13", All, ProofOfLife),
    entry("video_certification", "视频认证", "Video certification", "سىنلىق ئالاقە ئارقىلىق دەلىللەش", "R6.2", All, ProofOfLife),
    entry("home_visit", "上门认证", "Home visit", "ئۆيگە كېلىپ دەلىللەش", "R6.3", All, ProofOfLife),
    entry("visit_or_health_check", "慰问、体检、义诊登记", "Visit, health check or clinic roster", "يوقلاش، سالامەتلىك تەكشۈرۈش ياكى ھەقسىز داۋالاش تىزىملىكى", "R6.4", All, ProofOfLife),
    entry("survey_remark", "全民参保登记调查备注", "Universal-enrolment survey remark", "ھەممە ئادەمنى سۇغۇرتىغا تىزىملاش تەكشۈرۈشىدىكى ئىزاھات", "R6.5", All, ProofOfLife),
    entry("survey_remark.death", "全民参保登记调查备注：已死亡（待核实）", "Survey remark: died, to verify", "تەكشۈرۈش ئىزاھاتى: ۋاپات بولغان (تەكشۈرۈلىدۇ)", "R6.5", All, VerifyOnly),
    entry("death.family_report", "家属主动申报死亡", "Death reported by family", "ئائىلىسىدىكىلەرنىڭ ۋاپات بولغانلىقىنى مەلۇم قىلىشى", "R5.6", All, Loss),
    entry("death.hrss_record", "人社数据库标注死亡", "Death flagged in HRSS databases", "ئادەم كۈچى بايلىقى ۋە ئىجتىمائىي كاپالەت ساندانىدا ۋاپات دەپ بەلگىلەنگەن", "R5.6", All, Loss),
    entry("death.population_registry", "全国人口库死亡信息", "Death in the national population database", "مەملىكەتلىك نوپۇس ساندانىدىكى ۋاپات ئۇچۇرى", "R5.6", All, Loss),
    entry("death.household_cancellation", "公安户籍死亡注销", "Household registration cancelled for death", "نوپۇس تىزىملىكىدىن ۋاپات سەۋەبىدىن ئۆچۈرۈلگەن", "R5.6", All, Loss),
    entry("death.court_declaration", "法院宣告死亡", "Declared dead by a court", "سوت ۋاپات بولغان دەپ جاكارلىغان", "R5.6", All, Loss),
    entry("death.cremation", "民政火化信息", "Civil-affairs cremation record", "خەلق ئىشلىرى ئورگىنىنىڭ مېيىت كۆيدۈرۈش خاتىرىسى", "R5.6", All, Loss),
    entry("death.medical_certificate", "医学死亡证明", "Medical death certificate", "تىببىي ۋاپات ئىسپاتى", "R5.6", All, Loss),
    entry("death.unit_or_community", "单位或社区确认死亡", "Death confirmed by the unit or community", "ئورۇن ياكى مەھەللىنىڭ ۋاپات بولغانلىقىنى جەزملىشى", "R5.6", All, Loss),
    entry("death.other", "其他渠道死亡信息", "Death from another channel", "باشقا يوللاردىن كەلگەن ۋاپات ئۇچۇرى", "R5.6", All, Loss),
    entry("missing", "失踪", "Missing", "يوقاپ كەتكەن", "R5.6", All, Loss),
    entry("imprisonment.in_prison", "服刑（在押）", "Serving a sentence in prison", "قاماقتا جازا ئۆتەۋاتىدۇ", "R5.6", All, Loss),
    entry("imprisonment.outside_prison", "监外执行", "Serving a sentence outside prison", "قاماقخانا سىرتىدا جازا ئىجرا قىلىنىۋاتىدۇ", "R5.6", All, Loss),
    entry("adoption", "供养亲属被收养", "Dependant adopted", "بېقىلىدىغان تۇغقىنى باشقىلار بېقىۋالغان", "R5.7", DependantOnly, Loss),
    entry("remarriage", "供养配偶再婚", "Dependant spouse remarried", "بېقىلىدىغان جورىسى قايتا توي قىلغان", "R5.7", DependantOnly, Loss),
    entry("dependant_employment", "供养亲属就业", "Dependant employed", "بېقىلىدىغان تۇغقىنى ئىشقا ئورۇنلاشقان", "R5.7", DependantOnly, Loss),
    entry("military_service", "参军、应征服兵役", "Joined the army or conscripted", "ئارمىيەگە قاتناشقان ياكى ھەربىي خىزمەتكە چاقىرىلغان", "R5.7", Scope::WorkInjuryDependantAndUnemployment, Loss),
    entry("reemployment", "重新就业", "Re-employed", "قايتا ئىشقا ئورۇنلاشقان", "R5.8", UnemploymentOnly, Loss),
    entry("emigration", "移居境外", "Emigrated", "چەتئەلگە كۆچۈپ كەتكەن", "R5.8", UnemploymentOnly, Loss),
    entry("pension_start", "享受基本养老保险待遇", "Started a basic pension", "ئاساسىي پېنسىيە ئېلىشقا باشلىغان", "R5.8", UnemploymentOnly, Loss),
    entry("refused_job_offer", "无正当理由拒不接受就业或培训", "Refused suitable work or training", "ئورۇنلۇق سەۋەبسىز خىزمەت ياكى تەربىيەلەشنى رەت قىلغان", "R5.8", UnemploymentOnly, Loss),
    entry("other_loss", "其他丧失领取资格情形", "Other loss of eligibility", "سالاھىيەتتىن ئايرىلىشنىڭ باشقا ئەھۋالى", "R5.6", All, Loss),
    entry("monitoring_flag.death_fraud", "死亡冒领", "Death fraud flagged by national monitoring", "مەملىكەتلىك كۆزىتىش: ۋاپاتتىن كېيىن ساختا ئېلىش گۇمانى", "R5.2", All, SuspendThenVerify),
    entry("monitoring_flag.duplicate_receipt", "重复领取", "Duplicate receipt flagged by national monitoring", "مەملىكەتلىك كۆزىتىش: تەكرار ئېلىش گۇمانى", "R5.2", All, SuspendThenVerify),
    entry("monitoring_flag.inmate_receiving", "在押服刑人员领取养老金", "Inmate receiving a pension", "مەملىكەتلىك كۆزىتىش: جازا ئۆتەۋاتقان كىشى پېنسىيە ئالغان", "R5.2", All, SuspendThenVerify),
    entry("retraction", "撤回此前记录", "Retraction of an earlier record", "ئىلگىرىكى خاتىرىنى قايتۇرۇۋېلىش", "R5.4", All, Retraction),
    entry("death_report.unconfirmed", "他人申报死亡（待核实）", "Death reported by someone not a registered relative, to verify", "تىزىملانغان تۇغقان ئەمەس كىشىنىڭ ۋاپات مەلۇماتى (تەكشۈرۈلىدۇ)", "R5.6", All, VerifyOnly),
];

impl EvidenceKind {
    /// The catalogue code of this kind.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WindowCertification => "window_certification",
            Self::SelfServiceFace => "self_service_face",
            Self::ActivityParticipation => "activity_participation",
            Self::OverseasProofOfLife => "overseas_proof_of_life",
            Self::BankCardConfirmation => "bank_card_confirmation",
            Self::UnitConfirmation => "unit_confirmation",
            Self::LongTermCare => "long_term_care",
            Self::FamilyDoctorContract => "family_doctor_contract",
            Self::HospitalStay { critical: false } => "hospital_stay",
            Self::HospitalStay { critical: true } => "hospital_stay_critical",
            Self::TravelRecord { mode: TravelMode::Flight } => "travel_record.flight",
            Self::TravelRecord { mode: TravelMode::Rail } => "travel_record.rail",
            Self::BankInPerson => "bank_in_person",
            Self::BorderCrossing => "border_crossing",
            Self::VideoFaceMatch => "video_face_match",
            Self::OtherProofOfLife => "other_proof_of_life",
            Self::VideoCertification => "video_certification",
            Self::HomeVisit => "home_visit",
            Self::VisitOrHealthCheck => "visit_or_health_check",
            Self::SurveyRemark => "survey_remark",
            Self::SurveyDeathRemark => "survey_remark.death",
            Self::Death { source } => match source {
                DeathSource::FamilyReport => "death.family_report",
                DeathSource::HrssRecord => "death.hrss_record",
                DeathSource::PopulationRegistry => "death.population_registry",
                DeathSource::HouseholdCancellation => "death.household_cancellation",
                DeathSource::CourtDeclaration => "death.court_declaration",
                DeathSource::Cremation => "death.cremation",
                DeathSource::MedicalCertificate => "death.medical_certificate",
                DeathSource::UnitOrCommunity => "death.unit_or_community",
                DeathSource::Other => "death.other",
            },
            Self::Missing => "missing",
            Self::Imprisonment { form: ImprisonmentForm::InPrison } => "imprisonment.in_prison",
            Self::Imprisonment { form: ImprisonmentForm::OutsidePrison } => "imprisonment.outside_prison",
            Self::Adoption => "adoption",
            Self::Remarriage => "remarriage",
            Self::DependantEmployment => "dependant_employment",
            Self::MilitaryService => "military_service",
            Self::Reemployment => "reemployment",
            Self::Emigration => "emigration",
            Self::PensionStart => "pension_start",
            Self::RefusedJobOffer => "refused_job_offer",
            Self::OtherLoss => "other_loss",
            Self::MonitoringFlag { flag: MonitoringFlag::DeathFraud } => "monitoring_flag.death_fraud",
            Self::MonitoringFlag { flag: MonitoringFlag::DuplicateReceipt } => "monitoring_flag.duplicate_receipt",
            Self::MonitoringFlag { flag: MonitoringFlag::InmateReceiving } => "monitoring_flag.inmate_receiving",
            Self::Retraction { .. } => "retraction",
            Self::UnconfirmedDeathReport => "death_report.unconfirmed",
        }
    }

    /// The catalogue entry of this kind.
    pub fn entry(&self) -> &'static CatalogueEntry {
        let code = self.code();
        CATALOGUE.iter().find(|e| e.code == code).expect("every kind has an entry; checked by a test")
    }

    /// What the record does.
    pub fn effect(&self) -> Effect {
        self.entry().effect
    }

    /// Whether the record only confirms that the person lives (or is kept
    /// on file): signs of life come by the thousand, and one can change
    /// something only for a person with a loss or conflict on file or a
    /// suspended benefit (R5.3, R5.4, R7.2).
    pub fn is_sign_of_life(&self) -> bool {
        matches!(self.effect(), Effect::ProofOfLife | Effect::RecordOnly)
    }

    /// Whether this record concerns a benefit of the given type.
    pub fn applies_to(&self, benefit: BenefitType) -> bool {
        self.entry().scope.covers(benefit)
    }

    /// Whether a later sign of life contradicts this loss: a dead or missing
    /// person cannot travel, and a prisoner cannot appear in person outside.
    pub fn contradicted_by(&self, later: &EvidenceKind) -> bool {
        match self {
            Self::Death { .. } | Self::Missing => later.effect() == Effect::ProofOfLife,
            Self::Imprisonment { form: ImprisonmentForm::InPrison } => {
                matches!(later, Self::WindowCertification | Self::TravelRecord { .. } | Self::BankInPerson | Self::BorderCrossing)
            }
            _ => false,
        }
    }
}

impl EvidenceKind {
    /// What a universal-enrolment survey's remark (备注) records (R6.5): a
    /// remark that the person was seen is a proof of life; one that they
    /// died asks for verification, never a suspension on its own; one that
    /// they were not seen, or that says neither, records nothing.
    pub fn from_survey_remark(remark: &str) -> Option<EvidenceKind> {
        const DIED: [&str; 6] = ["死亡", "去世", "已故", "过世", "病故", "身故"];
        const NOT_SEEN: [&str; 7] = ["未见", "没见", "不在", "外出", "联系不上", "无人", "未联系"];
        const SEEN: [&str; 7] = ["健在", "本人在", "见到本人", "见本人", "本人签字", "在世", "本人在家"];
        let remark = remark.trim();
        if DIED.iter().any(|w| remark.contains(w)) {
            Some(Self::SurveyDeathRemark)
        } else if NOT_SEEN.iter().any(|w| remark.contains(w)) {
            None
        } else if SEEN.iter().any(|w| remark.contains(w)) {
            Some(Self::SurveyRemark)
        } else {
            None
        }
    }

    /// A death reported by a person (R5.6): a registered relative, or
    /// anyone who gives the death or cremation certificate number, stops
    /// payment at once as a family report; anyone else's word opens an
    /// urgent verification and stops nothing until it is confirmed.
    pub fn reported_death(registered_relative: bool, certificate_given: bool) -> EvidenceKind {
        if registered_relative || certificate_given {
            Self::Death { source: DeathSource::FamilyReport }
        } else {
            Self::UnconfirmedDeathReport
        }
    }
}

/// One record about a person: from a partner, a recipient or staff.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Evidence {
    /// Unique per source (e.g. `police:E-2026-001`); a second record with the
    /// same id is the same record delivered again.
    pub id: String,
    /// What the record says.
    pub kind: EvidenceKind,
    /// The day the fact happened (the death, the trip, the certification).
    pub occurred_on: NaiveDate,
    /// The day zige received the record.
    pub received_on: NaiveDate,
}

/// What staff decided about a person after verification (R6.6, R7.1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum DecisionKind {
    /// Verified alive and eligible: certifies every benefit (R6.2) and
    /// overrides the flags and the person-wide losses (death, prison,
    /// disappearance) received up to that day. A loss that concerns one
    /// benefit (remarriage, re-employment, adoption) stands (R1.3).
    Eligible,
    /// Verified still entitled to one benefit: certifies it and overrides
    /// every loss of it received up to that day, whatever its cause (R1.3,
    /// R5.7, R5.8).
    Entitled {
        /// The benefit verified.
        benefit_id: String,
    },
    /// Not eligible, with the reason (a loss kind, which sets the scope) and
    /// the date eligibility was lost (R6.6).
    NotEligible {
        /// The loss found, as a catalogue kind.
        reason: EvidenceKind,
        /// The day eligibility was lost.
        loss_date: NaiveDate,
    },
    /// Could not be reached (R7.1).
    Unreachable,
}

impl DecisionKind {
    /// Whether this decision says the person is entitled to the benefit
    /// `benefit_id`, and so overrides a loss of it received before: a
    /// person-wide "eligible" overrides only person-wide losses
    /// (`person_wide`), a decision about the benefit overrides any.
    pub fn confirms(&self, benefit_id: &str, person_wide: bool) -> bool {
        match self {
            Self::Eligible => person_wide,
            Self::Entitled { benefit_id: b } => b == benefit_id,
            Self::NotEligible { .. } | Self::Unreachable => false,
        }
    }

    /// Whether the outcome must keep a photo or video of the person (R6.2:
    /// a field verification that finds them entitled shows them, 留存照片或视频).
    pub fn needs_picture(&self) -> bool {
        matches!(self, Self::Eligible | Self::Entitled { .. })
    }
}

/// A recorded staff decision.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct StaffDecision {
    /// The decision's id.
    pub id: String,
    /// What was decided.
    pub outcome: DecisionKind,
    /// The day it was decided.
    pub decided_on: NaiveDate,
}

/// Why a partner's event cannot be turned into evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventError {
    /// Not an event type of the partner contract.
    UnknownType(String),
    /// A detail the type requires is missing or not one of its values.
    BadDetail {
        /// The detail's name under `details`.
        detail: &'static str,
        /// What was given, if anything.
        given: Option<String>,
    },
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownType(t) => write!(f, "unknown event type \"{t}\""),
            Self::BadDetail { detail, given: None } => write!(f, "details.{detail} is required"),
            Self::BadDetail { detail, given: Some(v) } => write!(f, "details.{detail} \"{v}\" is not allowed"),
        }
    }
}

impl std::error::Error for EventError {}

/// The channels of a verification by staff (R5.5-1, R6.2–R6.5), as an
/// outcome names them.
pub const VERIFICATION_CHANNELS: [CodeName; 7] = [
    CodeName::new("window", ["窗口认证", "كۆزنەكتە دەلىللەش", "Window certification"]),
    CodeName::new("video", ["视频认证", "سىنلىق ئالاقە ئارقىلىق دەلىللەش", "Video certification"]),
    CodeName::new("home_visit", ["上门认证", "ئۆيگە بېرىپ دەلىللەش", "Home-visit certification"]),
    CodeName::new("activity", ["社会化管理服务活动", "ئىجتىمائىي باشقۇرۇش مۇلازىمىتى پائالىيىتى", "Socialised-management activity"]),
    CodeName::new("visit", ["走访慰问", "زىيارەت قىلىپ ھال سوراش", "Visit"]),
    CodeName::new("health_check", ["体检、义诊", "سالامەتلىك تەكشۈرۈش، ھەقسىز داۋالاش", "Health check or free clinic"]),
    CodeName::new("survey", ["全民参保登记调查", "ھەممە ئادەمنى سۇغۇرتىغا تىزىملاش تەكشۈرۈشى", "Universal-enrolment survey"]),
];

/// The outcomes of a verification by staff (R6.6), with their names.
pub const FIELD_OUTCOMES: [CodeName; 3] = [
    CodeName::new("eligible", ["符合条件", "شەرتكە توشىدۇ", "Eligible"]),
    CodeName::new("not_eligible", ["不符合条件", "شەرتكە توشمايدۇ", "Not eligible"]),
    CodeName::new("unreachable", ["无法联系到本人", "ئۆزى بىلەن ئالاقىلاشقىلى بولمىدى", "Could not reach the person"]),
];

/// The kinds of partner agency that send records (R5.2, R5.5, R5.6), with
/// their names.
pub const PARTNER_KINDS: [CodeName; 10] = [
    CodeName::new("police", ["公安", "جامائەت خەۋپسىزلىكى", "Police"]),
    CodeName::new("justice", ["司法", "ئەدلىيە", "Justice"]),
    CodeName::new("civil_affairs", ["民政", "خەلق ئىشلىرى", "Civil affairs"]),
    CodeName::new("transport", ["交通运输", "قاتناش-تىرانسپورت", "Transport"]),
    CodeName::new("health", ["卫生健康", "سەھىيە ۋە سالامەتلىك", "Health"]),
    CodeName::new("medical_insurance", ["医疗保障", "داۋالاش كاپالىتى", "Medical insurance"]),
    CodeName::new("court", ["法院", "سوت", "Court"]),
    CodeName::new("bank", ["待遇代发银行", "تەمىناتنى ۋاكالىتەن تارقىتىدىغان بانكا", "Paying bank"]),
    CodeName::new(
        "national_monitoring",
        ["全国认证系统联网监测", "مەملىكەتلىك دەلىللەش سىستېمىسىنىڭ تورلاشقان كۆزىتىشى", "National certification system monitoring"],
    ),
    CodeName::new(
        "regional_platform",
        ["自治区社会保险管理局", "ئاپتونوم رايونلۇق ئىجتىمائىي سۇغۇرتا باشقۇرۇش ئىدارىسى", "Regional social insurance administration"],
    ),
];

/// The event types of the partner contract, in the order documented, with
/// their names.
pub const EVENT_TYPES: [CodeName; 26] = [
    CodeName::new(
        "activity_participation",
        ["参加社会化管理服务活动", "ئىجتىمائىي باشقۇرۇش مۇلازىمىتى پائالىيىتىگە قاتناشقان", "Took part in a socialised-management activity"],
    ),
    CodeName::new("overseas_proof_of_life", ["境外健在证明", "چەتئەلدىكى ھايات ئىسپاتى", "Overseas proof of life"]),
    CodeName::new(
        "bank_card_confirmation",
        [
            "社保卡合作银行确认",
            "ئىجتىمائىي كاپالەت كارتىسى ھەمكارلاشقان بانكىنىڭ جەزملىشى",
            "Confirmed by a social-security-card partner bank",
        ],
    ),
    CodeName::new("unit_confirmation", ["管理单位确认", "باشقۇرغۇچى ئورۇننىڭ جەزملىشى", "Confirmed by the managing unit"]),
    CodeName::new("long_term_care", ["长期护理保险", "ئۇزۇن مۇددەتلىك كۈتۈنۈش سۇغۇرتىسى", "Long-term-care insurance"]),
    CodeName::new("family_doctor_contract", ["家庭医生签约", "ئائىلە دوختۇرى بىلەن توختام تۈزۈش", "Family-doctor contract"]),
    CodeName::new("hospital_stay", ["住院记录", "دوختۇرخانىدا يېتىش خاتىرىسى", "Hospital stay"]),
    CodeName::new("travel_record", ["乘机、乘车记录", "ئايروپىلان ياكى پويىزغا ئولتۇرۇش خاتىرىسى", "Flight or rail travel record"]),
    CodeName::new("bank_in_person", ["本人办理银行业务", "بانكا ئىشلىرىنى ئۆزى بېجىرگەن", "Bank business in person"]),
    CodeName::new("border_crossing", ["出入境记录", "چېگرىدىن چىقىش-كىرىش خاتىرىسى", "Entry-exit record"]),
    CodeName::new("video_face_match", ["公共视频人脸比对", "ئاممىۋى سىن كۆزىتىشىدە چىراي سېلىشتۇرۇش", "Public-video face match"]),
    CodeName::new(
        "other_proof_of_life",
        ["其他确认资格渠道", "سالاھىيەتنى جەزملەيدىغان باشقا يوللار", "Other channel confirming eligibility"],
    ),
    CodeName::new("death", ["死亡", "ۋاپات", "Death"]),
    CodeName::new("missing", ["失踪", "يوقاپ كەتكەن", "Missing"]),
    CodeName::new("imprisonment", ["服刑", "جازا ئۆتەش", "Imprisonment"]),
    CodeName::new("adoption", ["被收养", "باشقىلار بېقىۋالغان", "Adopted"]),
    CodeName::new("remarriage", ["再婚", "قايتا توي قىلغان", "Remarried"]),
    CodeName::new("dependant_employment", ["供养亲属就业", "بېقىلىدىغان تۇغقىنى ئىشقا ئورۇنلاشقان", "Dependant employed"]),
    CodeName::new(
        "military_service",
        ["参军、服兵役", "ئارمىيەگە قاتناشقان ياكى ھەربىي خىزمەت ئۆتەۋاتىدۇ", "Joined the army or doing military service"],
    ),
    CodeName::new("reemployment", ["重新就业", "قايتا ئىشقا ئورۇنلاشقان", "Re-employed"]),
    CodeName::new("emigration", ["移居境外", "چەتئەلگە كۆچۈپ كەتكەن", "Emigrated"]),
    CodeName::new("pension_start", ["开始领取养老金", "پېنسىيە ئېلىشقا باشلىغان", "Started a pension"]),
    CodeName::new(
        "refused_job_offer",
        ["拒不接受就业或培训", "خىزمەت ياكى تەربىيەلەشنى قوبۇل قىلىشنى رەت قىلغان", "Refused work or training"],
    ),
    CodeName::new("other_loss", ["其他丧失资格情形", "سالاھىيەتتىن ئايرىلىشنىڭ باشقا ئەھۋالى", "Other loss of eligibility"]),
    CodeName::new("monitoring_flag", ["联网监测疑点", "تورلاشقان كۆزىتىشتىكى گۇمانلىق ئەھۋال", "Flagged by online monitoring"]),
    CodeName::new("retraction", ["撤回记录", "خاتىرىنى قايتۇرۇۋېلىش", "Retraction of a record"]),
];

impl EvidenceKind {
    /// The evidence a partner event stands for (R5.1): its `type` and the
    /// `details` it needs, read through `detail` (booleans as `"true"` or
    /// `"false"`). A retraction's target is resolved by the caller.
    pub fn from_event(event_type: &str, detail: &dyn Fn(&str) -> Option<String>) -> Result<EvidenceKind, EventError> {
        fn pick<T: Copy>(detail: &dyn Fn(&str) -> Option<String>, name: &'static str, options: &[(&str, T)]) -> Result<T, EventError> {
            let given = detail(name);
            options
                .iter()
                .find(|(code, _)| Some(*code) == given.as_deref())
                .map(|(_, v)| *v)
                .ok_or(EventError::BadDetail { detail: name, given })
        }
        Ok(match event_type {
            "activity_participation" => Self::ActivityParticipation,
            "overseas_proof_of_life" => Self::OverseasProofOfLife,
            "bank_card_confirmation" => Self::BankCardConfirmation,
            "unit_confirmation" => Self::UnitConfirmation,
            "long_term_care" => Self::LongTermCare,
            "family_doctor_contract" => Self::FamilyDoctorContract,
            "hospital_stay" => Self::HospitalStay { critical: pick(detail, "critical", &[("true", true), ("false", false)])? },
            "travel_record" => {
                Self::TravelRecord { mode: pick(detail, "mode", &[("flight", TravelMode::Flight), ("rail", TravelMode::Rail)])? }
            }
            "bank_in_person" => Self::BankInPerson,
            "border_crossing" => Self::BorderCrossing,
            "video_face_match" => Self::VideoFaceMatch,
            "other_proof_of_life" => Self::OtherProofOfLife,
            "death" => Self::Death {
                source: pick(
                    detail,
                    "source",
                    &[
                        ("family_report", DeathSource::FamilyReport),
                        ("hrss_record", DeathSource::HrssRecord),
                        ("population_registry", DeathSource::PopulationRegistry),
                        ("household_cancellation", DeathSource::HouseholdCancellation),
                        ("court_declaration", DeathSource::CourtDeclaration),
                        ("cremation", DeathSource::Cremation),
                        ("medical_certificate", DeathSource::MedicalCertificate),
                        ("unit_or_community", DeathSource::UnitOrCommunity),
                        ("other", DeathSource::Other),
                    ],
                )?,
            },
            "missing" => Self::Missing,
            "imprisonment" => Self::Imprisonment {
                form: pick(
                    detail,
                    "form",
                    &[("in_prison", ImprisonmentForm::InPrison), ("outside_prison", ImprisonmentForm::OutsidePrison)],
                )?,
            },
            "adoption" => Self::Adoption,
            "remarriage" => Self::Remarriage,
            "dependant_employment" => Self::DependantEmployment,
            "military_service" => Self::MilitaryService,
            "reemployment" => Self::Reemployment,
            "emigration" => Self::Emigration,
            "pension_start" => Self::PensionStart,
            "refused_job_offer" => Self::RefusedJobOffer,
            "other_loss" => Self::OtherLoss,
            "monitoring_flag" => Self::MonitoringFlag {
                flag: pick(
                    detail,
                    "flag",
                    &[
                        ("death_fraud", MonitoringFlag::DeathFraud),
                        ("duplicate_receipt", MonitoringFlag::DuplicateReceipt),
                        ("inmate_receiving", MonitoringFlag::InmateReceiving),
                    ],
                )?,
            },
            "retraction" => Self::Retraction {
                retracts: detail("retracts").filter(|r| !r.is_empty()).ok_or(EventError::BadDetail { detail: "retracts", given: None })?,
            },
            other => return Err(EventError::UnknownType(other.to_string())),
        })
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn all_kinds() -> Vec<EvidenceKind> {
        use EvidenceKind as K;
        let mut kinds = vec![
            K::WindowCertification,
            K::SelfServiceFace,
            K::ActivityParticipation,
            K::OverseasProofOfLife,
            K::BankCardConfirmation,
            K::UnitConfirmation,
            K::LongTermCare,
            K::FamilyDoctorContract,
            K::HospitalStay { critical: false },
            K::HospitalStay { critical: true },
            K::TravelRecord { mode: TravelMode::Flight },
            K::TravelRecord { mode: TravelMode::Rail },
            K::BankInPerson,
            K::BorderCrossing,
            K::VideoFaceMatch,
            K::OtherProofOfLife,
            K::VideoCertification,
            K::HomeVisit,
            K::VisitOrHealthCheck,
            K::SurveyRemark,
            K::SurveyDeathRemark,
            K::Missing,
            K::Imprisonment { form: ImprisonmentForm::InPrison },
            K::Imprisonment { form: ImprisonmentForm::OutsidePrison },
            K::Adoption,
            K::Remarriage,
            K::DependantEmployment,
            K::MilitaryService,
            K::Reemployment,
            K::Emigration,
            K::PensionStart,
            K::RefusedJobOffer,
            K::OtherLoss,
            K::Retraction { retracts: "x".into() },
            K::UnconfirmedDeathReport,
        ];
        for source in [
            DeathSource::FamilyReport,
            DeathSource::HrssRecord,
            DeathSource::PopulationRegistry,
            DeathSource::HouseholdCancellation,
            DeathSource::CourtDeclaration,
            DeathSource::Cremation,
            DeathSource::MedicalCertificate,
            DeathSource::UnitOrCommunity,
            DeathSource::Other,
        ] {
            kinds.push(K::Death { source });
        }
        for flag in [MonitoringFlag::DeathFraud, MonitoringFlag::DuplicateReceipt, MonitoringFlag::InmateReceiving] {
            kinds.push(K::MonitoringFlag { flag });
        }
        kinds
    }

    #[test]
    fn every_kind_has_exactly_one_entry_and_every_entry_a_kind() {
        let kinds = all_kinds();
        let codes: HashSet<&str> = kinds.iter().map(EvidenceKind::code).collect();
        assert_eq!(codes.len(), kinds.len(), "codes are unique");
        assert_eq!(CATALOGUE.len(), kinds.len(), "one entry per kind");
        for e in CATALOGUE {
            assert!(codes.contains(e.code), "{} has no kind", e.code);
            assert!(e.requirement.starts_with('R') && !e.name_zh.is_empty() && !e.name_en.is_empty() && !e.name_ug.is_empty());
        }
        for k in &kinds {
            assert_eq!(k.entry().code, k.code());
        }
    }

    #[test]
    fn r5_5_all_thirteen_sources_are_proof_of_life() {
        let sources: HashSet<&str> = CATALOGUE
            .iter()
            .filter(|e| e.requirement.starts_with("R5.5-") && e.effect == Effect::ProofOfLife)
            .map(|e| e.requirement)
            .collect();
        assert_eq!(sources.len(), 13);
    }

    #[test]
    fn r5_5_8_only_non_critical_hospital_stays_certify() {
        assert_eq!(EvidenceKind::HospitalStay { critical: false }.effect(), Effect::ProofOfLife);
        assert_eq!(EvidenceKind::HospitalStay { critical: true }.effect(), Effect::RecordOnly);
    }

    #[test]
    fn loss_scopes_table_r5_6_r5_7_r5_8() {
        use BenefitType as B;
        use EvidenceKind as K;
        let cases: Vec<(&str, K, Vec<B>)> = vec![
            ("R5.6 death ends everything", K::Death { source: DeathSource::Cremation }, B::ALL.to_vec()),
            ("R5.6 missing ends everything", K::Missing, B::ALL.to_vec()),
            ("R5.6 prison ends everything", K::Imprisonment { form: ImprisonmentForm::InPrison }, B::ALL.to_vec()),
            ("R5.6 outside prison too", K::Imprisonment { form: ImprisonmentForm::OutsidePrison }, B::ALL.to_vec()),
            ("R5.7 adoption", K::Adoption, vec![B::WorkInjuryDependant]),
            ("R5.7 remarriage", K::Remarriage, vec![B::WorkInjuryDependant]),
            ("R5.7 dependant employed", K::DependantEmployment, vec![B::WorkInjuryDependant]),
            ("R5.7 R5.8 enlistment", K::MilitaryService, vec![B::WorkInjuryDependant, B::Unemployment]),
            ("R5.8 re-employed", K::Reemployment, vec![B::Unemployment]),
            ("R5.8 emigrated", K::Emigration, vec![B::Unemployment]),
            ("R5.8 pension start", K::PensionStart, vec![B::Unemployment]),
            ("R5.8 refused job", K::RefusedJobOffer, vec![B::Unemployment]),
            ("R5.2 death fraud", K::MonitoringFlag { flag: MonitoringFlag::DeathFraud }, B::ALL.to_vec()),
        ];
        for (what, kind, covered) in cases {
            for b in B::ALL {
                assert_eq!(kind.applies_to(b), covered.contains(&b), "{what}: {b}");
            }
        }
        assert!(!K::Remarriage.applies_to(B::WorkInjury), "R5.7: the injured worker's own benefit is not ended");
    }

    #[test]
    fn r5_2_monitoring_flags_suspend_then_verify() {
        for flag in [MonitoringFlag::DeathFraud, MonitoringFlag::DuplicateReceipt, MonitoringFlag::InmateReceiving] {
            assert_eq!(EvidenceKind::MonitoringFlag { flag }.effect(), Effect::SuspendThenVerify);
        }
    }

    #[test]
    fn r6_5_a_survey_remark_certifies_only_when_it_says_the_person_was_seen() {
        let table = [
            ("本人健在", Some(EvidenceKind::SurveyRemark)),
            ("入户见到本人，身体尚好", Some(EvidenceKind::SurveyRemark)),
            ("未见到本人，家属称外出", None),
            ("本人不在家", None),
            ("已于去年去世", Some(EvidenceKind::SurveyDeathRemark)),
            ("家属称本人已死亡，未见死亡证明", Some(EvidenceKind::SurveyDeathRemark)),
            ("", None),
            ("已登记", None),
        ];
        for (remark, kind) in table {
            assert_eq!(EvidenceKind::from_survey_remark(remark), kind, "{remark:?}");
        }
        assert_eq!(EvidenceKind::SurveyDeathRemark.effect(), Effect::VerifyOnly, "a remark never stops payment on its own");
    }

    #[test]
    fn r6_2_r6_4_r6_5_field_channels_certify() {
        let cases = [
            (EvidenceKind::VideoCertification, "R6.2"),
            (EvidenceKind::HomeVisit, "R6.3"),
            (EvidenceKind::VisitOrHealthCheck, "R6.4"),
            (EvidenceKind::ActivityParticipation, "R5.5-3"),
            (EvidenceKind::SurveyRemark, "R6.5"),
        ];
        for (kind, requirement) in cases {
            assert_eq!(kind.effect(), Effect::ProofOfLife, "{requirement}");
            assert_eq!(kind.entry().requirement, requirement);
        }
    }

    #[test]
    fn r5_1_every_event_type_maps_to_a_catalogue_entry() {
        let details = |name: &str| match name {
            "critical" => Some("false".to_string()),
            "mode" => Some("rail".to_string()),
            "source" => Some("cremation".to_string()),
            "form" => Some("outside_prison".to_string()),
            "flag" => Some("duplicate_receipt".to_string()),
            "retracts" => Some("e-1".to_string()),
            _ => None,
        };
        for event_type in EVENT_TYPES.map(|e| e.code) {
            let kind = EvidenceKind::from_event(event_type, &details).unwrap_or_else(|e| panic!("{event_type}: {e}"));
            assert!(kind.code().starts_with(event_type), "{event_type} -> {}", kind.code());
        }
        let none = |_: &str| None;
        assert_eq!(EvidenceKind::from_event("death", &none), Err(EventError::BadDetail { detail: "source", given: None }));
        let odd = |_: &str| Some("sometimes".to_string());
        assert!(matches!(EvidenceKind::from_event("hospital_stay", &odd), Err(EventError::BadDetail { detail: "critical", .. })));
        assert!(matches!(EvidenceKind::from_event("alien_abduction", &none), Err(EventError::UnknownType(_))));
    }

    #[test]
    fn r5_4_contradictions() {
        let death = EvidenceKind::Death { source: DeathSource::FamilyReport };
        assert!(death.contradicted_by(&EvidenceKind::TravelRecord { mode: TravelMode::Rail }));
        assert!(!death.contradicted_by(&EvidenceKind::HospitalStay { critical: true }));
        let prison = EvidenceKind::Imprisonment { form: ImprisonmentForm::InPrison };
        assert!(prison.contradicted_by(&EvidenceKind::BankInPerson));
        assert!(!prison.contradicted_by(&EvidenceKind::UnitConfirmation));
        assert!(!EvidenceKind::Remarriage.contradicted_by(&EvidenceKind::BankInPerson));
    }
}
