-- dmarcq schema, migration 8: the per-record child tables of migration 1 become views
-- over the facts' result lists (migration 7), with the same names and columns, so that
-- queries written against them keep working. record.auth_key (migration 3) goes too:
-- the record's fact holds it.
DROP TABLE dkim_result;
DROP TABLE spf_result;
DROP TABLE policy_reason;
ALTER TABLE record DROP COLUMN auth_key;

CREATE VIEW dkim_result (record_ref, seq, domain, selector, result, human_result) AS
  SELECT r.id, d.key + 1, d.value ->> 0, d.value ->> 1, d.value ->> 2, d.value ->> 3
  FROM record r JOIN fact f ON f.id = r.fact_ref, json_each(f.dkim_results) d;

CREATE VIEW spf_result (record_ref, seq, domain, scope, result, human_result) AS
  SELECT r.id, s.key + 1, s.value ->> 0, s.value ->> 1, s.value ->> 2, s.value ->> 3
  FROM record r JOIN fact f ON f.id = r.fact_ref, json_each(f.spf_results) s;

CREATE VIEW policy_reason (record_ref, seq, type, comment) AS
  SELECT r.id, p.key + 1, p.value ->> 0, p.value ->> 1
  FROM record r JOIN fact f ON f.id = r.fact_ref, json_each(f.policy_reasons) p;
