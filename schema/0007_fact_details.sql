-- dmarcq schema, migration 7: the authentication results and policy reasons of a
-- record are stored once per fact instead of once per record. Reports repeat the same
-- sources with the same results day after day, so most records of a large store share
-- a fact; writing three child rows per record (each a row and a primary-key entry) was
-- most of an import's database work.
--
-- A fact's identity now covers the results exactly: `details` is '' when auth_key
-- (report::encode_auth, which replaces '/', ';' and '|') says everything, and holds an
-- exact, length-prefixed encoding of every result and reason otherwise (a human_result
-- text, a separator character inside a value).
-- dmarcq refills the fact table from the records and their child rows in code when it
-- applies this migration; migration 8 then replaces the child tables with views.
ALTER TABLE fact ADD COLUMN details TEXT NOT NULL DEFAULT '';

CREATE TABLE fact_dkim (
  fact_ref     INTEGER NOT NULL REFERENCES fact (id),
  seq          INTEGER NOT NULL,  -- order in the record, from 1
  domain       TEXT    NOT NULL,
  selector     TEXT    NOT NULL,
  result       TEXT    NOT NULL,
  human_result TEXT    NOT NULL,
  PRIMARY KEY (fact_ref, seq)
) WITHOUT ROWID;

CREATE TABLE fact_spf (
  fact_ref     INTEGER NOT NULL REFERENCES fact (id),
  seq          INTEGER NOT NULL,
  domain       TEXT    NOT NULL,
  scope        TEXT    NOT NULL,
  result       TEXT    NOT NULL,
  human_result TEXT    NOT NULL,
  PRIMARY KEY (fact_ref, seq)
) WITHOUT ROWID;

CREATE TABLE fact_reason (
  fact_ref INTEGER NOT NULL REFERENCES fact (id),
  seq      INTEGER NOT NULL,
  type     TEXT    NOT NULL,
  comment  TEXT    NOT NULL,
  PRIMARY KEY (fact_ref, seq)
) WITHOUT ROWID;
