//! Who is responsible for a recipient (R2.2) and whose scope covers whom
//! (R2.3), over the organisation tree of R2.1.

use crate::benefit::{ManagementMode, Residence};
use crate::names::CodeName;
use std::collections::BTreeMap;
use std::fmt;

/// The kinds of organisation in the tree (R2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 市人社局
    HrssBureau,
    /// 市社会保险经办机构
    SocialInsuranceAgency,
    /// 市退管机构
    RetireeAgency,
    /// 区（县）退管机构
    District,
    /// 片区管委会、街道、乡、镇
    SubDistrict,
    /// 社区、村
    Community,
    /// 参保单位
    Employer,
}

impl OrgKind {
    /// Every kind, from the top of the tree down.
    pub const ALL: [OrgKind; 7] = [
        Self::HrssBureau,
        Self::SocialInsuranceAgency,
        Self::RetireeAgency,
        Self::District,
        Self::SubDistrict,
        Self::Community,
        Self::Employer,
    ];

    /// The kind's code, as the API writes it.
    pub fn code(self) -> &'static str {
        self.code_name().code
    }

    /// The kind's code and its names.
    pub fn code_name(self) -> CodeName {
        match self {
            Self::HrssBureau => {
                CodeName::new("hrss_bureau", ["市人社局", "شەھەرلىك ئادەم كۈچى بايلىقى ۋە ئىجتىمائىي كاپالەت ئىدارىسى", "City HRSS bureau"])
            }
            Self::SocialInsuranceAgency => CodeName::new(
                "social_insurance_agency",
                ["市社会保险经办机构", "شەھەرلىك ئىجتىمائىي سۇغۇرتا بېجىرىش ئورگىنى", "City social-insurance agency"],
            ),
            Self::RetireeAgency => {
                CodeName::new("retiree_agency", ["市退管机构", "شەھەرلىك پېنسىيونېرلارنى باشقۇرۇش ئورگىنى", "City retiree office"])
            }
            Self::District => CodeName::new(
                "district",
                ["区（县）退管机构", "رايونلۇق (ناھىيەلىك) پېنسىيونېرلارنى باشقۇرۇش ئورگىنى", "District (county) retiree office"],
            ),
            Self::SubDistrict => CodeName::new(
                "sub_district",
                [
                    "片区管委会、街道（乡镇）",
                    "رايون باشقۇرۇش كومىتېتى، كوچا باشقارمىسى (يېزا-بازار)",
                    "Area management committee or sub-district (township)",
                ],
            ),
            Self::Community => CodeName::new("community", ["社区（村）", "مەھەللە (كەنت)", "Community (village)"]),
            Self::Employer => CodeName::new("employer", ["参保单位", "سۇغۇرتىغا قاتناشقان ئورۇن", "Insured employer"]),
        }
    }

    /// Whether an organisation of this kind may sit under one of `parent`'s
    /// kind (R2.1); the three city organisations are made with the city.
    pub fn may_sit_under(self, parent: OrgKind) -> bool {
        use OrgKind::*;
        match self {
            District => parent == RetireeAgency,
            SubDistrict => parent == District,
            Community => matches!(parent, SubDistrict | District),
            Employer => matches!(parent, SocialInsuranceAgency | HrssBureau),
            HrssBureau | SocialInsuranceAgency | RetireeAgency => false,
        }
    }

    /// City-level organisations see the whole city (R2.3).
    pub fn is_city_level(self) -> bool {
        matches!(self, Self::HrssBureau | Self::SocialInsuranceAgency | Self::RetireeAgency)
    }
}

/// One organisation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Org {
    /// The organisation's id (its code).
    pub id: String,
    /// The organisation above it; `None` for the city HRSS bureau.
    pub parent: Option<String>,
    /// What kind of organisation it is.
    pub kind: OrgKind,
    /// Administrative division code, for districts (e.g. 650102).
    pub division_code: Option<String>,
}

/// Why a tree or a routing question is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingError {
    /// No organisation has this id.
    UnknownOrg(String),
    /// The parent chain loops back on itself.
    Cycle(String),
    /// A local recipient's community is not a community.
    NotACommunity(String),
    /// No district carries the recipient's place-of-insurance code.
    UnknownInsuredDistrict(String),
    /// An employer-managed recipient without an employer unit.
    MissingEmployer,
}

impl fmt::Display for RoutingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownOrg(id) => write!(f, "no organisation \"{id}\""),
            Self::Cycle(id) => write!(f, "organisation \"{id}\" is its own ancestor"),
            Self::NotACommunity(id) => write!(f, "\"{id}\" is not a community or village"),
            Self::UnknownInsuredDistrict(code) => {
                write!(f, "no district has the division code \"{code}\"")
            }
            Self::MissingEmployer => write!(f, "a recipient managed by an employer needs the employer unit"),
        }
    }
}

impl std::error::Error for RoutingError {}

/// The organisation tree, checked to have known parents and no cycles.
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    orgs: BTreeMap<String, Org>,
}

/// Where a recipient sits, as far as routing is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Where the recipient lives (R3.3).
    pub residence: Residence,
    /// Who manages the recipient (R1.2).
    pub management: ManagementMode,
    /// The employer unit's organisation id, for employer-managed recipients.
    pub employer: Option<String>,
    /// The division code of the place of insurance (参保地).
    pub insured_district: String,
}

impl OrgTree {
    /// Builds the tree, refusing unknown parents and cycles.
    pub fn new(orgs: impl IntoIterator<Item = Org>) -> Result<Self, RoutingError> {
        let tree = Self { orgs: orgs.into_iter().map(|o| (o.id.clone(), o)).collect() };
        for org in tree.orgs.values() {
            let mut steps = 0;
            let mut current = org;
            while let Some(parent) = &current.parent {
                current = tree.orgs.get(parent).ok_or_else(|| RoutingError::UnknownOrg(parent.clone()))?;
                steps += 1;
                if steps > tree.orgs.len() {
                    return Err(RoutingError::Cycle(org.id.clone()));
                }
            }
        }
        Ok(tree)
    }

    /// The organisation with this id.
    pub fn get(&self, id: &str) -> Result<&Org, RoutingError> {
        self.orgs.get(id).ok_or_else(|| RoutingError::UnknownOrg(id.to_string()))
    }

    /// The city's organisation of a city-level kind (the city has one of
    /// each): the retiree agency receives escalations, the social-insurance
    /// agency files terminations and recoveries (R2.1, R7.2). Found by its
    /// kind, because the operator chooses the ids.
    pub fn city_org(&self, kind: OrgKind) -> Result<&Org, RoutingError> {
        debug_assert!(kind.is_city_level());
        self.orgs.values().find(|o| o.kind == kind).ok_or_else(|| RoutingError::UnknownOrg(kind.code().to_string()))
    }

    /// Whether `id` is `ancestor` or lies beneath it.
    pub fn is_within(&self, id: &str, ancestor: &str) -> bool {
        let mut current = self.orgs.get(id);
        while let Some(org) = current {
            if org.id == ancestor {
                return true;
            }
            current = org.parent.as_deref().and_then(|p| self.orgs.get(p));
        }
        false
    }

    /// Every organisation at or beneath `root`.
    pub fn subtree<'a>(&'a self, root: &'a str) -> impl Iterator<Item = &'a Org> + 'a {
        self.orgs.values().filter(move |o| self.is_within(&o.id, root))
    }

    /// The district at or above an organisation, where its missed
    /// deadlines are escalated (R6.3, R6.7); `None` for the city level.
    pub fn district_of(&self, id: &str) -> Option<&Org> {
        let mut current = self.orgs.get(id);
        while let Some(org) = current {
            if org.kind == OrgKind::District {
                return Some(org);
            }
            current = org.parent.as_deref().and_then(|p| self.orgs.get(p));
        }
        None
    }

    /// The district carrying a division code.
    pub fn district_by_code(&self, code: &str) -> Result<&Org, RoutingError> {
        self.orgs
            .values()
            .find(|o| o.kind == OrgKind::District && o.division_code.as_deref() == Some(code))
            .ok_or_else(|| RoutingError::UnknownInsuredDistrict(code.to_string()))
    }

    /// The organisation responsible for verifying a recipient (R2.2): the
    /// employer unit outside socialised management; otherwise the community
    /// of residence in the city, or the district of the place of insurance
    /// for people living elsewhere in China or abroad.
    pub fn responsible_org(&self, who: &Placement) -> Result<&Org, RoutingError> {
        if who.management == ManagementMode::Employer {
            let employer = who.employer.as_deref().ok_or(RoutingError::MissingEmployer)?;
            return self.get(employer);
        }
        match &who.residence {
            Residence::Local { community } => {
                let org = self.get(community)?;
                if org.kind != OrgKind::Community {
                    return Err(RoutingError::NotACommunity(community.clone()));
                }
                Ok(org)
            }
            Residence::Domestic | Residence::Abroad => self.district_by_code(&who.insured_district),
        }
    }

    /// Whether staff of organisation `staff_org` may see and act on the
    /// recipient (R2.3): city agencies see everyone; an employer sees only its
    /// own retirees; districts, sub-districts and communities see those who
    /// live in their area or for whom they are responsible.
    pub fn scope_covers(&self, staff_org: &str, who: &Placement) -> bool {
        let Ok(staff) = self.get(staff_org) else {
            return false;
        };
        match staff.kind {
            kind if kind.is_city_level() => true,
            OrgKind::Employer => who.management == ManagementMode::Employer && who.employer.as_deref() == Some(staff_org),
            _ => {
                let lives_here = matches!(&who.residence, Residence::Local { community } if self.is_within(community, staff_org));
                let responsible_here = self.responsible_org(who).is_ok_and(|o| self.is_within(&o.id, staff_org));
                lives_here || responsible_here
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_kind_codes_are_the_api_s() {
        for kind in OrgKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.code());
        }
    }

    #[test]
    fn r2_1_the_city_s_organisations_are_found_by_kind_whatever_their_ids() {
        let tree = OrgTree::new([
            org("bureau", None, OrgKind::HrssBureau, None),
            org("agency-7", Some("bureau"), OrgKind::SocialInsuranceAgency, None),
            org("retirees", Some("bureau"), OrgKind::RetireeAgency, None),
        ])
        .unwrap();
        assert_eq!(tree.city_org(OrgKind::SocialInsuranceAgency).unwrap().id, "agency-7");
        assert_eq!(tree.city_org(OrgKind::RetireeAgency).unwrap().id, "retirees");
        let only_the_bureau = OrgTree::new([org("bureau", None, OrgKind::HrssBureau, None)]).unwrap();
        assert!(only_the_bureau.city_org(OrgKind::RetireeAgency).is_err());
    }

    #[test]
    fn r2_1_which_kind_sits_under_which() {
        use OrgKind::*;
        let cases = [
            (District, RetireeAgency, true),
            (District, HrssBureau, false),
            (SubDistrict, District, true),
            (SubDistrict, RetireeAgency, false),
            (Community, SubDistrict, true),
            (Community, District, true),
            (Community, Community, false),
            (Employer, SocialInsuranceAgency, true),
            (Employer, HrssBureau, true),
            (Employer, District, false),
            (HrssBureau, HrssBureau, false),
            (RetireeAgency, HrssBureau, false),
        ];
        for (kind, parent, fits) in cases {
            assert_eq!(kind.may_sit_under(parent), fits, "{kind:?} under {parent:?}");
        }
    }

    fn org(id: &str, parent: Option<&str>, kind: OrgKind, code: Option<&str>) -> Org {
        Org { id: id.into(), parent: parent.map(Into::into), kind, division_code: code.map(Into::into) }
    }

    fn tree() -> OrgTree {
        OrgTree::new([
            org("hrss", None, OrgKind::HrssBureau, None),
            org("si", Some("hrss"), OrgKind::SocialInsuranceAgency, None),
            org("retiree", Some("hrss"), OrgKind::RetireeAgency, None),
            org("tianshan", Some("retiree"), OrgKind::District, Some("650102")),
            org("shayibake", Some("retiree"), OrgKind::District, Some("650103")),
            org("ts-street", Some("tianshan"), OrgKind::SubDistrict, None),
            org("ts-comm", Some("ts-street"), OrgKind::Community, None),
            org("sy-comm", Some("shayibake"), OrgKind::Community, None),
            org("acme", Some("si"), OrgKind::Employer, None),
        ])
        .unwrap()
    }

    fn local(community: &str) -> Placement {
        Placement {
            residence: Residence::Local { community: community.into() },
            management: ManagementMode::Socialised,
            employer: None,
            insured_district: "650103".into(),
        }
    }

    #[test]
    fn r2_2_routing_table() {
        let t = tree();
        let abroad = Placement { residence: Residence::Abroad, ..local("ts-comm") };
        let domestic = Placement { residence: Residence::Domestic, ..local("ts-comm") };
        let employer = Placement { management: ManagementMode::Employer, employer: Some("acme".into()), ..local("ts-comm") };
        let cases = [
            (local("ts-comm"), "ts-comm", "lives in the city: the community of residence"),
            (abroad, "shayibake", "abroad: the district of the place of insurance"),
            (domestic, "shayibake", "elsewhere in China: the district of the place of insurance"),
            (employer, "acme", "not socialised: the employer unit"),
        ];
        for (who, expected, why) in cases {
            assert_eq!(t.responsible_org(&who).unwrap().id, expected, "{why}");
        }
    }

    #[test]
    fn r2_2_routing_errors() {
        let t = tree();
        assert_eq!(t.responsible_org(&local("tianshan")), Err(RoutingError::NotACommunity("tianshan".into())));
        let lost = Placement { residence: Residence::Abroad, insured_district: "999999".into(), ..local("ts-comm") };
        assert!(matches!(t.responsible_org(&lost), Err(RoutingError::UnknownInsuredDistrict(_))));
        let no_employer = Placement { management: ManagementMode::Employer, ..local("ts-comm") };
        assert_eq!(t.responsible_org(&no_employer), Err(RoutingError::MissingEmployer));
    }

    #[test]
    fn r2_3_scope_matrix() {
        let t = tree();
        let tianshan_local = local("ts-comm");
        let abroad_insured_shayibake = Placement { residence: Residence::Abroad, ..local("ts-comm") };
        let acme_retiree = Placement { management: ManagementMode::Employer, employer: Some("acme".into()), ..local("sy-comm") };
        let cases = [
            ("hrss", &tianshan_local, true),
            ("retiree", &acme_retiree, true),
            ("si", &abroad_insured_shayibake, true),
            ("tianshan", &tianshan_local, true),
            ("ts-street", &tianshan_local, true),
            ("ts-comm", &tianshan_local, true),
            ("sy-comm", &tianshan_local, false),
            ("shayibake", &tianshan_local, false),
            ("shayibake", &abroad_insured_shayibake, true),
            ("tianshan", &abroad_insured_shayibake, false),
            ("acme", &acme_retiree, true),
            ("acme", &tianshan_local, false),
            ("shayibake", &acme_retiree, true),
            ("nobody", &tianshan_local, false),
        ];
        for (staff, who, covered) in cases {
            assert_eq!(t.scope_covers(staff, who), covered, "{staff} vs {who:?}");
        }
    }

    #[test]
    fn r2_1_subtrees() {
        let t = tree();
        let ids: Vec<&str> = t.subtree("tianshan").map(|o| o.id.as_str()).collect();
        assert_eq!(ids, vec!["tianshan", "ts-comm", "ts-street"]);
        assert_eq!(t.subtree("nobody").count(), 0);
    }

    #[test]
    fn r2_1_trees_with_unknown_parents_or_cycles_are_refused() {
        assert!(matches!(OrgTree::new([org("a", Some("x"), OrgKind::District, None)]), Err(RoutingError::UnknownOrg(_))));
        let looped = OrgTree::new([org("a", Some("b"), OrgKind::District, None), org("b", Some("a"), OrgKind::District, None)]);
        assert!(matches!(looped, Err(RoutingError::Cycle(_))));
    }
}
