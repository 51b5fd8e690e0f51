-- Recovery of overpayments (R7.3–R7.6, R9.3): the served refund notice,
-- payments, the employer's remainder, refusals and the blacklist.

ALTER TABLE overpayments ADD COLUMN served_on TEXT;

ALTER TABLE overpayments ADD COLUMN paid_fen INTEGER NOT NULL DEFAULT 0;

ALTER TABLE overpayments ADD COLUMN employer_remainder_fen INTEGER;

ALTER TABLE overpayments ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;

ALTER TABLE overpayments ADD COLUMN blacklisted_on TEXT;

ALTER TABLE overpayments ADD COLUMN blacklist_lifted_on TEXT;

CREATE TABLE recovery_payments (
    id TEXT PRIMARY KEY,
    overpayment_id TEXT NOT NULL REFERENCES overpayments (id),
    kind TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    paid_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX recovery_payments_case ON recovery_payments (overpayment_id, paid_on);
