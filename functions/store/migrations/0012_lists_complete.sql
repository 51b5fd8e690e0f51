-- Every benefit is on a list from the day it is registered: one never
-- assessed is to be verified (nobody is missed), until the next sweep or
-- change assesses it.

UPDATE benefits SET list_kind = 'to_verify', list_reasons = '[{"code":"not_assessed","requirement":"R5.4","evidence":[],"message_zh":"新登记，尚未比对，待核查","message_en":"Newly registered; not yet matched"}]' WHERE list_kind IS NULL;

-- The dashboard counts lists, channels and payment states in one pass over
-- this index instead of the table.
CREATE INDEX benefits_dashboard ON benefits (list_kind, certified_by, payment_status);
