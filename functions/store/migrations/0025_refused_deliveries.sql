-- Refused webhook deliveries, counted per partner (every unknown partner
-- counts as one), reason and hour (R8.1): anyone can send them, so each
-- does not write its own permanent row; the audit trail records the first
-- of each hour and this table how many followed.
CREATE TABLE refused_deliveries (
    partner TEXT NOT NULL,
    reason TEXT NOT NULL,
    hour TEXT NOT NULL,
    refused INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    PRIMARY KEY (partner, reason, hour)
);
