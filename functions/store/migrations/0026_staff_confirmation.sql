-- Separation of duties (issue 17): an account with an agency's own powers
-- (the social-insurance agency's, the retiree agency's) that the bureau's
-- administrator creates takes effect when an officer of that agency
-- confirms it; until then it cannot log in.
ALTER TABLE staff ADD COLUMN awaiting_confirmation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN confirmed_by TEXT;
