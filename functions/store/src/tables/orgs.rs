//! Typed queries on `orgs`.

use crate::db::{Db, opt_text, text};
use anyhow::Result;

/// Every organisation as a node of the tree; an error naming the
/// organisation when its kind does not read. Read once per write
/// transaction.
pub fn tree_nodes(db: &Db) -> Result<Vec<zige_domain::routing::Org>> {
    use zige_domain::routing::{Org, OrgKind};
    if let Some(nodes) = db.org_nodes.borrow().as_ref() {
        return Ok(nodes.clone());
    }
    let nodes = db.try_all("SELECT id, parent_id, kind, division_code FROM orgs", &[], |r| {
        let (id, kind) = (r.text("id"), r.text("kind"));
        let kind =
            OrgKind::ALL.into_iter().find(|k| k.code() == kind).ok_or_else(|| anyhow::anyhow!("organisation {id}: kind {kind:?}"))?;
        Ok(Org { id, parent: r.opt_text("parent_id"), kind, division_code: r.opt_text("division_code") })
    })?;
    if db.in_transaction() {
        db.org_nodes.replace(Some(nodes.clone()));
    }
    Ok(nodes)
}

/// An organisation as the list of organisations shows it.
#[derive(Debug, Clone)]
pub struct OrgListing {
    pub id: String,
    pub parent_id: Option<String>,
    pub kind: zige_domain::routing::OrgKind,
    pub name: String,
    pub division_code: Option<String>,
}

/// Every organisation, by id; an error naming the organisation when its
/// kind does not read.
pub fn list_by_id(db: &Db) -> Result<Vec<OrgListing>> {
    use zige_domain::routing::OrgKind;
    db.try_all("SELECT id, parent_id, kind, name, division_code FROM orgs ORDER BY id", &[], |r| {
        let (id, kind) = (r.text("id"), r.text("kind"));
        let kind =
            OrgKind::ALL.into_iter().find(|k| k.code() == kind).ok_or_else(|| anyhow::anyhow!("organisation {id}: kind {kind:?}"))?;
        Ok(OrgListing { id, parent_id: r.opt_text("parent_id"), kind, name: r.text("name"), division_code: r.opt_text("division_code") })
    })
}

/// Whether an organisation has the id `id` or, when given, the division
/// code `division_code`.
pub fn id_or_division_code_taken(db: &Db, id: &str, division_code: Option<&str>) -> Result<bool> {
    Ok(db
        .try_one(
            "SELECT 1 AS x FROM orgs WHERE id = ? OR (division_code IS NOT NULL AND division_code = ?)",
            &[text(id), opt_text(division_code)],
            |_| Ok(()),
        )?
        .is_some())
}

/// A new organisation under an existing parent.
pub struct NewOrg<'a> {
    pub id: &'a str,
    pub parent_id: &'a str,
    pub kind: zige_domain::routing::OrgKind,
    pub name: &'a str,
    /// Districts' 6-digit division code.
    pub division_code: Option<&'a str>,
    pub created_at: &'a str,
}

/// Creates an organisation.
pub fn insert(db: &Db, o: &NewOrg<'_>) -> Result<()> {
    use crate::db::{opt_text, text};
    db.org_nodes.replace(None);
    db.exec(
        "INSERT INTO orgs (id, parent_id, kind, name, division_code, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        &[text(o.id), text(o.parent_id), text(o.kind.code()), text(o.name), opt_text(o.division_code), text(o.created_at)],
    )
}

/// The id of the first organisation of `kind` (by id): the city's
/// organisation of a city-level kind (R2.1); `None` when the tree has none.
pub fn first_id_of_kind(db: &Db, kind: zige_domain::routing::OrgKind) -> Result<Option<String>> {
    db.try_one("SELECT id FROM orgs WHERE kind = ? ORDER BY id LIMIT 1", &[text(kind.code())], |r| Ok(r.text("id")))
}

/// The ids of every district, in order.
pub fn district_ids(db: &Db) -> Result<Vec<String>> {
    db.all("SELECT id FROM orgs WHERE kind = 'district' ORDER BY id", &[], |r| r.text("id"))
}
