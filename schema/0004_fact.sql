-- dmarcq schema, migration 4: the facts attribution reads (source, header From, the
-- policy_evaluated verdicts, disposition and the authentication results), stored once
-- per distinct combination and referenced by every record that has them. Reports
-- repeat the same sources with the same results, so explain, digest and summary
-- --by sender group records by an integer instead of six text columns.
-- Derived data: the record columns stay the truth, and `dmarcq rebuild` recomputes
-- this table from them.
CREATE TABLE fact (
  id           INTEGER PRIMARY KEY,
  source_ip    TEXT NOT NULL,
  header_from  TEXT NOT NULL,
  dkim_aligned TEXT NOT NULL,
  spf_aligned  TEXT NOT NULL,
  disposition  TEXT NOT NULL,
  auth_key     TEXT NOT NULL,  -- report::encode_auth
  UNIQUE (source_ip, header_from, auth_key, dkim_aligned, spf_aligned, disposition)
);
ALTER TABLE record ADD COLUMN fact_ref INTEGER REFERENCES fact (id);

INSERT OR IGNORE INTO fact (source_ip, header_from, dkim_aligned, spf_aligned, disposition, auth_key)
  SELECT source_ip, header_from, dkim_aligned, spf_aligned, disposition, coalesce(auth_key, '') FROM record;
UPDATE record SET fact_ref = (
  SELECT f.id FROM fact f
  WHERE f.source_ip = record.source_ip AND f.header_from = record.header_from
    AND f.auth_key = coalesce(record.auth_key, '') AND f.dkim_aligned = record.dkim_aligned
    AND f.spf_aligned = record.spf_aligned AND f.disposition = record.disposition);

-- Grouping reads three integers per record: this index holds them, so the scan reads
-- a tenth of the pages of the record table. It also serves every join on report_ref,
-- which makes the single-column index redundant.
CREATE INDEX record_fact ON record (report_ref, fact_ref, message_count);
DROP INDEX record_report;
