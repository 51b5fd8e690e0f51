//! Typed queries on `persons`.

use super::Scope;
use crate::db::{Db, Row, Value, int, opt_text, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;

/// The id of the person whose ID number has the blind index `id_index`,
/// if they are in the registry.
pub fn id_by_index(db: &Db, id_index: &str) -> Result<Option<String>> {
    db.try_one("SELECT id FROM persons WHERE id_index = ?", &[text(id_index)], |r| Ok(r.text("id")))
}

/// The ids of the persons with the blind indexes `id_indexes`, by blind index.
pub fn ids_by_indexes(db: &Db, id_indexes: &[&str]) -> Result<std::collections::HashMap<String, String>> {
    let found = super::in_pieces(id_indexes, |marks, params| {
        db.try_all(&format!("SELECT id, id_index FROM persons WHERE id_index IN ({marks})"), &params, |r| {
            Ok((r.text("id_index"), r.text("id")))
        })
    })?;
    Ok(found.into_iter().collect())
}

/// The blind index of a person's ID number.
pub fn id_index_of(db: &Db, person_id: &str) -> Result<Option<String>> {
    db.try_one("SELECT id_index FROM persons WHERE id = ?", &[text(person_id)], |r| Ok(r.text("id_index")))
}

/// A person as staff see them in the registry: every column shown, and
/// where they are placed for the scope check (R2.3).
#[derive(Debug, Clone)]
pub struct RegisteredPerson {
    pub id: String,
    pub id_masked: String,
    pub birth_date: NaiveDate,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// The residence code as stored (read into `placement` as well).
    pub residence: String,
    pub community_id: Option<String>,
    pub insured_district: String,
    /// The management mode code as stored (read into `placement` as well).
    pub management: String,
    pub employer_id: Option<String>,
    /// Special-group codes.
    pub special_groups: Vec<String>,
    /// The language code the person reads messages in (issue 18).
    pub language: String,
    pub created_at: String,
    pub updated_at: String,
    pub placement: zige_domain::routing::Placement,
}

impl RegisteredPerson {
    fn read(r: &Row<'_>) -> Result<Self> {
        let id = r.text("id");
        let read = || -> Result<Self> {
            let groups = r.text("special_groups");
            Ok(Self {
                id: id.clone(),
                id_masked: r.text("id_masked"),
                birth_date: r.date("birth_date")?,
                name: r.text("name"),
                phone: r.opt_text("phone"),
                address: r.opt_text("address"),
                residence: r.text("residence"),
                community_id: r.opt_text("community_id"),
                insured_district: r.text("insured_district"),
                management: r.text("management"),
                employer_id: r.opt_text("employer_id"),
                special_groups: serde_json::from_str(&groups)
                    .with_context(|| format!("special_groups {groups:?} is not a list of codes"))?,
                language: r.text("language"),
                created_at: r.text("created_at"),
                updated_at: r.text("updated_at"),
                placement: crate::records::placement(r)?,
            })
        };
        read().with_context(|| format!("persons row {id}"))
    }
}

/// A person by id, with every column staff see.
pub fn find_registered(db: &Db, person_id: &str) -> Result<Option<RegisteredPerson>> {
    db.try_one(
        "SELECT id, id_masked, birth_date, name, phone, address, residence, community_id, insured_district, management, employer_id, special_groups, language, created_at, updated_at FROM persons WHERE id = ?",
        &[text(person_id)],
        |r| RegisteredPerson::read(&r),
    )
}

/// What staff search persons by (the ID number and phone by their blind
/// indexes, the name by its beginning).
#[derive(Debug, Clone)]
pub enum PersonSearch {
    /// Everyone in scope.
    Everyone,
    /// The blind index of an ID number.
    IdIndex(String),
    /// The blind index of a phone number.
    PhoneIndex(String),
    /// The beginning of a name (`%` and `_` in it are dropped).
    NameStartsWith(String),
}

impl PersonSearch {
    /// The condition on `persons p` and its parameter.
    fn condition(&self) -> (&'static str, Option<Value>) {
        use crate::db::text;
        match self {
            Self::Everyone => ("1 = 1", None),
            Self::IdIndex(index) => ("p.id_index = ?", Some(text(index.as_str()))),
            Self::PhoneIndex(index) => ("p.phone_index = ?", Some(text(index.as_str()))),
            Self::NameStartsWith(prefix) => ("p.name LIKE ?", Some(text(format!("{}%", prefix.replace(['%', '_'], ""))))),
        }
    }

    fn filter(&self, scope: &Scope) -> (String, Vec<Value>) {
        let (condition, param) = self.condition();
        let mut params = scope.params.clone();
        params.extend(param);
        (format!("{} AND {condition}", scope.condition), params)
    }
}

/// How many persons in `scope` match `search`.
pub fn count_search_in_scope(db: &Db, scope: &Scope, search: &PersonSearch) -> Result<i64> {
    let (filter, params) = search.filter(scope);
    Ok(db.try_one(&format!("SELECT COUNT(*) AS n FROM persons p WHERE {filter}"), &params, |r| Ok(r.int("n")))?.unwrap_or(0))
}

/// A person found by a search, as the (masked) result list shows them.
#[derive(Debug, Clone)]
pub struct PersonHit {
    pub id: String,
    /// The name in clear: the caller masks it.
    pub name: String,
    pub id_masked: String,
    /// The phone in clear: the caller masks it.
    pub phone: Option<String>,
    pub residence: String,
    pub community_id: Option<String>,
    pub insured_district: String,
    pub management: String,
    /// The codes of the person's benefits.
    pub benefit_types: Vec<String>,
    pub placement: zige_domain::routing::Placement,
}

/// One page of the persons in `scope` matching `search`, by name then id.
pub fn search_in_scope(db: &Db, scope: &Scope, search: &PersonSearch, limit: i64, offset: i64) -> Result<Vec<PersonHit>> {
    super::benefits::write_kept(db)?;
    let (filter, mut params) = search.filter(scope);
    params.extend([int(limit), int(offset)]);
    db.try_all(
        &format!(
            "SELECT p.id, p.name, p.id_masked, p.phone, p.residence, p.community_id, p.insured_district, p.management, p.employer_id,
                    (SELECT group_concat(benefit_type) FROM benefits b WHERE b.person_id = p.id) AS benefit_types
             FROM persons p WHERE {filter} ORDER BY p.name, p.id LIMIT ? OFFSET ?"
        ),
        &params,
        |r| {
            let id = r.text("id");
            Ok(PersonHit {
                placement: crate::records::placement(&r).with_context(|| format!("persons row {id}"))?,
                name: r.text("name"),
                id_masked: r.text("id_masked"),
                phone: r.opt_text("phone"),
                residence: r.text("residence"),
                community_id: r.opt_text("community_id"),
                insured_district: r.text("insured_district"),
                management: r.text("management"),
                benefit_types: r.opt_text("benefit_types").map(|t| t.split(',').map(String::from).collect()).unwrap_or_default(),
                id,
            })
        },
    )
}

/// A column of `persons` that staff and the roster change one by one, with
/// its history line (R3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonField {
    Name,
    Phone,
    Address,
    Residence,
    CommunityId,
    InsuredDistrict,
    Management,
    EmployerId,
    SpecialGroups,
    Language,
}

impl PersonField {
    /// The column, which is also the field's name in history and in the API.
    pub fn column(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Phone => "phone",
            Self::Address => "address",
            Self::Residence => "residence",
            Self::CommunityId => "community_id",
            Self::InsuredDistrict => "insured_district",
            Self::Management => "management",
            Self::EmployerId => "employer_id",
            Self::SpecialGroups => "special_groups",
            Self::Language => "language",
        }
    }
}

/// Sets one field of a person (NULL for `None`) and when it was changed.
pub fn set_field(db: &Db, person_id: &str, field: PersonField, value: Option<&str>, updated_at: &str) -> Result<()> {
    db.exec(
        &format!("UPDATE persons SET {} = ?, updated_at = ? WHERE id = ?", field.column()),
        &[opt_text(value), text(updated_at), text(person_id)],
    )
}

/// Sets the blind index of a person's phone (NULL without a phone).
pub fn set_phone_index(db: &Db, person_id: &str, phone_index: Option<&str>) -> Result<()> {
    db.exec("UPDATE persons SET phone_index = ? WHERE id = ?", &[opt_text(phone_index), text(person_id)])
}

/// The fields a roster row sets on a person, as stored: the import
/// compares them as text with the file's values.
#[derive(Debug, Clone)]
pub struct RosterPerson {
    pub id: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub residence: Option<String>,
    pub community_id: Option<String>,
    pub insured_district: Option<String>,
    pub management: Option<String>,
    pub employer_id: Option<String>,
    pub special_groups: Option<String>,
}

impl RosterPerson {
    /// The stored value of `field` (`None` for a field the roster does not set).
    pub fn value(&self, field: PersonField) -> Option<&str> {
        match field {
            PersonField::Name => self.name.as_deref(),
            PersonField::Phone => self.phone.as_deref(),
            PersonField::Residence => self.residence.as_deref(),
            PersonField::CommunityId => self.community_id.as_deref(),
            PersonField::InsuredDistrict => self.insured_district.as_deref(),
            PersonField::Management => self.management.as_deref(),
            PersonField::EmployerId => self.employer_id.as_deref(),
            PersonField::SpecialGroups => self.special_groups.as_deref(),
            PersonField::Address | PersonField::Language => None,
        }
    }
}

/// The roster's fields of the persons with the blind indexes `id_indexes`,
/// by blind index.
pub fn roster_fields_by_indexes(db: &Db, id_indexes: &[&str]) -> Result<std::collections::HashMap<String, RosterPerson>> {
    let found = super::in_pieces(id_indexes, |marks, params| {
        db.try_all(
            &format!(
                "SELECT id, id_index, name, phone, residence, community_id, insured_district, management, employer_id, special_groups
                 FROM persons WHERE id_index IN ({marks})"
            ),
            &params,
            |r| {
                let person = RosterPerson {
                    id: r.text("id"),
                    name: r.opt_text("name"),
                    phone: r.opt_text("phone"),
                    residence: r.opt_text("residence"),
                    community_id: r.opt_text("community_id"),
                    insured_district: r.opt_text("insured_district"),
                    management: r.opt_text("management"),
                    employer_id: r.opt_text("employer_id"),
                    special_groups: r.opt_text("special_groups"),
                };
                Ok((r.text("id_index"), person))
            },
        )
    })?;
    Ok(found.into_iter().collect())
}

/// A person registered from the roster.
pub struct NewPerson<'a> {
    pub id: &'a str,
    pub id_index: &'a str,
    pub id_masked: &'a str,
    pub birth_date: NaiveDate,
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub phone_index: Option<&'a str>,
    pub residence: zige_domain::benefit::ResidenceKind,
    pub community_id: Option<&'a str>,
    pub insured_district: &'a str,
    pub management: zige_domain::benefit::ManagementMode,
    pub employer_id: Option<&'a str>,
    /// The special groups as stored: a JSON list of codes.
    pub special_groups: &'a str,
    pub created_at: &'a str,
}

/// Registers persons from roster rows (created and updated now).
pub fn insert_from_roster(db: &Db, people: &[NewPerson<'_>]) -> Result<()> {
    let values = people.iter().flat_map(|p| {
        [
            text(p.id),
            text(p.id_index),
            text(p.id_masked),
            text(p.birth_date.to_string()),
            text(p.name),
            opt_text(p.phone),
            opt_text(p.phone_index),
            text(p.residence.code()),
            opt_text(p.community_id),
            text(p.insured_district),
            text(p.management.code()),
            opt_text(p.employer_id),
            text(p.special_groups),
            text(p.created_at),
            text(p.created_at),
        ]
    });
    db.insert_rows(
        "INSERT INTO persons (id, id_index, id_masked, birth_date, name, phone, phone_index, residence, community_id, insured_district, management, employer_id, special_groups, created_at, updated_at)",
        15,
        values.collect(),
    )
}

/// Where a person lives and whom to call, as on file.
pub struct Contact {
    /// The address, when known.
    pub address: Option<String>,
    /// The phone number, when known.
    pub phone: Option<String>,
}

/// The person's address and phone; `None` when there is no such person.
pub fn contact(db: &Db, person_id: &str) -> Result<Option<Contact>> {
    db.try_one("SELECT address, phone FROM persons WHERE id = ?", &[text(person_id)], |r| {
        Ok(Contact { address: r.opt_text("address"), phone: r.opt_text("phone") })
    })
}

/// What decides whether failed face checks call for a home visit (R6.3):
/// the person's special groups (on the service ledger when any) and birth date.
pub struct AssistFacts {
    pub special_groups: Vec<String>,
    pub birth_date: Option<NaiveDate>,
}

/// The person's special groups and birth date; `None` when there is no
/// such person, an error naming the person when a value does not read.
pub fn assist_facts(db: &Db, person_id: &str) -> Result<Option<AssistFacts>> {
    db.try_one("SELECT special_groups, birth_date FROM persons WHERE id = ?", &[text(person_id)], |r| {
        let groups = r.text("special_groups");
        let special_groups = serde_json::from_str::<Vec<String>>(&groups)
            .map_err(|e| anyhow::anyhow!("person {person_id}: special_groups {groups:?}: {e}"))?;
        let birth_date = r.opt_date("birth_date").with_context(|| format!("persons {person_id}"))?;
        Ok(AssistFacts { special_groups, birth_date })
    })
}

/// Sets the language the person reads zige in (issue 18).
pub fn set_language(db: &Db, person_id: &str, language: zige_domain::language::Language) -> Result<()> {
    db.exec("UPDATE persons SET language = ? WHERE id = ?", &[text(language.code()), text(person_id)])
}

/// A person found by ID number, with where they live and who manages them (R2.2).
pub struct PersonPlacement {
    pub id: String,
    pub placement: zige_domain::routing::Placement,
}

/// The person whose ID number has the blind index `id_index`, with their
/// placement; `None` when nobody registered has it, an error naming the
/// person when the placement does not read.
pub fn find_placement_by_id_index(db: &Db, id_index: &str) -> Result<Option<PersonPlacement>> {
    db.try_one(
        "SELECT id, residence, community_id, management, employer_id, insured_district FROM persons WHERE id_index = ?",
        &[text(id_index)],
        |r| {
            let id = r.text("id");
            let placement = crate::records::placement(&r).map_err(|e| e.context(format!("persons {id}: placement")))?;
            Ok(PersonPlacement { id, placement })
        },
    )
}

/// A line of the register of persons with limited mobility (服务对象名册,
/// R6.3): a person on it (name unmasked: the caller masks it), their
/// community's name and the visits against them, as stored.
pub struct RegisterLine {
    pub person_id: Option<String>,
    pub name: String,
    pub id_masked: String,
    /// The person's special groups, as their stored JSON.
    pub special_groups: String,
    pub org_name: Option<String>,
    pub last_visit: Option<String>,
    /// Visits done.
    pub visits: i64,
    /// The nearest deadline of a visit open or scheduled.
    pub visit_due: Option<String>,
}

/// The register's tables and condition: the persons in the scope (its
/// parameters) in a special group.
fn service_register_from(scope: &Scope) -> String {
    format!("FROM persons p LEFT JOIN orgs o ON o.id = p.community_id WHERE {} AND p.special_groups <> '[]'", scope.condition)
}

/// The register (R6.3) of the persons in `scope` (R2.3) in a special group
/// today, by community: one page (limit, offset), or all of it.
pub fn service_register(db: &Db, scope: &Scope, page: Option<(i64, i64)>) -> Result<Vec<RegisterLine>> {
    let mut params = scope.params.clone();
    let mut sql = format!(
        "SELECT p.id AS ref, p.name, p.id_masked, p.special_groups, o.name AS org_name,
                (SELECT MAX(h.visited_on) FROM home_visits h WHERE h.person_id = p.id) AS last_visit,
                (SELECT COUNT(*) FROM home_visits h WHERE h.person_id = p.id AND h.status = 'done') AS visits,
                (SELECT MIN(h.deadline) FROM home_visits h WHERE h.person_id = p.id AND h.status IN ('open', 'scheduled')) AS visit_due
         {} ORDER BY o.name, p.id",
        service_register_from(scope)
    );
    if let Some((limit, offset)) = page {
        sql.push_str(" LIMIT ? OFFSET ?");
        params.extend([int(limit), int(offset)]);
    }
    db.all(&sql, &params, |r| RegisterLine {
        person_id: r.opt_text("ref"),
        name: r.text("name"),
        id_masked: r.text("id_masked"),
        special_groups: r.text("special_groups"),
        org_name: r.opt_text("org_name"),
        last_visit: r.opt_text("last_visit"),
        visits: r.int("visits"),
        visit_due: r.opt_text("visit_due"),
    })
}

/// How many lines [`service_register`] has for the same scope.
pub fn service_register_count(db: &Db, scope: &Scope) -> Result<i64> {
    Ok(db.one(&format!("SELECT COUNT(*) AS n {}", service_register_from(scope)), &scope.params, |r| r.int("n"))?.unwrap_or(0))
}

/// The person's name; `None` when there is no such person.
pub fn find_name(db: &Db, person_id: &str) -> Result<Option<String>> {
    db.one("SELECT name FROM persons WHERE id = ?", &[text(person_id)], |r| r.text("name"))
}
