-- dmarcq schema, migration 3: each record's authentication results and reasons in one
-- column (report::encode_auth), so that explain and summary --by sender group records
-- by the facts they read in one pass. Existing rows are filled in by dmarcq when it
-- opens the database (the encoding is done in code, the same for every backend).
ALTER TABLE record ADD COLUMN auth_key TEXT;
CREATE INDEX record_report_auth ON record (report_ref, source_ip);
