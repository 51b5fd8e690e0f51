-- A person's suspensions and a benefit's count of instructions are read
-- with every loss (issue 19): without this index each read scanned every
-- instruction ever issued, so a loss cost more as the payroll feed grew.
CREATE INDEX payroll_instructions_benefit ON payroll_instructions (benefit_id, action);
