//! Benefit types (R1.1), management mode (R1.2, R2.2) and residence (R3.3).

use crate::names::CodeName;
use std::fmt;

/// The benefits the city pays monthly (R1.1). Work-injury long-term benefits
/// are split in two because loss rules differ: adoption, remarriage,
/// employment and enlistment end only a dependant's pension (R5.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BenefitType {
    /// 城镇职工基本养老保险待遇
    EmployeePension,
    /// 机关事业单位养老保险待遇
    GovernmentPension,
    /// 城乡居民养老保险待遇
    ResidentPension,
    /// 工伤保险长期待遇: the injured worker's own benefit (伤残津贴 etc.).
    WorkInjury,
    /// 工伤保险长期待遇: a deceased worker's dependant's pension (供养亲属抚恤金).
    WorkInjuryDependant,
    /// 失业保险待遇
    Unemployment,
}

impl BenefitType {
    /// Every benefit type.
    pub const ALL: [BenefitType; 6] = [
        Self::EmployeePension,
        Self::GovernmentPension,
        Self::ResidentPension,
        Self::WorkInjury,
        Self::WorkInjuryDependant,
        Self::Unemployment,
    ];

    /// The stable code used in APIs, CSV files and the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::EmployeePension => "employee_pension",
            Self::GovernmentPension => "government_pension",
            Self::ResidentPension => "resident_pension",
            Self::WorkInjury => "work_injury",
            Self::WorkInjuryDependant => "work_injury_dependant",
            Self::Unemployment => "unemployment",
        }
    }

    /// The official Chinese name, as in the notice.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::EmployeePension => "城镇职工基本养老保险待遇",
            Self::GovernmentPension => "机关事业单位养老保险待遇",
            Self::ResidentPension => "城乡居民养老保险待遇",
            Self::WorkInjury => "工伤保险长期待遇",
            Self::WorkInjuryDependant => "供养亲属抚恤金",
            Self::Unemployment => "失业保险待遇",
        }
    }

    /// The name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::EmployeePension => "Urban employee basic pension",
            Self::GovernmentPension => "Government and public-institution pension",
            Self::ResidentPension => "Urban-rural resident pension",
            Self::WorkInjury => "Work-injury long-term benefit",
            Self::WorkInjuryDependant => "Work-injury dependant's pension",
            Self::Unemployment => "Unemployment benefit",
        }
    }

    /// The name in Uyghur, as the recipients' page and notices give it.
    pub fn name_ug(self) -> &'static str {
        match self {
            Self::EmployeePension => "ئىشچى-خىزمەتچىلەر پېنسىيەسى",
            Self::GovernmentPension => "ئورگان ۋە كەسپىي ئورۇن پېنسىيەسى",
            Self::ResidentPension => "شەھەر-يېزا ئاھالىلىرى پېنسىيەسى",
            Self::WorkInjury => "ئىشتا يارىلىنىش ئۇزۇن مۇددەتلىك تەمىناتى",
            Self::WorkInjuryDependant => "ئىشتا يارىلىنىش بېقىلىدىغان تۇغقانلار نەپىقىسى",
            Self::Unemployment => "ئىشسىزلىق سۇغۇرتا پۇلى",
        }
    }

    /// Whether this is one of the pensions of R5.6.
    pub fn is_pension(self) -> bool {
        matches!(self, Self::EmployeePension | Self::GovernmentPension | Self::ResidentPension)
    }

    /// The national code of its insurance type (险种类型, AAE140).
    pub fn national_code(self) -> &'static str {
        match self {
            Self::EmployeePension => "110",
            Self::GovernmentPension => "120",
            Self::ResidentPension => "170",
            Self::WorkInjury | Self::WorkInjuryDependant => "410",
            Self::Unemployment => "210",
        }
    }

    /// Accepts the code, the national insurance-type code (AAE140), the
    /// standard names and the variants and short forms found in agency files
    /// ([`DESIGNATIONS`]).
    pub fn parse(text: &str) -> Result<Self, UnknownCode> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|b| b.code() == t)
            .or_else(|| DESIGNATIONS.iter().find(|d| d.text == t).map(|d| d.benefit))
            .ok_or_else(|| UnknownCode { what: "benefit_type", value: t.to_string() })
    }

    /// An insurance type with, where the file has one, the benefit item
    /// beside it (待遇项目): under work injury (410) the item tells the injured
    /// worker's own benefit from a dependant's pension (R5.7).
    pub fn parse_with_item(insurance: &str, item: &str) -> Result<Self, DesignationError> {
        let insurance = insurance.trim();
        if let Some((_, name)) = OUT_OF_SCOPE_CODES.iter().find(|(code, name)| *code == insurance || *name == insurance) {
            return Err(DesignationError::OutOfScope(name));
        }
        let benefit = Self::parse(insurance).map_err(DesignationError::Unknown)?;
        let item = item.trim();
        if item.is_empty() {
            return Ok(benefit);
        }
        let by_item = Self::parse(item).map_err(DesignationError::Unknown)?;
        let work_injury = |b: Self| matches!(b, Self::WorkInjury | Self::WorkInjuryDependant);
        match (benefit, by_item) {
            (b, i) if work_injury(b) && work_injury(i) => Ok(i),
            (b, i) if b == i => Ok(b),
            _ => Err(DesignationError::ItemContradicts { insurance: benefit, item: by_item }),
        }
    }
}

/// One way agency files and clerks name a benefit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Designation {
    /// The text as it appears in a file.
    pub text: &'static str,
    /// The benefit it designates.
    pub benefit: BenefitType,
    /// What kind of name it is.
    pub kind: DesignationKind,
}

/// The kinds of names in [`DESIGNATIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignationKind {
    /// The national code of 险种类型 (AAE140).
    NationalCode,
    /// The name in the notice or the standard name of the insurance type.
    StandardName,
    /// An older or regional name still found in exports.
    Variant,
    /// A short form clerks type; also the benefit items (待遇项目).
    ShortForm,
}

const fn designation(text: &'static str, benefit: BenefitType, kind: DesignationKind) -> Designation {
    Designation { text, benefit, kind }
}

use BenefitType as B;
use DesignationKind as K;

/// Every name zige accepts for a benefit, beside its code: the one table the
/// roster import, the partner files and the staff console use
/// (`GET /api/v1/codes`). Under the national code 410 a file says which
/// work-injury benefit it is in its benefit-item column.
pub const DESIGNATIONS: &[Designation] = &[
    designation("110", B::EmployeePension, K::NationalCode),
    designation("120", B::GovernmentPension, K::NationalCode),
    designation("170", B::ResidentPension, K::NationalCode),
    designation("210", B::Unemployment, K::NationalCode),
    designation("410", B::WorkInjury, K::NationalCode),
    designation("城镇职工基本养老保险待遇", B::EmployeePension, K::StandardName),
    designation("企业职工基本养老保险", B::EmployeePension, K::StandardName),
    designation("城镇企业职工基本养老保险", B::EmployeePension, K::Variant),
    designation("城镇职工基本养老保险", B::EmployeePension, K::Variant),
    designation("企业职工养老保险", B::EmployeePension, K::Variant),
    designation("城镇职工养老保险", B::EmployeePension, K::ShortForm),
    designation("职工养老", B::EmployeePension, K::ShortForm),
    designation("企业养老", B::EmployeePension, K::ShortForm),
    designation("机关事业单位养老保险待遇", B::GovernmentPension, K::StandardName),
    designation("机关事业单位养老保险", B::GovernmentPension, K::StandardName),
    designation("机关事业单位基本养老保险", B::GovernmentPension, K::Variant),
    designation("机关事业养老", B::GovernmentPension, K::ShortForm),
    designation("机关养老", B::GovernmentPension, K::ShortForm),
    designation("城乡居民养老保险待遇", B::ResidentPension, K::StandardName),
    designation("城乡居民基本养老保险", B::ResidentPension, K::StandardName),
    designation("城乡居民社会养老保险", B::ResidentPension, K::Variant),
    designation("新型农村社会养老保险", B::ResidentPension, K::Variant),
    designation("城镇居民社会养老保险", B::ResidentPension, K::Variant),
    designation("城乡居民养老保险", B::ResidentPension, K::ShortForm),
    designation("城乡居民养老", B::ResidentPension, K::ShortForm),
    designation("居民养老", B::ResidentPension, K::ShortForm),
    designation("新农保", B::ResidentPension, K::ShortForm),
    designation("城居保", B::ResidentPension, K::ShortForm),
    designation("工伤保险长期待遇", B::WorkInjury, K::StandardName),
    designation("工伤保险", B::WorkInjury, K::StandardName),
    designation("工伤", B::WorkInjury, K::ShortForm),
    designation("伤残津贴", B::WorkInjury, K::ShortForm),
    designation("生活护理费", B::WorkInjury, K::ShortForm),
    designation("供养亲属抚恤金", B::WorkInjuryDependant, K::StandardName),
    designation("因工死亡职工供养亲属抚恤金", B::WorkInjuryDependant, K::Variant),
    designation("工亡供养", B::WorkInjuryDependant, K::ShortForm),
    designation("供养亲属", B::WorkInjuryDependant, K::ShortForm),
    designation("失业保险待遇", B::Unemployment, K::StandardName),
    designation("失业保险", B::Unemployment, K::StandardName),
    designation("失业保险金", B::Unemployment, K::Variant),
    designation("失业", B::Unemployment, K::ShortForm),
];

/// National insurance-type codes (AAE140) and names that agency exports
/// carry but the notice does not cover: refused with what they are.
pub const OUT_OF_SCOPE_CODES: &[(&str, &str)] = &[("310", "职工基本医疗保险"), ("390", "城乡居民基本医疗保险"), ("510", "生育保险")];

/// Why an insurance type and benefit item do not name a benefit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DesignationError {
    /// Neither a code nor a known name.
    Unknown(UnknownCode),
    /// A real insurance type that the notice does not cover.
    OutOfScope(&'static str),
    /// The benefit item belongs to another insurance type.
    ItemContradicts {
        /// What the insurance type says.
        insurance: BenefitType,
        /// What the item says.
        item: BenefitType,
    },
}

impl DesignationError {
    /// The reason in Chinese, for the row's message.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Unknown(e) => format!("待遇类型“{}”无法识别", e.value),
            Self::OutOfScope(name) => format!("{name}不属于资格认证的待遇"),
            Self::ItemContradicts { insurance, item } => format!("待遇项目（{}）与险种（{}）不符", item.name_zh(), insurance.name_zh()),
        }
    }
}

impl fmt::Display for DesignationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown(e) => e.fmt(f),
            Self::OutOfScope(name) => write!(f, "{name} is an insurance type the certification does not cover"),
            Self::ItemContradicts { insurance, item } => {
                write!(f, "the benefit item ({item}) contradicts the insurance type ({insurance})")
            }
        }
    }
}

impl std::error::Error for DesignationError {}

impl fmt::Display for BenefitType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A code that is not in the list of accepted values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    /// Which kind of code (the field name).
    pub what: &'static str,
    /// The value that was refused.
    pub value: String,
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" is not a known {}", self.value, self.what)
    }
}

impl std::error::Error for UnknownCode {}

/// The groups of people with limited mobility the community keeps on its
/// service ledger (R6.3: 高龄、孤寡、病残、精神疾病患者), by code and name.
pub const SPECIAL_GROUPS: [CodeName; 4] = [
    CodeName::new("very_old", ["高龄", "يېشى چوڭ", "Very old"]),
    CodeName::new("living_alone", ["孤寡", "يالغۇز ياشايدىغان", "Living alone"]),
    CodeName::new("sick_or_disabled", ["病残", "كېسەل ياكى مېيىپ", "Sick or disabled"]),
    CodeName::new("mental_illness", ["精神疾病", "روھىي كېسەل", "Mental illness"]),
];

/// Who manages a retiree (R1.2, R2.2): the city's socialised management
/// services, or an employer unit outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManagementMode {
    /// 社会化管理
    Socialised,
    /// 参保单位管理 (not under socialised management)
    Employer,
}

impl ManagementMode {
    /// Every mode.
    pub const ALL: [ManagementMode; 2] = [Self::Socialised, Self::Employer];

    /// The code and its names.
    pub fn code_name(self) -> CodeName {
        match self {
            Self::Socialised => CodeName::new("socialised", ["社会化管理", "ئىجتىمائىي باشقۇرۇش", "Socialised management"]),
            Self::Employer => CodeName::new("employer", ["单位管理", "ئورۇن باشقۇرىدۇ", "Managed by the employer"]),
        }
    }

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Socialised => "socialised",
            Self::Employer => "employer",
        }
    }

    /// Accepts the code or the Chinese term.
    pub fn parse(text: &str) -> Result<Self, UnknownCode> {
        match text.trim() {
            "socialised" | "socialized" | "社会化" | "社会化管理" => Ok(Self::Socialised),
            "employer" | "单位" | "单位管理" => Ok(Self::Employer),
            other => Err(UnknownCode { what: "management", value: other.to_string() }),
        }
    }
}

/// Where a recipient lives (R3.3), which decides who confirms residence and
/// who verifies in the field (R2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidenceKind {
    /// 本地居住: in a community of the city.
    Local,
    /// 异地居住: elsewhere in China.
    Domestic,
    /// 国（境）外居住: abroad.
    /// Lives abroad.
    Abroad,
}

impl ResidenceKind {
    /// Every kind of residence.
    pub const ALL: [ResidenceKind; 3] = [Self::Local, Self::Domestic, Self::Abroad];

    /// The code and its names.
    pub fn code_name(self) -> CodeName {
        match self {
            Self::Local => CodeName::new("local", ["本地居住", "يەرلىكتە تۇرىدۇ", "Lives locally"]),
            Self::Domestic => {
                CodeName::new("domestic", ["异地居住（国内）", "باشقا جايدا تۇرىدۇ (دۆلەت ئىچىدە)", "Lives elsewhere (in China)"])
            }
            Self::Abroad => CodeName::new("abroad", ["境外居住", "چەتئەلدە تۇرىدۇ", "Lives abroad"]),
        }
    }

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Domestic => "domestic",
            Self::Abroad => "abroad",
        }
    }

    /// Accepts the code or the Chinese term.
    pub fn parse(text: &str) -> Result<Self, UnknownCode> {
        match text.trim() {
            "local" | "本地" | "本地居住" => Ok(Self::Local),
            "domestic" | "异地" | "异地居住" => Ok(Self::Domestic),
            "abroad" | "境外" | "国外" | "国（境）外" | "国(境)外" => Ok(Self::Abroad),
            other => Err(UnknownCode { what: "residence", value: other.to_string() }),
        }
    }
}

/// A recipient's residence: a community of the city, or away from it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Residence {
    /// Lives in the city, in this community (organisation id).
    Local {
        /// The community (organisation id).
        community: String,
    },
    /// Lives elsewhere in China.
    /// Lives elsewhere in China.
    Domestic,
    /// Lives abroad.
    Abroad,
}

impl Residence {
    /// The kind of residence.
    pub fn kind(&self) -> ResidenceKind {
        match self {
            Self::Local { .. } => ResidenceKind::Local,
            Self::Domestic => ResidenceKind::Domestic,
            Self::Abroad => ResidenceKind::Abroad,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r1_1_every_benefit_type_parses_from_code_and_chinese_name() {
        for b in BenefitType::ALL {
            assert_eq!(BenefitType::parse(b.code()).unwrap(), b);
            assert_eq!(BenefitType::parse(b.name_zh()).unwrap(), b);
            assert!(!b.name_en().is_empty());
        }
        assert_eq!(BenefitType::parse("失业").unwrap(), BenefitType::Unemployment);
        let err = BenefitType::parse("养老").unwrap_err();
        assert_eq!(err.what, "benefit_type");
    }

    #[test]
    fn r1_1_national_codes_standard_names_and_variants() {
        let cases = [
            ("110", "", Ok(B::EmployeePension)),
            ("120", "", Ok(B::GovernmentPension)),
            ("170", "", Ok(B::ResidentPension)),
            ("210", "", Ok(B::Unemployment)),
            ("410", "", Ok(B::WorkInjury)),
            ("410", "伤残津贴", Ok(B::WorkInjury)),
            ("410", "供养亲属抚恤金", Ok(B::WorkInjuryDependant)),
            ("工伤保险", "供养亲属抚恤金", Ok(B::WorkInjuryDependant)),
            ("城镇企业职工基本养老保险", "", Ok(B::EmployeePension)),
            ("城乡居民社会养老保险", "", Ok(B::ResidentPension)),
            ("新型农村社会养老保险", " ", Ok(B::ResidentPension)),
            (" 企业养老 ", "", Ok(B::EmployeePension)),
            ("110", "供养亲属抚恤金", Err("contradicts")),
            ("310", "", Err("out of scope")),
            ("生育保险", "", Err("out of scope")),
            ("养老", "", Err("unknown")),
        ];
        for (insurance, item, expected) in cases {
            let got = BenefitType::parse_with_item(insurance, item);
            match (expected, &got) {
                (Ok(b), Ok(g)) => assert_eq!(*g, b, "{insurance} {item}"),
                (Err("contradicts"), Err(DesignationError::ItemContradicts { .. }))
                | (Err("out of scope"), Err(DesignationError::OutOfScope(_)))
                | (Err("unknown"), Err(DesignationError::Unknown(_))) => {}
                _ => panic!("{insurance} {item}: {got:?}"),
            }
        }
    }

    #[test]
    fn every_designation_is_unique_and_every_benefit_has_its_national_code() {
        let mut texts: Vec<&str> = DESIGNATIONS.iter().map(|d| d.text).collect();
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), DESIGNATIONS.len(), "a name designates one benefit");
        for b in BenefitType::ALL {
            assert!(DESIGNATIONS.iter().any(|d| d.text == b.name_zh()), "{b}: its own name");
            assert_eq!(BenefitType::parse(b.national_code()).unwrap().national_code(), b.national_code());
        }
    }

    #[test]
    fn r1_2_r3_3_management_and_residence_codes() {
        assert_eq!(ManagementMode::parse("社会化").unwrap(), ManagementMode::Socialised);
        assert_eq!(ManagementMode::parse("单位").unwrap(), ManagementMode::Employer);
        assert!(ManagementMode::parse("x").is_err());
        for (text, kind) in [("本地", ResidenceKind::Local), ("异地", ResidenceKind::Domestic), ("境外", ResidenceKind::Abroad)] {
            assert_eq!(ResidenceKind::parse(text).unwrap(), kind);
            assert_eq!(ResidenceKind::parse(kind.code()).unwrap(), kind);
        }
    }
}
