-- dmarcq schema, migration 4: the facts attribution reads (source, header From, the
-- policy_evaluated verdicts, disposition and the authentication results), stored once
-- per distinct combination and referenced by every record that has them. Reports
-- repeat the same sources with the same results, so explain, digest and summary
-- --by sender group records by an integer instead of six text columns.
-- Derived data: the record columns stay the truth; dmarcq fills fact_ref for existing
-- records when it opens the database (the key hash is computed in code).
CREATE TABLE fact (
  id           INTEGER PRIMARY KEY,
  key_hash     INTEGER NOT NULL,  -- 64 bits of the SHA-256 of the values; not unique
  source_ip    TEXT NOT NULL,
  header_from  TEXT NOT NULL,
  dkim_aligned TEXT NOT NULL,
  spf_aligned  TEXT NOT NULL,
  disposition  TEXT NOT NULL,
  auth_key     TEXT NOT NULL     -- report::encode_auth
);
-- Facts are found by their hash and then compared value by value: an index of
-- integers stays in the page cache where one over the text would not.
CREATE INDEX fact_key_hash ON fact (key_hash);
ALTER TABLE record ADD COLUMN fact_ref INTEGER REFERENCES fact (id);

-- Grouping reads three integers per record: this index holds them, so the scan reads
-- a tenth of the pages of the record table. It also serves every join on report_ref,
-- which makes the single-column index redundant.
CREATE INDEX record_fact ON record (report_ref, fact_ref, message_count);
DROP INDEX record_report;
