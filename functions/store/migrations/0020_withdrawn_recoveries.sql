-- A recovery case whose loss no longer stands (the record retracted, or
-- disproved by a staff decision) is withdrawn, kept with the day and why
-- (R7.3).
ALTER TABLE overpayments ADD COLUMN withdrawn_on TEXT;
ALTER TABLE overpayments ADD COLUMN withdrawn_reason TEXT;
