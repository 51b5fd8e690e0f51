-- The dashboard counts lists by district of insurance from this index
-- instead of the table, and finds the year's payment changes without
-- reading every history line.
CREATE INDEX benefits_district_list ON benefits (insured_district, list_kind);

CREATE INDEX history_field_at ON history (field, at);
