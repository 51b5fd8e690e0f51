//! Staff sessions and authorisation, checked in one place (R2.3, R9.2):
//! which role may do what, and whose data a staff member may see.

use crate::Problem;
use anyhow::Result;
use spin_sdk::http::Request;
use zige_domain::names::CodeName;
use zige_domain::routing::{OrgKind, OrgTree, Placement};
use zige_store::db::Db;
use zige_store::tables::Scope;

/// How long a staff session lasts.
pub const SESSION_SECONDS: i64 = 8 * 3600;

/// Staff roles (R2.1, R2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 市人社局 administrator: organisations and accounts.
    CityAdmin,
    /// 市社会保险经办机构: terminates, approves instalment plans.
    CitySocialInsurance,
    /// 市退管机构: matching, dispatch, suspension.
    CityRetiree,
    /// 区（县）退管机构.
    District,
    /// 片区管委会、街道、乡、镇.
    SubDistrict,
    /// 社区、村.
    Community,
    /// 参保单位: only its own retirees.
    Employer,
    /// Read-only auditor: sees everything, changes nothing.
    Auditor,
    /// Another system's account (the benefits-payment system, a message
    /// gateway): reads the outbound feeds, nothing else.
    Integration,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 9] = [
        Role::CityAdmin,
        Role::CitySocialInsurance,
        Role::CityRetiree,
        Role::District,
        Role::SubDistrict,
        Role::Community,
        Role::Employer,
        Role::Auditor,
        Role::Integration,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Role::CityAdmin => "city_admin",
            Role::CitySocialInsurance => "city_social_insurance",
            Role::CityRetiree => "city_retiree",
            Role::District => "district",
            Role::SubDistrict => "sub_district",
            Role::Community => "community",
            Role::Employer => "employer",
            Role::Auditor => "auditor",
            Role::Integration => "integration",
        }
    }

    /// The role's code and its names: the name of its organisation's kind
    /// where the role is that organisation's own.
    pub fn code_name(self) -> CodeName {
        let of_kind = |kind: OrgKind| {
            let named = kind.code_name();
            [named.name_zh, named.name_ug, named.name_en]
        };
        let names = match self {
            Role::CityAdmin => [
                "市人社局系统管理员",
                "شەھەرلىك ئادەم كۈچى بايلىقى ۋە ئىجتىمائىي كاپالەت ئىدارىسىنىڭ سىستېما باشقۇرغۇچىسى",
                "City HRSS bureau system administrator",
            ],
            Role::CitySocialInsurance => of_kind(OrgKind::SocialInsuranceAgency),
            Role::CityRetiree => of_kind(OrgKind::RetireeAgency),
            Role::District => of_kind(OrgKind::District),
            Role::SubDistrict => ["街道（乡镇）", "كوچا باشقارمىسى (يېزا-بازار)", "Sub-district (township)"],
            Role::Community => of_kind(OrgKind::Community),
            Role::Employer => of_kind(OrgKind::Employer),
            Role::Auditor => ["审计", "تەپتىشچى", "Auditor"],
            Role::Integration => ["系统对接", "سىستېما ئۇلىنىشى", "System integration"],
        };
        CodeName::new(self.code(), names)
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether an account of this role carries an agency's own powers (to
    /// stop, terminate and recover payments in its name), so that the
    /// agency confirms it: the bureau's administrator alone may appoint an
    /// agency's first officer, not staff it (separation of duties, issue 17).
    pub fn confirmed_by_agency(self) -> bool {
        matches!(self, Role::CitySocialInsurance | Role::CityRetiree)
    }

    /// The organisation kinds an account of this role may belong to.
    pub fn fits(self, kind: OrgKind) -> bool {
        match self {
            Role::CityAdmin | Role::Auditor => kind == OrgKind::HrssBureau,
            Role::CitySocialInsurance | Role::Integration => kind == OrgKind::SocialInsuranceAgency,
            Role::CityRetiree => kind == OrgKind::RetireeAgency,
            Role::District => kind == OrgKind::District,
            Role::SubDistrict => kind == OrgKind::SubDistrict,
            Role::Community => kind == OrgKind::Community,
            Role::Employer => kind == OrgKind::Employer,
        }
    }
}

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Create organisations.
    ManageOrgs,
    /// Create and disable staff accounts.
    ManageStaff,
    /// Import the roster of recipients (city-level staff).
    ImportRoster,
    /// Find and read recipients within scope.
    ReadPersons,
    /// Change a recipient's personal and family data within scope (R3.1).
    EditPersons,
    /// Change benefit data (type, amount, start).
    EditBenefits,
    /// Read and verify the audit trail.
    ReadAudit,
    /// Register partners and manage their secrets.
    ManagePartners,
    /// Review events that matched nobody and re-match them (city-level staff).
    ReviewUnmatched,
    /// Import files of partner records (R5.1, R5.2; city-level staff).
    ImportPartnerRecords,
    /// Read and acknowledge the payroll-instruction and message feeds.
    ReadFeeds,
    /// Work the verification tasks of one's own queue and record outcomes (R6).
    WorkTasks,
    /// Review districts' outcomes: suspend, send back, certify, restore (R7.1, R7.2).
    ReviewOutcomes,
    /// Set a deadline and dispatch the to-be-verified list as tasks (R6.1; city-level staff).
    DispatchVerification,
    /// Terminate a benefit after suspension and reinstate a wrongly terminated one (R7.2; the agency).
    TerminateBenefits,
    /// Bind, download and verify the monthly archives of one's districts (R8.2).
    FileArchives,
    /// Work recovery cases: serve notices, record payments (R7.3; districts and the city).
    RecoverOverpayments,
    /// Approve instalment plans, decide and lift blacklisting (R7.5, R9.3; the agency).
    DecideRecovery,
    /// Handle reports of improper receipt and misconduct, reporters included (R9.1).
    HandleReports,
}

impl Permission {
    /// Every permission, for clients that show what a role may do.
    pub const ALL: [Permission; 19] = [
        Permission::ManageOrgs,
        Permission::ManageStaff,
        Permission::ImportRoster,
        Permission::ReadPersons,
        Permission::EditPersons,
        Permission::EditBenefits,
        Permission::ReadAudit,
        Permission::ManagePartners,
        Permission::ReviewUnmatched,
        Permission::ImportPartnerRecords,
        Permission::ReadFeeds,
        Permission::WorkTasks,
        Permission::ReviewOutcomes,
        Permission::DispatchVerification,
        Permission::TerminateBenefits,
        Permission::FileArchives,
        Permission::RecoverOverpayments,
        Permission::DecideRecovery,
        Permission::HandleReports,
    ];
}

/// The permission table: the one place that says which role may do what.
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    use Role::*;
    match permission {
        ManageOrgs | ManageStaff => role == CityAdmin,
        ImportRoster | EditBenefits => matches!(role, CityAdmin | CitySocialInsurance | CityRetiree),
        ReadPersons => role != Integration,
        EditPersons => !matches!(role, Auditor | Integration),
        ReadAudit => matches!(role, CityAdmin | Auditor),
        ManagePartners => role == CityAdmin,
        ReviewUnmatched => matches!(role, CityAdmin | CitySocialInsurance | CityRetiree | Auditor),
        ImportPartnerRecords => matches!(role, CityAdmin | CitySocialInsurance | CityRetiree),
        ReadFeeds => matches!(role, CityAdmin | Integration),
        WorkTasks => !matches!(role, Auditor | Integration),
        ReviewOutcomes | DispatchVerification => matches!(role, CityAdmin | CitySocialInsurance | CityRetiree),
        RecoverOverpayments => matches!(role, CityAdmin | CitySocialInsurance | CityRetiree | District | Employer),
        DecideRecovery | TerminateBenefits => matches!(role, CityAdmin | CitySocialInsurance),
        FileArchives => matches!(role, CityAdmin | CitySocialInsurance | CityRetiree | District),
        HandleReports => role == CitySocialInsurance,
    }
}

/// A logged-in staff member.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Staff {
    /// The account id.
    pub id: String,
    /// The login name.
    pub username: String,
    /// The role.
    pub role: Role,
    /// The organisation whose subtree is the scope.
    pub org_id: String,
    /// The account's session generation when the session was opened: a
    /// later password change, disabling or unlock ends the session.
    /// Sessions opened before generations existed read as generation 0.
    #[serde(default)]
    pub session_generation: i64,
}

impl Staff {
    /// The actor string for audit records.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.id)
    }

    /// Refuses with 403 unless the role has the permission.
    pub fn require(&self, permission: Permission) -> Result<(), Problem> {
        if allows(self.role, permission) { Ok(()) } else { Err(Problem::forbidden()) }
    }

    /// Whether this officer may confirm a new account of `role` in `org_id`:
    /// only an officer of the same agency in the same role
    /// ([`Role::confirmed_by_agency`]).
    pub fn may_confirm(&self, role: Role, org_id: &str) -> bool {
        role.confirmed_by_agency() && self.role == role && self.org_id == org_id
    }
}

/// Stores a new session and returns its token and expiry (unix seconds).
pub fn create_session(staff: &Staff) -> Result<(String, i64)> {
    zige_store::session::create("staff", staff, SESSION_SECONDS)
}

/// Ends the session of this token.
pub fn end_session(token: &str) -> Result<()> {
    zige_store::session::end("staff", token)
}

/// The staff member behind the request's bearer token: 401 without a valid,
/// unexpired session of an enabled account, opened since the account's
/// password or status last changed.
pub fn staff(req: &Request, db: &Db) -> Result<Staff, Problem> {
    let token = crate::request::bearer(req).ok_or_else(Problem::unauthenticated)?;
    let staff: Staff = zige_store::session::find("staff", &token)?.ok_or_else(Problem::unauthenticated)?;
    let current = zige_store::tables::staff::session_standing(db, &staff.id)?
        .map(|s| !s.disabled && s.session_generation == staff.session_generation);
    if current != Some(true) {
        return Err(Problem::unauthenticated());
    }
    Ok(staff)
}

/// The organisation tree from the database.
pub fn org_tree(db: &Db) -> Result<OrgTree> {
    let orgs = zige_store::tables::orgs::tree_nodes(db)?;
    OrgTree::new(orgs).map_err(|e| anyhow::anyhow!("the organisation tree is broken: {e}"))
}

/// Whether the staff member's scope covers a recipient (R2.3).
pub fn covers(tree: &OrgTree, staff: &Staff, who: &Placement) -> bool {
    tree.scope_covers(&staff.org_id, who)
}

/// The staff member's scope (R2.3) as the store's filter on persons.
/// Callers apply [`covers`] to rows as well where they can.
pub fn scope(tree: &OrgTree, staff: &Staff) -> Result<Scope, Problem> {
    Scope::of(tree, &staff.org_id).map_err(|_| Problem::forbidden())
}
