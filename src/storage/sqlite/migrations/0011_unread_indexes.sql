-- ContactPoint store, schema version 11: no index that nothing reads.
--
-- Two indexes were written for every feed record and read by no query:
-- child names by family name (searches use the in-memory index) and source
-- records by state (a source's current records are read through the primary
-- key, the review queue through source_records_in_review). Each cost a
-- B-tree insert or update per row written.
DROP INDEX child_names_by_family_name;
DROP INDEX source_records_by_state;
