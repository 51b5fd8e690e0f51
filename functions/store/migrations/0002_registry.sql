-- The registry (R2.1, R3.1, R1.2, R3.3), staff accounts and the audit trail (R8.1, R9.2).
-- One statement per `;`-terminated line group: Spin runs one statement at a time.

-- Organisations as a tree (R2.1). kind: hrss_bureau, social_insurance_agency,
-- retiree_agency, district, sub_district, community, employer.
CREATE TABLE orgs (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES orgs (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    division_code TEXT UNIQUE,
    created_at TEXT NOT NULL
);

CREATE INDEX orgs_parent ON orgs (parent_id);

INSERT INTO orgs (id, parent_id, kind, name, division_code, created_at) VALUES ('city-hrss', NULL, 'hrss_bureau', '乌鲁木齐市人力资源和社会保障局', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

INSERT INTO orgs (id, parent_id, kind, name, division_code, created_at) VALUES ('city-si', 'city-hrss', 'social_insurance_agency', '乌鲁木齐市社会保险经办机构', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

INSERT INTO orgs (id, parent_id, kind, name, division_code, created_at) VALUES ('city-retiree', 'city-hrss', 'retiree_agency', '乌鲁木齐市退休人员社会化管理服务机构', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

INSERT INTO orgs (id, parent_id, kind, name, division_code, created_at) VALUES
    ('650102', 'city-retiree', 'district', '天山区', '650102', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('650103', 'city-retiree', 'district', '沙依巴克区', '650103', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('650104', 'city-retiree', 'district', '新市区', '650104', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('650105', 'city-retiree', 'district', '水磨沟区', '650105', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('650106', 'city-retiree', 'district', '头屯河区', '650106', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('650107', 'city-retiree', 'district', '达坂城区', '650107', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('650109', 'city-retiree', 'district', '米东区', '650109', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ('650121', 'city-retiree', 'district', '乌鲁木齐县', '650121', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- Staff accounts: argon2id password hashes, lockout after repeated failures.
CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    display_name TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- Recipients. The ID number is never stored in a searchable clear form: a keyed
-- blind index (HMAC-SHA256) finds it, a masked form displays it. Phones likewise.
CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    id_index TEXT NOT NULL UNIQUE,
    id_masked TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    phone_index TEXT,
    address TEXT,
    residence TEXT NOT NULL,
    community_id TEXT REFERENCES orgs (id),
    insured_district TEXT NOT NULL,
    management TEXT NOT NULL,
    employer_id TEXT REFERENCES orgs (id),
    special_groups TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX persons_name ON persons (name);

CREATE INDEX persons_phone ON persons (phone_index);

CREATE INDEX persons_community ON persons (community_id);

CREATE INDEX persons_district ON persons (insured_district);

CREATE INDEX persons_employer ON persons (employer_id);

-- Family members and dependants (R3.1): who depends on whom, and how.
CREATE TABLE relations (
    person_id TEXT NOT NULL REFERENCES persons (id),
    relative_index TEXT NOT NULL,
    relative_masked TEXT NOT NULL,
    relation TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (person_id, relative_index, relation)
);

-- Benefits (R1.1): one row per benefit of a person. payment_status follows the
-- domain state machine (active, suspended, terminated, restored).
CREATE TABLE benefits (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    benefit_type TEXT NOT NULL,
    monthly_amount_fen INTEGER NOT NULL CHECK (monthly_amount_fen >= 0),
    start_date TEXT NOT NULL,
    insured_district TEXT NOT NULL,
    depends_on_index TEXT,
    payment_status TEXT NOT NULL DEFAULT 'active',
    payment_reason TEXT,
    payment_since TEXT,
    objection_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (person_id, benefit_type)
);

-- Evidence about persons (R5, R6): records from partners, recipients and staff.
CREATE TABLE evidence (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    received_on TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX evidence_person ON evidence (person_id);

-- Staff decisions after verification (R6.6, R7.1).
CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    outcome TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX decisions_person ON decisions (person_id);

-- History of every change to a person or benefit (R3.1): who, when, old and new.
CREATE TABLE history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE INDEX history_person ON history (person_id, id);

-- Roster imports and their results.
CREATE TABLE imports (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    payload_hash TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    rejected TEXT NOT NULL,
    at TEXT NOT NULL
);

-- The audit trail (R8.1, R9.2): append-only and hash-chained.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    payload_hash TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
