//! Benefit types (R1.1), management mode (R1.2, R2.2) and residence (R3.3).

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

    /// Whether this is one of the pensions of R5.6.
    pub fn is_pension(self) -> bool {
        matches!(self, Self::EmployeePension | Self::GovernmentPension | Self::ResidentPension)
    }

    /// Accepts the code or the Chinese name, including the short forms clerks
    /// use in spreadsheets.
    pub fn parse(text: &str) -> Result<Self, UnknownCode> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|b| b.code() == t || b.name_zh() == t)
            .or(match t {
                "职工养老" | "城镇职工养老保险" | "企业养老" => Some(Self::EmployeePension),
                "机关事业养老" | "机关事业单位养老保险" => Some(Self::GovernmentPension),
                "城乡居民养老" | "城乡居民养老保险" | "居民养老" => Some(Self::ResidentPension),
                "工伤" | "工伤保险" | "伤残津贴" => Some(Self::WorkInjury),
                "工亡供养" | "供养亲属" => Some(Self::WorkInjuryDependant),
                "失业" | "失业保险" | "失业保险金" => Some(Self::Unemployment),
                _ => None,
            })
            .ok_or_else(|| UnknownCode { what: "benefit_type", value: t.to_string() })
    }
}

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
