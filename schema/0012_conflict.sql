-- dmarcq schema, migration 12: reports seen twice with different contents. Two
-- documents with the same identity (reporter, report id, domain, period) whose records
-- differ (source, messages, disposition, DMARC results or identifiers): the first is
-- kept, the second is a duplicate whose input row names the kept report and says
-- "with different contents", and a warning note on the kept report says so. (Other
-- bytes with the same records are the same report re-sent: a plain duplicate.) Which copy is right cannot be
-- told from the reports; this view lists both, with their hashes, so that the order
-- of import never decides silently.
CREATE VIEW conflict AS
SELECT r.reporter      AS reporter,
       r.report_id     AS report_id,
       r.domain        AS domain,
       r.date_begin    AS date_begin,
       r.date_end      AS date_end,
       r.origin        AS kept_origin,
       r.content_hash  AS kept_hash,
       r.message_count AS kept_messages,
       i.origin        AS other_origin,
       i.content_hash  AS other_hash,
       i.detail        AS detail
FROM input i
JOIN report r ON r.id = i.report_ref
WHERE i.outcome = 'duplicate' AND i.detail LIKE '% with different contents: %';
