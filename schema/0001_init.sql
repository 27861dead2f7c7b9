-- dmarcq schema, migration 1: reports as reported, the inputs seen, and rejects.
-- Portable SQL: every SQLite-only setting (WAL, pragmas) lives in the SQLite backend.

-- One aggregate report. Its identity is (reporter, report_id, domain, date_begin,
-- date_end): reporters reuse report ids across domains and periods, so an id alone
-- is not a key.
CREATE TABLE report (
  id                 INTEGER PRIMARY KEY,
  reporter           TEXT    NOT NULL,  -- org_name lower-cased: the dedup identity
  org_name           TEXT    NOT NULL,
  email              TEXT    NOT NULL,
  extra_contact_info TEXT    NOT NULL,
  report_id          TEXT    NOT NULL,
  date_begin         INTEGER NOT NULL,  -- seconds since the epoch, UTC
  date_end           INTEGER NOT NULL,
  version            TEXT    NOT NULL,
  generator          TEXT    NOT NULL,
  xml_namespace      TEXT    NOT NULL,
  domain             TEXT    NOT NULL,  -- policy_published: the DMARC policy domain
  adkim              TEXT    NOT NULL,  -- policy values as published; '' when absent
  aspf               TEXT    NOT NULL,
  p                  TEXT    NOT NULL,
  sp                 TEXT    NOT NULL,
  np                 TEXT    NOT NULL,
  pct                INTEGER,           -- NULL when absent
  fo                 TEXT    NOT NULL,
  testing            TEXT    NOT NULL,
  discovery_method   TEXT    NOT NULL,
  day_count          INTEGER NOT NULL,  -- UTC days the period covers (see report_day)
  record_count       INTEGER NOT NULL,
  message_count      INTEGER NOT NULL,
  dropped_records    INTEGER NOT NULL,
  origin             TEXT    NOT NULL,  -- where the document came from: path › member
  content_hash       TEXT    NOT NULL,  -- SHA-256 of the document bytes
  imported_at        INTEGER NOT NULL,
  UNIQUE (reporter, report_id, domain, date_begin, date_end)
);
CREATE INDEX report_domain ON report (domain, date_begin);

-- The reporter's own <error> texts and the parser's warnings, in order.
CREATE TABLE report_note (
  report_ref INTEGER NOT NULL REFERENCES report (id),
  seq        INTEGER NOT NULL,
  kind       TEXT    NOT NULL,  -- 'error' (from the reporter) or 'warning' (from dmarcq)
  text       TEXT    NOT NULL,
  PRIMARY KEY (report_ref, seq)
);

-- The UTC days a report covers. A record's count is spread evenly over them: day i of
-- n gets count / n, plus one when i < count % n, so daily figures are exact integers
-- that add up to the count.
CREATE TABLE report_day (
  report_ref INTEGER NOT NULL REFERENCES report (id),
  day_index  INTEGER NOT NULL,  -- 0 .. day_count - 1
  day        TEXT    NOT NULL,  -- 'YYYY-MM-DD'
  week       TEXT    NOT NULL,  -- ISO 8601 week 'YYYY-Www'
  PRIMARY KEY (report_ref, day_index)
);
CREATE INDEX report_day_day ON report_day (day);

-- One <record>: a source IP and the messages it sent with one set of results.
CREATE TABLE record (
  id            INTEGER PRIMARY KEY,
  report_ref    INTEGER NOT NULL REFERENCES report (id),
  seq           INTEGER NOT NULL,  -- position among the report's kept records, from 1
  source_ip     TEXT    NOT NULL,
  message_count INTEGER NOT NULL,
  disposition   TEXT    NOT NULL,
  dkim_aligned  TEXT    NOT NULL,  -- policy_evaluated dkim: 'pass', 'fail' or ''
  spf_aligned   TEXT    NOT NULL,  -- policy_evaluated spf
  header_from   TEXT    NOT NULL,
  envelope_from TEXT    NOT NULL,
  envelope_to   TEXT    NOT NULL
);
CREATE INDEX record_report ON record (report_ref);
CREATE INDEX record_source ON record (source_ip);

CREATE TABLE dkim_result (
  record_ref   INTEGER NOT NULL REFERENCES record (id),
  seq          INTEGER NOT NULL,
  domain       TEXT    NOT NULL,
  selector     TEXT    NOT NULL,
  result       TEXT    NOT NULL,
  human_result TEXT    NOT NULL,
  PRIMARY KEY (record_ref, seq)
);

CREATE TABLE spf_result (
  record_ref   INTEGER NOT NULL REFERENCES record (id),
  seq          INTEGER NOT NULL,
  domain       TEXT    NOT NULL,
  scope        TEXT    NOT NULL,
  result       TEXT    NOT NULL,
  human_result TEXT    NOT NULL,
  PRIMARY KEY (record_ref, seq)
);

CREATE TABLE policy_reason (
  record_ref INTEGER NOT NULL REFERENCES record (id),
  seq        INTEGER NOT NULL,
  type       TEXT    NOT NULL,
  comment    TEXT    NOT NULL,
  PRIMARY KEY (record_ref, seq)
);

-- Every document seen, by content hash, with what became of it. A document seen again
-- is skipped without parsing, which makes re-imports cheap and idempotent.
CREATE TABLE input (
  content_hash TEXT    PRIMARY KEY,
  origin       TEXT    NOT NULL,  -- where it was first seen
  outcome      TEXT    NOT NULL,  -- 'imported', 'duplicate' or 'rejected'
  report_ref   INTEGER REFERENCES report (id),  -- the report it is, or duplicates
  detail       TEXT    NOT NULL,
  first_seen   INTEGER NOT NULL
);

-- What could not be imported, with the bytes needed to try again with a later version.
CREATE TABLE reject (
  id           INTEGER PRIMARY KEY,
  content_hash TEXT    NOT NULL UNIQUE,
  origin       TEXT    NOT NULL,
  reason       TEXT    NOT NULL,
  error_kind   TEXT    NOT NULL,  -- corrupt, invalid, limit, unsupported, io
  raw_size     INTEGER NOT NULL,  -- size of the unit; raw is empty when it was not kept
  raw          BLOB    NOT NULL,
  rejected_at  INTEGER NOT NULL
);
