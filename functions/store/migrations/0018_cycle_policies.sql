-- Cycle policies (R4.2): every version the city sets, with the day it takes
-- effect. Rows are only ever added; the latest row for a day wins, so what
-- applied on any past date stays answerable.
CREATE TABLE cycle_policies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    benefit_type TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    policy TEXT NOT NULL,
    note TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);

CREATE INDEX cycle_policies_benefit ON cycle_policies (benefit_type, effective_from);
