-- dmarcq schema, migration 2: mail messages seen, so that importing a mailbox again
-- skips every message it already read without decoding or unpacking it, and still
-- accounts for what the message held.
CREATE TABLE message (
  content_hash TEXT    PRIMARY KEY,  -- SHA-256 of the message bytes
  origin       TEXT    NOT NULL,     -- where it was first read: mailbox › message N <id>
  imported     INTEGER NOT NULL,     -- reports imported from it when first read
  duplicates   INTEGER NOT NULL,     -- its documents that were already stored then
  rejected     INTEGER NOT NULL,     -- its units that were rejected
  skipped      INTEGER NOT NULL,     -- archive members in it that were not reports
  no_report    TEXT    NOT NULL,     -- '' or what it was: 'not a report', 'failure report (ARF)', ...
  first_seen   INTEGER NOT NULL
);
