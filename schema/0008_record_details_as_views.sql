-- dmarcq schema, migration 8: the per-record child tables of migration 1 become views
-- over the per-fact tables of migration 7, with the same names and columns, so that
-- queries written against them keep working. record.auth_key (migration 3) goes too:
-- the record's fact holds it.
DROP TABLE dkim_result;
DROP TABLE spf_result;
DROP TABLE policy_reason;
ALTER TABLE record DROP COLUMN auth_key;

CREATE VIEW dkim_result (record_ref, seq, domain, selector, result, human_result) AS
  SELECT r.id, d.seq, d.domain, d.selector, d.result, d.human_result
  FROM record r JOIN fact_dkim d ON d.fact_ref = r.fact_ref;

CREATE VIEW spf_result (record_ref, seq, domain, scope, result, human_result) AS
  SELECT r.id, s.seq, s.domain, s.scope, s.result, s.human_result
  FROM record r JOIN fact_spf s ON s.fact_ref = r.fact_ref;

CREATE VIEW policy_reason (record_ref, seq, type, comment) AS
  SELECT r.id, p.seq, p.type, p.comment
  FROM record r JOIN fact_reason p ON p.fact_ref = r.fact_ref;
