-- dmarcq schema, migration 5: daily totals per policy domain and reporter, kept up to
-- date by every import, so that summaries by domain, reporter, day and week read a
-- few rows per day instead of every record. Counts are spread over the days of each
-- report exactly as the record-level summary spreads them (day i of n gets count / n,
-- plus one while i < count % n), so both give the same figures.
-- Derived data: dmarcq fills it from the records when it migrates a database, and
-- `dmarcq rebuild` recomputes it the same way (src/store/sqlite/rollups.cpp).
CREATE TABLE day_total (
  domain            TEXT    NOT NULL,  -- policy domain
  day               TEXT    NOT NULL,  -- 'YYYY-MM-DD'
  week              TEXT    NOT NULL,  -- 'YYYY-Www'
  reporter          TEXT    NOT NULL,
  messages          INTEGER NOT NULL,
  dmarc_pass        INTEGER NOT NULL,
  spf_aligned_pass  INTEGER NOT NULL,
  dkim_aligned_pass INTEGER NOT NULL,
  quarantined       INTEGER NOT NULL,
  rejected          INTEGER NOT NULL,
  PRIMARY KEY (domain, day, reporter)
) WITHOUT ROWID;
CREATE INDEX day_total_day ON day_total (day);
