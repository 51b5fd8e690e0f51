//! What a person asks for, themselves or through someone (R6.3, R7.2): an
//! objection to a suspension and a home-visit request. The person lodges
//! them online; staff record them for someone who comes to the window,
//! phones, writes, or sends a relative. Both go through here, so the clock
//! to termination stops and the five working days run the same way whoever
//! writes the request down.

use crate::workflow::{self, Actor, AtHand};
use anyhow::Context;
use chrono::NaiveDate;
use serde::Deserialize;
use zige_domain::names::{CodeName, is_one_of};
use zige_domain::relations;
use zige_domain::tasks::VISIT_REASONS;
use zige_http::problem::Problem;
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::tables::{certification_helpers, home_visits, objections, persons};
use zige_store::{records, secrets};

/// How a request reached zige.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The person, through their own login.
    Online,
    /// At the service window.
    Window,
    /// By telephone.
    Phone,
    /// By letter.
    Letter,
    /// Through a family member who came in for the person.
    Family,
    /// Arranged by zige after failed face checks (R6.3).
    FaceCheck,
}

impl Channel {
    /// The channels staff record, with their codes.
    pub const STAFF: [(Channel, &'static str); 4] =
        [(Self::Window, "window"), (Self::Phone, "phone"), (Self::Letter, "letter"), (Self::Family, "family")];

    /// Every channel, the person's own first.
    pub const ALL: [Channel; 6] = [Self::Online, Self::Window, Self::Phone, Self::Letter, Self::Family, Self::FaceCheck];

    /// The channel's code and its names.
    pub fn code_name(self) -> CodeName {
        let names = match self {
            Self::Online => ["本人网上办理", "ئۆزى توردا بېجىرگەن", "Online, by the person"],
            Self::Window => ["窗口", "كۆزنەك", "Window"],
            Self::Phone => ["电话", "تېلېفون", "Phone"],
            Self::Letter => ["信函", "خەت-چەك", "Letter"],
            Self::Family => ["家属代办", "ئائىلە ئەزاسى ۋاكالىتەن بېجىرگەن", "By a family member"],
            Self::FaceCheck => {
                ["刷脸未通过后安排", "چىراي تونۇش مەغلۇپ بولغاندىن كېيىن ئورۇنلاشتۇرۇلغان", "Arranged after failed face checks"]
            }
        };
        CodeName::new(self.code(), names)
    }

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::FaceCheck => "face_check",
            _ => Self::STAFF.iter().find(|(c, _)| *c == self).map_or("online", |(_, code)| code),
        }
    }

    /// A channel staff record; "online" is the person's own.
    pub fn parse_staff(code: &str) -> Result<Self, Problem> {
        Self::STAFF
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(channel, _)| *channel)
            .ok_or_else(|| Problem::invalid("channel", "渠道应为窗口、电话、信函或家属代办", "channel: window, phone, letter or family"))
    }
}

/// A relative who made the request for the person, as staff give it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelativeGiven {
    /// One of [`relations::FAMILY`].
    pub relation: String,
    /// Their name.
    pub name: String,
}

/// A named person and how they stand to the recipient, checked: a
/// relative who made a request, or a helper at a face check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    relation: &'static str,
    name: String,
}

/// A relative who made a request for the person (R7.2, R6.3).
pub type Relative = Named;
/// Someone who held the phone or brought the person to a face check (R6.3).
pub type Helper = Named;

impl Named {
    /// A relative: one of [`relations::FAMILY`], by name.
    pub fn relative(given: &RelativeGiven) -> Result<Self, Problem> {
        Self::parse(given, "relative", relations::FAMILY.iter(), "家属应为配偶、子女、父母、兄弟姐妹或孙子女")
    }

    /// A helper: a relative, a community worker or a volunteer, by name.
    pub fn helper(given: &RelativeGiven) -> Result<Self, Problem> {
        let allowed = relations::FAMILY.iter().chain(relations::OTHER_HELPERS.iter());
        Self::parse(given, "helper", allowed, "协助人应为配偶、子女、父母、兄弟姐妹、孙子女、社区工作人员或志愿者")
    }

    fn parse<'a>(
        given: &RelativeGiven,
        field: &str,
        mut allowed: impl Iterator<Item = &'a CodeName> + Clone,
        zh: &str,
    ) -> Result<Self, Problem> {
        let codes: Vec<&str> = allowed.clone().map(|r| r.code).collect();
        let relation = allowed
            .find(|r| r.code == given.relation)
            .map(|r| r.code)
            .ok_or_else(|| Problem::invalid(&format!("{field}.relation"), zh, format!("{field}.relation: one of {}", codes.join(", "))))?;
        let name = given.name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            return Err(Problem::invalid(&format!("{field}.name"), "请填写姓名（50字以内）", format!("{field}.name: 1 to 50 characters")));
        }
        Ok(Self { relation, name: name.to_string() })
    }
}

/// Keeps who helped beside the person's own certification (R6.2, R6.3).
pub fn record_helper(db: &Db, evidence_id: &str, person_id: &str, helper: &Helper) -> anyhow::Result<()> {
    certification_helpers::record(db, evidence_id, person_id, helper.relation, &helper.name)
}

/// Who lodged a request, and how.
#[derive(Clone, Copy)]
pub struct Lodged<'a> {
    /// How it came.
    pub channel: Channel,
    /// The relative who made it, when it was not the person.
    pub relative: Option<&'a Relative>,
    /// Who wrote it down: the person, or the staff member.
    pub by: &'a Actor<'a>,
}

impl<'a> Lodged<'a> {
    /// The person's own request, online.
    pub fn online(by: &'a Actor<'a>) -> Self {
        Self { channel: Channel::Online, relative: None, by }
    }

    /// A request staff record: through a family member needs the relative.
    pub fn by_staff(channel: Channel, relative: Option<&'a Relative>, by: &'a Actor<'a>) -> Result<Self, Problem> {
        if channel == Channel::Family && relative.is_none() {
            return Err(Problem::invalid("relative", "家属代办须写明家属姓名和关系", "relative: required for the family channel"));
        }
        Ok(Self { channel, relative, by })
    }

    fn made_by(&self) -> objections::MadeBy<'_> {
        let staff = Channel::STAFF.iter().any(|(c, _)| *c == self.channel);
        objections::MadeBy {
            channel: self.channel.code(),
            relation: self.relative.map(|r| r.relation),
            name: self.relative.map(|r| r.name.as_str()),
            recorded_by: staff.then_some(self.by.actor),
        }
    }
}

/// An objection lodged: its id and the re-verification task it opened.
#[derive(Debug, Clone)]
pub struct Objection {
    /// The objection.
    pub id: String,
    /// The task of re-verification (R7.2).
    pub task_id: String,
}

/// Lodges an objection to a benefit's suspension (R7.2) in one
/// transaction: the domain stops the clock towards termination and opens
/// re-verification; the text, the files and who made it are kept.
pub fn lodge_objection(
    db: &Db,
    person_id: &str,
    benefit_id: &str,
    statement: &str,
    files: &[(String, Vec<u8>)],
    lodged: &Lodged<'_>,
    today: NaiveDate,
) -> Result<Objection, Problem> {
    let statement = statement.trim();
    if statement.is_empty() || statement.chars().count() > 2000 {
        return Err(Problem::invalid("text", "请写明异议理由（2000字以内）", "text: 1 to 2000 characters"));
    }
    let id = secrets::new_id("obj")?;
    // The state is read and changed in one transaction: an objection and
    // the termination sweep cannot overwrite each other.
    db.transaction(|db| -> Result<Objection, Problem> {
        let done = workflow::decide(db, person_id, AtHand::Objection(benefit_id), today, lodged.by)?.map_err(|refusal| {
            use zige_domain::effects::Refusal as R;
            use zige_domain::payment::TransitionError as E;
            let (reason, zh) = match &refusal {
                R::UnknownBenefit => return Problem::not_found("该待遇", "benefit").with_field("benefit_id"),
                R::Transition(E::ObjectionWindowClosed { closed_on }) => ("objection_window_closed", format!("异议期已于{closed_on}结束")),
                R::Transition(E::AlreadyObjected) => ("already_objected", "已提出过异议，正在核实中".to_string()),
                _ => ("not_suspended", "该待遇未被暂停，无需提出异议".to_string()),
            };
            Problem::new(422, "objection_refused", zh, refusal.to_string()).with_field("benefit_id").with_reason(reason)
        })?;
        let task_id = done.tasks.first().cloned().context("an objection opens re-verification")?;
        objections::insert(
            db,
            &objections::NewObjection {
                id: &id,
                person_id,
                benefit_id,
                text: statement,
                lodged_on: today,
                task_id: &task_id,
                made_by: &lodged.made_by(),
            },
        )?;
        let evidence_id = format!("objection:{id}");
        for (content_type, data) in files {
            workflow::store_file(db, &evidence_id, person_id, content_type, data)?;
        }
        let payload = format!("{benefit_id}:{}:{}", lodged.channel.code(), files.len());
        audit::append(
            db,
            &Entry { actor: lodged.by.actor, role: lodged.by.role, action: "objection.lodge", object: &id, payload: payload.as_bytes() },
        )?;
        records::refresh(db, person_id, today)?;
        Ok(Objection { id: id.clone(), task_id })
    })
}

/// A home-visit request as it arrives.
#[derive(Debug, Clone, Deserialize)]
pub struct VisitRequest {
    /// One of [`VISIT_REASONS`] (R6.3).
    pub reason: String,
    /// Where to come.
    pub address: String,
    /// Whom to call.
    pub phone: String,
    /// Days that suit the person.
    #[serde(default)]
    pub preferred_days: Vec<String>,
}

impl VisitRequest {
    /// Checks each field, naming the first that is wrong.
    pub fn check(&self) -> Result<(), Problem> {
        if !is_one_of(&VISIT_REASONS, &self.reason) {
            return Err(Problem::invalid("reason", "原因应为高龄、疾病、残疾或其他", "reason: very_old, illness, disability or other"));
        }
        let address = self.address.trim();
        if address.is_empty() || address.chars().count() > 200 {
            return Err(Problem::invalid("address", "请填写上门地址（200字以内）", "address: 1 to 200 characters"));
        }
        let digits = self.phone.chars().filter(char::is_ascii_digit).count();
        if !(7..=20).contains(&digits) || !self.phone.chars().all(|c| c.is_ascii_digit() || " -+".contains(c)) {
            return Err(Problem::invalid("phone", "请填写正确的联系电话", "phone: 7 to 20 digits"));
        }
        if self.preferred_days.len() > 7 || self.preferred_days.iter().any(|d| d.chars().count() > 20) {
            return Err(Problem::invalid("preferred_days", "方便的日子最多填7项", "preferred_days: at most 7 short entries"));
        }
        Ok(())
    }
}

/// A home-visit request on file.
#[derive(Debug, Clone)]
pub struct Visit {
    /// The request.
    pub id: String,
    /// The organisation that visits (R2.2).
    pub org_id: String,
    /// The last day to schedule it (R6.3).
    pub deadline: String,
    /// Whether the deadline rests on a calendar year not yet published.
    pub provisional: bool,
    /// Whether it was merged into a request already open.
    pub merged: bool,
}

/// Files a home-visit request (R6.3) made on `requested_on` (the day of
/// the call, for a request taken by phone), routed to the organisation
/// responsible for the person (R2.2), with its deadline of five working
/// days from that day. A request while one is open is merged into it.
pub fn request_home_visit(
    db: &Db,
    person_id: &str,
    request: &VisitRequest,
    requested_on: NaiveDate,
    lodged: &Lodged<'_>,
) -> Result<Visit, Problem> {
    request.check()?;
    db.transaction(|db| file_visit(db, person_id, request, requested_on, lodged))
}

/// Files a home visit zige arranges itself after failed face checks
/// (R6.3), in the caller's transaction, at the address and phone on file.
pub fn visit_for(db: &Db, person_id: &str, reason: &str, today: NaiveDate, by: &Actor<'_>) -> anyhow::Result<()> {
    // A request the person or staff made stays as they made it.
    if home_visits::has_open(db, person_id)? {
        return Ok(());
    }
    let contact = persons::contact(db, person_id)?.context("the person is on file")?;
    let request = VisitRequest {
        reason: reason.to_string(),
        address: contact.address.unwrap_or_default(),
        phone: contact.phone.unwrap_or_default(),
        preferred_days: Vec::new(),
    };
    let lodged = Lodged { channel: Channel::FaceCheck, relative: None, by };
    file_visit(db, person_id, &request, today, &lodged).map_err(|p| anyhow::anyhow!("{}", p.detail_en))?;
    Ok(())
}

/// Files or merges a home-visit request in the caller's transaction.
fn file_visit(db: &Db, person_id: &str, request: &VisitRequest, requested_on: NaiveDate, lodged: &Lodged<'_>) -> Result<Visit, Problem> {
    let calendar = zige_store::calendar::load(db)?;
    let deadline = zige_domain::deadlines::home_visit_deadline(&calendar, requested_on).map_err(|e| anyhow::anyhow!("{e}"))?;
    let placement = records::load_placement(db, person_id)?.ok_or_else(|| Problem::not_found("该人员", "person"))?;
    let org = zige_http::auth::org_tree(db)?.responsible_org(&placement).map_err(|e| anyhow::anyhow!("routing: {e}"))?.id.clone();
    let days = serde_json::to_string(&request.preferred_days).map_err(anyhow::Error::from)?;
    let (address, phone) = (request.address.trim(), request.phone.trim());
    {
        let details = home_visits::VisitDetails { reason: &request.reason, address, phone, preferred_days: &days };
        let visit = match home_visits::open_of_person(db, person_id)? {
            Some(open) => {
                home_visits::merge_request(db, &open.id, &details)?;
                Visit { id: open.id, org_id: org.clone(), deadline: open.deadline.to_string(), provisional: open.provisional, merged: true }
            }
            None => {
                let id = secrets::new_id("hv")?;
                home_visits::insert(
                    db,
                    &home_visits::NewVisit {
                        id: &id,
                        person_id,
                        org_id: &org,
                        details,
                        requested_on,
                        deadline: deadline.on,
                        provisional: deadline.provisional,
                        made_by: &lodged.made_by(),
                    },
                )?;
                Visit { id, org_id: org.clone(), deadline: deadline.on.to_string(), provisional: deadline.provisional, merged: false }
            }
        };
        let action = if visit.merged { "home_visit.merge" } else { "home_visit.request" };
        let payload = format!("{}:{}:{requested_on}", request.reason, lodged.channel.code());
        audit::append(db, &Entry { actor: lodged.by.actor, role: lodged.by.role, action, object: &visit.id, payload: payload.as_bytes() })?;
        Ok(visit)
    }
}
