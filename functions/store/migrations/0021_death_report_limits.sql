-- Death reports per reporter and day (R5.6): a reporter may not stop or
-- probe pensions in bulk. `certificate_number` keeps the death or cremation
-- certificate a report gives, for staff to check with civil affairs.
CREATE TABLE death_report_limits (
    reporter_index TEXT NOT NULL,
    day TEXT NOT NULL,
    reports INTEGER NOT NULL,
    PRIMARY KEY (reporter_index, day)
);

ALTER TABLE death_reports ADD COLUMN certificate_number TEXT;

-- A false report retracted by staff, with the day and why (R5.4, R5.6).
ALTER TABLE death_reports ADD COLUMN retracted_on TEXT;
ALTER TABLE death_reports ADD COLUMN retraction_reason TEXT;
