-- A workspace counts its days in its own time zone (an IANA name) and reports
-- money in one currency (an ISO 4217 code). Existing workspaces keep the
-- days they had, UTC's, and report in US dollars until told otherwise.
-- (DuckDB cannot add a column with a NOT NULL constraint; the store always
-- writes both.)
ALTER TABLE workspaces ADD COLUMN time_zone VARCHAR DEFAULT 'UTC';
ALTER TABLE workspaces ADD COLUMN currency VARCHAR DEFAULT 'USD';
