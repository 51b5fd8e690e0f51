//! The roster import: how recipients get in. A CSV file as clerks save it
//! from Excel (UTF-8 with or without BOM, or GB18030/GBK), with English keys
//! or the Chinese column names agency exports use. Columns the roster does
//! not use (序号, 性别, …) are ignored and listed as such. Each bad row is
//! rejected with its spreadsheet row number (the header is row 1) and
//! reason; good rows go in; importing the same file twice changes nothing.
//! Rows are applied in chunks, each chunk one transaction with its audit
//! record, so a failure loses no chunk already written and a retry of the
//! whole file is safe.

use crate::Ctx;
use chrono::NaiveDate;
use serde_json::json;
use spin_sdk::http::{Request, Response};
use std::collections::{BTreeMap, HashMap, HashSet};
use zige_domain::benefit::{BenefitType, ManagementMode, ResidenceKind, SPECIAL_GROUPS};
use zige_domain::evidence::EvidenceKind;
use zige_domain::routing::{OrgKind, OrgTree};
use zige_domain::{Fen, IdNumber};
use zige_http::auth::{self};
use zige_http::problem::{Problem, json_response};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::secrets;
use zige_store::tables::benefits::{self, RosterBenefitChange};
use zige_store::tables::persons::{self, PersonField};
use zige_store::tables::{evidence, history, relations};

/// Rows per transaction on local SQLite; fewer on a remote backend. New
/// rows land on pages all over the tables' indexes (ids are random), and a
/// commit writes every page it touched: 500 rows a commit cost four times
/// the writing of 5,000 (100,000 rows in 18 s against 9 s), while a chunk
/// of 5,000 holds the lock under half a second.
const CHUNK: usize = 5000;
/// Statements a row costs at most: a stored person and benefit whose every
/// field changes. New rows are written many to a statement, so the
/// transactions after the first are sized from how long it took.
const STATEMENTS_PER_ROW: usize = 16;
/// The largest roster file accepted in one request (about 150,000 rows).
pub(crate) const MAX_BODY: usize = 48 << 20;

/// The columns, by canonical key, with the Chinese names found in agency
/// exports, and whether the column is required.
const COLUMNS: &[(&str, &[&str], bool)] = &[
    ("id_number", &["公民身份号码", "身份证号码", "身份证号", "证件号码"], true),
    ("name", &["姓名"], true),
    ("benefit_type", &["待遇类型", "险种类型", "险种"], true),
    ("benefit_item", &["待遇项目"], false),
    ("monthly_amount", &["月待遇金额", "月发放金额"], true),
    ("benefit_start", &["待遇开始日期", "开始领取日期"], true),
    ("insured_district", &["参保地", "参保地行政区划代码"], true),
    ("residence", &["居住地类型"], true),
    ("community", &["居住社区"], false),
    ("management", &["管理方式"], true),
    ("employer", &["参保单位"], false),
    ("phone", &["联系电话", "手机号码"], false),
    ("last_certified_on", &["上次认证日期"], false),
    ("special_group", &["特殊群体"], false),
    ("depends_on", &["供养关系人身份号码"], false),
];

/// A name: 1 to 50 characters.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err("姓名不能为空，最长50字 / name: 1 to 50 characters".into());
    }
    Ok(name.to_string())
}

/// A phone: 7 to 20 digits, with spaces, `-` and a leading `+` allowed.
pub fn check_phone(phone: &str) -> Result<Option<String>, String> {
    let phone = phone.trim();
    if phone.is_empty() {
        return Ok(None);
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !(7..=20).contains(&digits) || !phone.chars().all(|c| c.is_ascii_digit() || " -+".contains(c)) {
        return Err("联系电话应为7到20位数字 / phone: 7 to 20 digits".into());
    }
    Ok(Some(phone.to_string()))
}

/// Special groups from a `;`-separated list of codes or Chinese names.
pub fn check_special_groups(list: &str) -> Result<Vec<&'static str>, String> {
    let mut out = Vec::new();
    for item in list.split([';', '；']).map(str::trim).filter(|s| !s.is_empty()) {
        let code = SPECIAL_GROUPS
            .iter()
            .find(|group| group.code == item || group.name_zh == item)
            .map(|group| group.code)
            .ok_or_else(|| format!("未知的特殊群体“{item}” / unknown special group \"{item}\""))?;
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"].iter().find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

/// One good row, parsed.
struct RosterRow {
    line: u64,
    id: IdNumber,
    name: String,
    benefit_type: BenefitType,
    monthly: Fen,
    start: NaiveDate,
    insured_district: String,
    residence: ResidenceKind,
    community: Option<String>,
    management: ManagementMode,
    employer: Option<String>,
    phone: Option<String>,
    last_certified_on: Option<NaiveDate>,
    special_groups: Vec<&'static str>,
    depends_on: Option<IdNumber>,
}

fn parse_row(line: u64, get: &dyn Fn(&str) -> String, tree: &OrgTree, today: NaiveDate) -> Result<RosterRow, String> {
    let id = IdNumber::parse(&get("id_number")).map_err(|e| format!("公民身份号码：{} / id_number: {e}", e.message_zh()))?;
    let name = check_name(&get("name"))?;
    let benefit_type = BenefitType::parse_with_item(&get("benefit_type"), &get("benefit_item"))
        .map_err(|e| format!("{} / benefit_type: {e}", e.message_zh()))?;
    let monthly = Fen::parse_yuan(&get("monthly_amount")).map_err(|e| format!("月待遇金额有误 / monthly_amount: {e}"))?;
    if monthly.as_i64() < 0 {
        return Err("月待遇金额不能为负 / monthly_amount must not be negative".into());
    }
    let start = parse_date(&get("benefit_start")).ok_or("待遇开始日期应为YYYY-MM-DD / benefit_start: a date such as 2020-01-31")?;
    if start > today {
        return Err("待遇开始日期不能晚于今天 / benefit_start is in the future".into());
    }
    let insured_district = get("insured_district").trim().to_string();
    tree.district_by_code(&insured_district)
        .map_err(|_| format!("参保地“{insured_district}”不是本市的区（县）代码 / insured_district: unknown division code"))?;
    let residence = ResidenceKind::parse(&get("residence"))
        .map_err(|_| "居住地类型应为本地、异地或境外 / residence: local, domestic or abroad".to_string())?;
    let community = Some(get("community").trim().to_string()).filter(|c| !c.is_empty());
    let community = match (residence, community) {
        (ResidenceKind::Local, Some(c)) if tree.get(&c).is_ok_and(|o| o.kind == OrgKind::Community) => Some(c),
        (ResidenceKind::Local, Some(c)) => return Err(format!("居住社区“{c}”不存在 / community: unknown community")),
        (ResidenceKind::Local, None) => return Err("本地居住须填写居住社区 / community is required for local residents".into()),
        (_, _) => None,
    };
    let management = ManagementMode::parse(&get("management"))
        .map_err(|_| "管理方式应为社会化或单位 / management: socialised or employer".to_string())?;
    let employer = Some(get("employer").trim().to_string()).filter(|e| !e.is_empty());
    let employer = match (management, employer) {
        (ManagementMode::Employer, Some(e)) if tree.get(&e).is_ok_and(|o| o.kind == OrgKind::Employer) => Some(e),
        (ManagementMode::Employer, Some(_)) => return Err("参保单位不存在 / employer: unknown employer unit".into()),
        (ManagementMode::Employer, None) => {
            return Err("单位管理人员须填写参保单位 / employer is required for employer-managed recipients".into());
        }
        (ManagementMode::Socialised, _) => None,
    };
    let phone = check_phone(&get("phone"))?;
    let last_certified_on = match get("last_certified_on").trim() {
        "" => None,
        t => Some(parse_date(t).filter(|d| *d <= today).ok_or("上次认证日期有误 / last_certified_on: a past date such as 2025-05-01")?),
    };
    let special_groups = check_special_groups(&get("special_group"))?;
    let depends_on = match get("depends_on").trim() {
        "" => None,
        t => Some(IdNumber::parse(t).map_err(|e| format!("供养关系人身份号码：{} / depends_on: {e}", e.message_zh()))?),
    };
    if benefit_type == BenefitType::WorkInjuryDependant && depends_on.is_none() {
        return Err(
            "供养亲属抚恤金须填写供养关系人（因工死亡职工）身份号码 / depends_on: a dependant's pension names the deceased worker".into()
        );
    }
    Ok(RosterRow {
        line,
        id,
        name,
        benefit_type,
        monthly,
        start,
        insured_district,
        residence,
        community,
        management,
        employer,
        phone,
        last_certified_on,
        special_groups,
        depends_on,
    })
}

#[derive(Default)]
struct Counts {
    created: i64,
    updated: i64,
    unchanged: i64,
}

impl Counts {
    fn of(outcomes: &[Outcome]) -> Self {
        let count = |wanted: Outcome| outcomes.iter().filter(|o| **o == wanted).count() as i64;
        Counts { created: count(Outcome::Created), updated: count(Outcome::Updated), unchanged: count(Outcome::Unchanged) }
    }

    fn plus(self, other: &Counts) -> Self {
        Counts { created: self.created + other.created, updated: self.updated + other.updated, unchanged: self.unchanged + other.unchanged }
    }
}

/// The roster's columns, for the console's column guide and template: the
/// key, the Chinese names accepted, and whether the column is required.
pub fn columns() -> Result<Response, Problem> {
    let columns: Vec<_> =
        COLUMNS.iter().map(|(key, names, required)| json!({ "key": key, "names_zh": names, "required": required })).collect();
    Ok(json_response(200, &json!({ "columns": columns })))
}

/// Imports a roster file (city-level staff).
pub fn import(ctx: &Ctx, req: &Request) -> Result<Response, Problem> {
    let body = req.body();
    let text_body = zige_http::request::decode_text(body);
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text_body.as_bytes());
    let headers = reader.headers().map_err(|_| Problem::invalid("header", "无法读取表头", "the header row cannot be read"))?.clone();
    let mut positions: BTreeMap<&str, usize> = BTreeMap::new();
    let mut ignored_columns = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        let header = header.trim();
        match COLUMNS.iter().find(|(key, names, _)| *key == header || names.contains(&header)) {
            Some((key, _, _)) if positions.contains_key(key) => {
                return Err(Problem::invalid(
                    key,
                    format!("“{header}”与前面的列重复（同为{key}）"),
                    format!("the column \"{header}\" repeats an earlier one ({key})"),
                ));
            }
            Some((key, _, _)) => {
                positions.insert(key, i);
            }
            None => ignored_columns.push(header.to_string()),
        }
    }
    if let Some((key, names, _)) = COLUMNS.iter().find(|(key, _, required)| *required && !positions.contains_key(key)) {
        return Err(Problem::invalid(key, format!("缺少必填列“{}”", names[0]), format!("the required column \"{key}\" is missing")));
    }
    let tree = auth::org_tree(ctx.db)?;
    let today = zige_store::today();
    let mut rejected = Vec::new();
    let mut good = Vec::new();
    // The row number a spreadsheet shows: the header is row 1, and a cell
    // with a line break inside it is still one row.
    for (line, record) in (2u64..).zip(reader.records()) {
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                rejected.push(json!({ "line": line, "reason": "该行无法解析 / the row cannot be read" }));
                continue;
            }
        };
        let get = |key: &str| positions.get(key).and_then(|i| record.get(*i)).unwrap_or("").to_string();
        match parse_row(line, &get, &tree, today) {
            Ok(row) => good.push(row),
            Err(reason) => rejected.push(json!({ "line": line, "reason": reason })),
        }
    }
    let key = secrets::pii_key()?;
    let import_id = zige_store::secrets::new_id("imp")?;
    let actor = ctx.staff.actor();
    let chunks = ctx.db.transactions_over(&good, CHUNK, STATEMENTS_PER_ROW, |db, chunk, _earlier, _last| -> Result<Counts, Problem> {
        let counts = Counts::of(&apply_chunk(db, chunk, &key, &actor, today)?);
        let lines = format!("{}:{}-{}", import_id, chunk[0].line, chunk[chunk.len() - 1].line);
        audit::append(
            db,
            &Entry { actor: &actor, role: ctx.staff.role.code(), action: "roster.import_chunk", object: &lines, payload: lines.as_bytes() },
        )?;
        Ok(counts)
    })?;
    let counts = chunks.iter().fold(Counts::default(), |all, chunk| all.plus(chunk));
    let rejected_json = serde_json::to_string(&rejected).map_err(anyhow::Error::from)?;
    ctx.db.transaction(|db| -> Result<(), Problem> {
        zige_store::tables::imports::insert_roster(
            db,
            &zige_store::tables::imports::NewRosterImport {
                id: &import_id,
                actor: &actor,
                payload_hash: &secrets::sha256_hex(body),
                created: counts.created,
                updated: counts.updated,
                unchanged: counts.unchanged,
                rejected: &rejected_json,
                at: &zige_store::now_rfc3339(),
            },
        )?;
        audit::append(
            db,
            &Entry { actor: &actor, role: ctx.staff.role.code(), action: "roster.import", object: &import_id, payload: body },
        )?;
        Ok(())
    })?;
    Ok(json_response(
        200,
        &json!({
            "import_id": import_id, "created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged, "rejected": rejected,
            "ignored_columns": ignored_columns,
        }),
    ))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// What is on file for a chunk's rows: their persons by blind index and
/// those persons' benefits by person and type, each read in one statement.
struct OnFile {
    persons: HashMap<String, persons::RosterPerson>,
    benefits: HashMap<(String, BenefitType), benefits::RosterBenefit>,
}

impl OnFile {
    fn read(db: &Db, indexes: &[&str]) -> anyhow::Result<Self> {
        let persons = persons::roster_fields_by_indexes(db, indexes)?;
        let ids: Vec<&str> = persons.values().map(|p| p.id.as_str()).collect();
        Ok(Self { benefits: benefits::roster_fields_of_persons(db, &ids)?, persons })
    }
}

/// What a chunk creates, written together when the chunk ends: persons,
/// benefits, history lines (in the order the rows made them), carried-over
/// certifications and dependants' links.
#[derive(Default)]
struct Creations<'r> {
    persons: Vec<(&'r RosterRow, NewPersonIds)>,
    benefits: Vec<(&'r RosterRow, String, String, Option<String>)>,
    history: Vec<Line>,
    certified: Vec<(String, NaiveDate)>,
    dependants: Vec<(String, &'r IdNumber)>,
}

/// A line of history a row makes (R3.1), kept until the chunk is written.
struct Line {
    entity: &'static str,
    entity_id: String,
    person_id: String,
    field: &'static str,
    old: Option<String>,
    new: Option<String>,
}

/// The values a new person's row derives from the roster row.
struct NewPersonIds {
    id: String,
    id_index: String,
    id_masked: String,
    phone_index: Option<String>,
    special_groups: String,
}

impl Creations<'_> {
    /// Writes what the chunk created so far, in one statement per table
    /// where the backend allows.
    fn write(&mut self, db: &Db, key: &[u8], actor: &str, today: NaiveDate, now: &str) -> anyhow::Result<()> {
        let people: Vec<persons::NewPerson<'_>> = self
            .persons
            .iter()
            .map(|(row, ids)| persons::NewPerson {
                id: &ids.id,
                id_index: &ids.id_index,
                id_masked: &ids.id_masked,
                birth_date: row.id.birth_date(),
                name: &row.name,
                phone: row.phone.as_deref(),
                phone_index: ids.phone_index.as_deref(),
                residence: row.residence,
                community_id: row.community.as_deref(),
                insured_district: &row.insured_district,
                management: row.management,
                employer_id: row.employer.as_deref(),
                special_groups: &ids.special_groups,
                created_at: now,
            })
            .collect();
        persons::insert_from_roster(db, &people)?;
        let new_benefits: Vec<benefits::NewRosterBenefit<'_>> = self
            .benefits
            .iter()
            .map(|(row, id, person_id, depends_on_index)| benefits::NewRosterBenefit {
                id,
                person_id,
                benefit_type: row.benefit_type,
                monthly_amount: row.monthly,
                start_date: row.start,
                insured_district: &row.insured_district,
                depends_on_index: depends_on_index.as_deref(),
                created_at: now,
            })
            .collect();
        benefits::insert_from_roster(db, &new_benefits)?;
        let lines: Vec<history::NewHistoryLine<'_>> = self
            .history
            .iter()
            .map(|line| history::NewHistoryLine {
                entity: line.entity,
                entity_id: &line.entity_id,
                person_id: &line.person_id,
                field: line.field,
                old: line.old.as_deref(),
                new: line.new.as_deref(),
                actor,
                at: now,
            })
            .collect();
        history::record_all(db, &lines)?;
        // A certification from the previous system: channel unknown, so it
        // counts as "other channels that confirm eligibility" (R5.5-13).
        let certified: Vec<(&str, NaiveDate)> = self.certified.iter().map(|(person, day)| (person.as_str(), *day)).collect();
        evidence::insert_from_roster(db, &certified, &EvidenceKind::OtherProofOfLife, today, now)?;
        for (person_id, depends_on) in &self.dependants {
            relations::insert_if_new(
                db,
                person_id,
                &depends_on.blind_index(key),
                &depends_on.masked(),
                zige_domain::relations::DEPENDANT.code,
                now,
            )?;
        }
        *self = Self::default();
        Ok(())
    }
}

/// Applies a chunk of rows: what is on file is read for the whole chunk,
/// each row's changes are made, and what the rows create is written
/// together at the end. A person who comes again within the chunk is read
/// again after what came before is written, as a file read row by row would.
fn apply_chunk(db: &Db, chunk: &[RosterRow], key: &[u8], actor: &str, today: NaiveDate) -> anyhow::Result<Vec<Outcome>> {
    let now = zige_store::now_rfc3339();
    let indexes: Vec<String> = chunk.iter().map(|row| row.id.blind_index(key)).collect();
    let mut on_file = OnFile::read(db, &indexes.iter().map(String::as_str).collect::<Vec<_>>())?;
    let mut creations = Creations::default();
    let mut seen = HashSet::new();
    let mut outcomes = Vec::with_capacity(chunk.len());
    for (row, index) in chunk.iter().zip(&indexes) {
        if !seen.insert(index.as_str()) {
            creations.write(db, key, actor, today, &now)?;
            let again = OnFile::read(db, &[index])?;
            on_file.persons.extend(again.persons);
            on_file.benefits.extend(again.benefits);
        }
        outcomes.push(apply(db, row, index, &on_file, &mut creations, key, &now)?);
    }
    creations.write(db, key, actor, today, &now)?;
    Ok(outcomes)
}

/// Creates or updates the person and the benefit of one row, keeping the
/// history of every changed field: changes are made at once, creations are
/// left in `creations` for the chunk to write.
fn apply<'r>(
    db: &Db,
    row: &'r RosterRow,
    id_index: &str,
    on_file: &OnFile,
    creations: &mut Creations<'r>,
    key: &[u8],
    now: &str,
) -> anyhow::Result<Outcome> {
    let groups = serde_json::to_string(&row.special_groups)?;
    let person_fields: [(PersonField, Option<&str>); 8] = [
        (PersonField::Name, Some(&row.name)),
        (PersonField::Phone, row.phone.as_deref()),
        (PersonField::Residence, Some(row.residence.code())),
        (PersonField::CommunityId, row.community.as_deref()),
        (PersonField::InsuredDistrict, Some(&row.insured_district)),
        (PersonField::Management, Some(row.management.code())),
        (PersonField::EmployerId, row.employer.as_deref()),
        (PersonField::SpecialGroups, Some(&groups)),
    ];
    let mut changed = false;
    let person_id = match on_file.persons.get(id_index) {
        Some(stored) => {
            for (field, new) in person_fields {
                let old = stored.value(field);
                if old != new {
                    persons::set_field(db, &stored.id, field, new, now)?;
                    creations.history.push(Line {
                        entity: "person",
                        entity_id: stored.id.clone(),
                        person_id: stored.id.clone(),
                        field: field.column(),
                        old: old.map(String::from),
                        new: new.map(String::from),
                    });
                    changed = true;
                }
            }
            if changed {
                let phone_index = row.phone.as_deref().map(|p| secrets::phone_index(key, p));
                persons::set_phone_index(db, &stored.id, phone_index.as_deref())?;
            }
            stored.id.clone()
        }
        None => {
            let id = zige_store::secrets::new_id("p")?;
            let phone_index = row.phone.as_deref().map(|p| secrets::phone_index(key, p));
            creations.history.push(Line {
                entity: "person",
                entity_id: id.clone(),
                person_id: id.clone(),
                field: "created",
                old: None,
                new: Some("roster".into()),
            });
            creations.persons.push((
                row,
                NewPersonIds {
                    id: id.clone(),
                    id_index: id_index.to_string(),
                    id_masked: row.id.masked(),
                    phone_index,
                    special_groups: groups,
                },
            ));
            id
        }
    };
    let depends_on_index = row.depends_on.as_ref().map(|d| d.blind_index(key));
    let created = match on_file.benefits.get(&(person_id.clone(), row.benefit_type)) {
        Some(stored) => {
            let old_values = [
                Some(stored.monthly_amount.as_i64().to_string()),
                stored.start_date.clone(),
                stored.insured_district.clone(),
                stored.depends_on_index.clone(),
            ];
            let benefit_fields: [(RosterBenefitChange, Option<String>); 4] = [
                (RosterBenefitChange::MonthlyAmount(row.monthly), Some(row.monthly.as_i64().to_string())),
                (RosterBenefitChange::StartDate(row.start), Some(row.start.to_string())),
                (RosterBenefitChange::InsuredDistrict(&row.insured_district), Some(row.insured_district.clone())),
                (RosterBenefitChange::DependsOnIndex(depends_on_index.as_deref()), depends_on_index.clone()),
            ];
            for ((change, new), old) in benefit_fields.into_iter().zip(old_values) {
                if old != new {
                    benefits::apply_roster_change(db, &stored.id, &change, now)?;
                    // Blind indexes are not meaningful history; their change is recorded by name.
                    let (old_shown, new_shown) = match change {
                        RosterBenefitChange::DependsOnIndex(_) => (old.map(|_| "…".to_string()), new.map(|_| "…".to_string())),
                        _ => (old, new),
                    };
                    creations.history.push(Line {
                        entity: "benefit",
                        entity_id: stored.id.clone(),
                        person_id: person_id.clone(),
                        field: change.column(),
                        old: old_shown,
                        new: new_shown,
                    });
                    changed = true;
                }
            }
            false
        }
        None => {
            let id = zige_store::secrets::new_id("b")?;
            creations.history.push(Line {
                entity: "benefit",
                entity_id: id.clone(),
                person_id: person_id.clone(),
                field: "created",
                old: None,
                new: Some(row.benefit_type.code().into()),
            });
            creations.benefits.push((row, id, person_id.clone(), depends_on_index));
            true
        }
    };
    if let Some(depends_on) = &row.depends_on {
        creations.dependants.push((person_id.clone(), depends_on));
    }
    if let Some(day) = row.last_certified_on {
        creations.certified.push((person_id, day));
    }
    Ok(if created {
        Outcome::Created
    } else if changed {
        Outcome::Updated
    } else {
        Outcome::Unchanged
    })
}

/// The result of an earlier import.
pub fn get(ctx: &Ctx, id: &str) -> Result<Response, Problem> {
    let found = zige_store::tables::imports::find_result(ctx.db, id)?.map(|i| {
        json!({
            "import_id": i.id, "created": i.created, "updated": i.updated, "unchanged": i.unchanged,
            "rejected": serde_json::from_str::<serde_json::Value>(&i.rejected).unwrap_or(json!([])), "at": i.at, "actor": i.actor,
        })
    });
    found.map(|v| json_response(200, &v)).ok_or_else(|| Problem::not_found("该导入记录", "import"))
}
