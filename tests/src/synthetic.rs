//! A synthetic city for benchmarks: persons with several benefits each,
//! generated from a seed (the same seed gives the same city), written
//! straight into a database file at the current schema, which the
//! platform's own migrations create. Every person has one certification;
//! a chosen share certified long ago (their benefits lapse), the others
//! within the current cycle. Each benefit's stored cycle status is what the
//! previous day's sweep found, so a sweep on `as_of` changes exactly the
//! lapsed persons' benefits: their records changed since (their review is
//! due at the next sweep), and every other benefit's review day is the one
//! the domain sets (issue 19).

use anyhow::Result;
use chrono::NaiveDate;
use std::path::Path;
use zige_domain::cycle::CycleStatus;
use zige_domain::{BenefitType, Evidence, EvidenceKind, Fen, PaymentState};
use zige_store::records::{self, BenefitRow, Snapshot};

/// The development `pii_key` of spin.toml, which the benchmark apps use.
pub const PII_KEY: &str = "zige-development-key-change-me";

/// What to generate.
pub struct CitySpec {
    /// The random seed.
    pub seed: u64,
    /// Persons (at least a third of `benefits`).
    pub persons: usize,
    /// Benefits in all, three or four per person.
    pub benefits: usize,
    /// The day the next sweep runs as.
    pub as_of: NaiveDate,
    /// The share of persons whose certification has lapsed, 0 to 1.
    pub lapsed_share: f64,
}

/// SplitMix64: a small, well-mixed generator, enough for reproducible data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const TYPES: [BenefitType; 6] = [
    BenefitType::EmployeePension,
    BenefitType::WorkInjury,
    BenefitType::Unemployment,
    BenefitType::WorkInjuryDependant,
    BenefitType::GovernmentPension,
    BenefitType::ResidentPension,
];

const DISTRICTS: [&str; 8] = ["650102", "650103", "650104", "650105", "650106", "650107", "650109", "650121"];

/// Writes the city into a new database file at `path`.
pub fn generate(path: &Path, spec: &CitySpec) -> Result<()> {
    anyhow::ensure!(spec.benefits >= 3 * spec.persons && spec.benefits <= 4 * spec.persons, "three or four benefits per person");
    drop(zige_store::db::Db::open_file(path)?);
    let mut conn = rusqlite::Connection::open(path)?;
    conn.execute_batch("PRAGMA synchronous = OFF")?;
    let tx = conn.transaction()?;
    let now = "2026-01-01T00:00:00Z";
    let communities: Vec<(String, &str)> = DISTRICTS.iter().flat_map(|d| (0..25).map(move |n| (format!("c-{d}-{n:02}"), *d))).collect();
    for (id, district) in &communities {
        tx.execute(
            "INSERT INTO orgs (id, parent_id, kind, name, division_code, created_at) VALUES (?1, ?2, 'community', ?1, NULL, ?3)",
            [id.as_str(), district, now],
        )?;
    }
    let mut rng = Rng(spec.seed);
    // The notice's defaults, as a fresh deployment has them.
    let policies = zige_domain::cycle::PolicySet::default();
    let start = NaiveDate::from_ymd_opt(2015, 1, 1).expect("a date");
    let certified_kind = serde_json::to_string(&EvidenceKind::OtherProofOfLife)?;
    let four = spec.benefits - 3 * spec.persons;
    {
        let mut person = tx.prepare(
            "INSERT INTO persons (id, id_index, id_masked, birth_date, name, phone, residence, community_id, insured_district, management, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, '某某某', ?5, 'local', ?6, ?7, 'socialised', ?8, ?8)",
        )?;
        let mut benefit = tx.prepare(
            "INSERT INTO benefits (id, person_id, benefit_type, monthly_amount_fen, start_date, insured_district, cycle_status, cycle_due,
               list_kind, list_reasons, certified_on, certified_by, created_at, updated_at, review_on)
             VALUES (?1, ?2, ?3, 200000, '2015-01-01', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
        )?;
        let mut evidence = tx.prepare(
            "INSERT INTO evidence (id, person_id, kind, occurred_on, received_on, source, created_at) VALUES (?1, ?2, ?3, ?4, ?4, 'roster', ?5)",
        )?;
        for i in 0..spec.persons {
            let id = format!("p{i:07}");
            let birth =
                NaiveDate::from_ymd_opt(1940 + (i % 40) as i32, 1 + (i / 40 % 12) as u32, 1 + (i / 480 % 28) as u32).expect("a date");
            let number = zige_domain::id_number::with_check_character(&format!("650102{}{:03}", birth.format("%Y%m%d"), i % 1000))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            // The sequence digits repeat every 1000 persons of a birthday; the
            // person number keeps blind indexes apart.
            let index = zige_domain::id_number::blind_index(PII_KEY.as_bytes(), format!("{}:{i}", number.as_str()).as_bytes());
            let (community, district) = &communities[rng.below(communities.len() as u64) as usize];
            person.execute(rusqlite::params![
                id,
                index,
                number.masked(),
                birth.to_string(),
                format!("138{i:08}"),
                community,
                district,
                now
            ])?;
            let lapsed = (rng.below(1_000_000) as f64) < spec.lapsed_share * 1_000_000.0;
            let certified = if lapsed {
                NaiveDate::from_ymd_opt(2025, 6, 1).expect("a date")
            } else {
                spec.as_of - chrono::Duration::days(rng.below(10) as i64)
            };
            evidence.execute(rusqlite::params![format!("e{i:07}"), id, certified_kind, certified.to_string(), now])?;
            let count = if i < four { 4 } else { 3 };
            let first = rng.below(TYPES.len() as u64) as usize;
            let rows: Vec<BenefitRow> = (0..count)
                .map(|k| BenefitRow {
                    id: format!("b{i:07}-{k}"),
                    benefit_type: TYPES[(first + k) % TYPES.len()],
                    monthly_amount: Fen::new(200_000),
                    start,
                    insured_district: district.to_string(),
                    payment: PaymentState::Active,
                })
                .collect();
            // What yesterday's sweep found: certified for everyone; the
            // lapsed persons' benefits change today.
            let seen = if lapsed { spec.as_of - chrono::Duration::days(11) } else { certified };
            let evidence =
                [Evidence { id: format!("e{i:07}"), kind: EvidenceKind::OtherProofOfLife, occurred_on: seen, received_on: seen }];
            let birth_month = Some(chrono::Datelike::month(&birth));
            for (row, assessment) in records::assess_loaded(rows, &evidence, &[], &policies, birth_month, spec.as_of) {
                let facts = records::benefit_facts(&row, &policies, birth_month, spec.as_of);
                let review_on = if lapsed {
                    String::new()
                } else {
                    zige_domain::effects::next_review(&facts, &evidence, &[], &assessment, None, spec.as_of).to_string()
                };
                let status = match assessment.cycle.status {
                    CycleStatus::Certified => "certified",
                    CycleStatus::Due => "due",
                    CycleStatus::Overdue => "overdue",
                };
                let snapshot = Snapshot::of(&assessment);
                benefit.execute(rusqlite::params![
                    row.id,
                    id,
                    row.benefit_type.code(),
                    district,
                    status,
                    assessment.cycle.next_due.to_string(),
                    snapshot.list,
                    snapshot.reasons,
                    snapshot.certified_on,
                    snapshot.certified_by,
                    now,
                    review_on
                ])?;
            }
        }
    }
    // The review days above were found under the notice's defaults, and
    // yesterday's sweep took the requests its records made.
    tx.execute("INSERT INTO review_basis (id, policies) VALUES (1, ?)", [serde_json::to_string(&policies)?])?;
    tx.execute("DELETE FROM review_requests", [])?;
    tx.commit()?;
    Ok(())
}
