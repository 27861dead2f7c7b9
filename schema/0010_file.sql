-- dmarcq schema, migration 10: top-level input files read whole before (.xml, .xml.gz,
-- .zip, .tar.*, standard input; not an mbox, which is streamed, nor a file that is one
-- mail message, which `message` remembers by the same bytes), so that importing the
-- same files again skips each one it already read without decompressing or parsing
-- it, and still accounts for what it held. A file is remembered only when every unit
-- in it was imported or a duplicate: a file that held a reject is read again (the
-- reject is retried, and may import), and one that held something skipped is read
-- again so that the skip is said again. Replayed, its imported reports count as
-- duplicates. Rows never change once written.
CREATE TABLE file (
  content_hash  TEXT    PRIMARY KEY,  -- SHA-256 of the file's bytes
  origin        TEXT    NOT NULL,     -- the path it was first read under ('<stdin>' for standard input)
  imported      INTEGER NOT NULL,     -- reports imported from it when first read
  duplicates    INTEGER NOT NULL,     -- its documents that were already stored then
  mail_messages INTEGER NOT NULL,     -- mail messages in it (an archive of .eml files)
  with_report   INTEGER NOT NULL,     -- of those, messages that held a report
  no_report     TEXT    NOT NULL,     -- the others by kind, a JSON object: {"not a report": 2}, or {}
  first_seen    INTEGER NOT NULL      -- Unix time of the import that read it
);
