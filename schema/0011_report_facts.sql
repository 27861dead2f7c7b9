-- dmarcq schema, migration 11: each report's records as (fact, messages) pairs packed
-- in one value, so that the record scans of summary --by sender or source, of explain
-- over days and of digest read one row per report instead of an index entry per record
-- (10 million records: 10 million index entries stepped one by one, against 10,000
-- rows and a decoding loop in the reader).
--
-- The value is the record_fact index's content for one report, in its order. Format 1,
-- the only one: a byte 1, then per record, sorted by fact and then messages, the fact
-- id's increase over the previous record's (the first over 0) and the record's message
-- count, each an unsigned LEB128 varint of its 64-bit two's-complement value. A
-- report without records holds the byte 1 alone.
-- Derived data: dmarcq fills it from the records when it migrates a database, import
-- adds a row with each report, and `dmarcq rebuild` recomputes it
-- (src/store/sqlite/rollups.cpp, src/store/sqlite/record_pack.cpp).
CREATE TABLE report_facts (
  report_ref INTEGER PRIMARY KEY REFERENCES report (id),
  packed     BLOB    NOT NULL
);
