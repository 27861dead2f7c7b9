-- dmarcq schema, migration 9: for each policy domain and fact, the messages of all its
-- records and the first and last day that has any (by the spreading rule of
-- report_day: a record of count c in a report of n days has messages on its first
-- min(c, n) days). explain over all time reads these rows, one per distinct source and
-- result, instead of every record. Records with no messages have no row.
-- Derived data: dmarcq fills it from the records when it migrates a database, import
-- keeps it up to date, and `dmarcq rebuild` recomputes it (src/store/sqlite/rollups.cpp).
CREATE TABLE fact_total (
  domain    TEXT    NOT NULL,  -- policy domain
  fact_ref  INTEGER NOT NULL REFERENCES fact (id),
  messages  INTEGER NOT NULL,
  first_day INTEGER NOT NULL,  -- days since 1970-01-01, UTC
  last_day  INTEGER NOT NULL,
  -- Fact first: import adds new facts in id order, so new rows go to the end of the
  -- table instead of a place in every domain's range.
  PRIMARY KEY (fact_ref, domain)
) WITHOUT ROWID;
