-- dmarcq schema, migration 7: the authentication results and policy reasons of a
-- record are stored once per fact instead of once per record. Reports repeat the same
-- sources with the same results day after day, so most records of a large store share
-- a fact; writing three child rows per record (each a row and a primary-key entry) was
-- most of an import's database work.
--
-- Each list is a JSON array of arrays, exactly as reported, in the record's order:
--   dkim_results   [[domain, selector, result, human_result], ...]
--   spf_results    [[domain, scope, result, human_result], ...]
--   policy_reasons [[type, comment], ...]
-- They are part of the fact's identity (auth_key, report::encode_auth, is not exact: it
-- drops human_result and replaces separator characters). JSON, and not rows of child
-- tables, because a new fact is then one row; the per-record views of migration 8 read
-- them with json_each (a PostgreSQL backend would use json_array_elements).
-- dmarcq refills the fact table from the records and their child rows in code when it
-- applies this migration; migration 8 then replaces the child tables with views.
ALTER TABLE fact ADD COLUMN dkim_results TEXT NOT NULL DEFAULT '[]';
ALTER TABLE fact ADD COLUMN spf_results TEXT NOT NULL DEFAULT '[]';
ALTER TABLE fact ADD COLUMN policy_reasons TEXT NOT NULL DEFAULT '[]';
