-- dmarcq schema, migration 6: two record indexes that no query reads any more cost an
-- index insert per record at import (the source IP one at a random place): grouping
-- goes through the fact table and record_fact (migration 4), joins on report_ref
-- through record_fact.
DROP INDEX record_source;
DROP INDEX record_report_auth;
