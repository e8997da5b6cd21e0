-- ContactPoint store, schema version 6: the accountable local authority of
-- each child, and why each source record is attached
-- where it is (issue 6: every linkage decision keeps its score, comparison
-- vector, model version and who made it). One JSON object per record, the
-- last decision; codes and numbers only, never personal data. NULL for
-- records written before decisions were kept.
ALTER TABLE source_records ADD COLUMN decision_json TEXT
  CHECK (decision_json IS NULL
         OR (json_valid(decision_json) AND json_type(decision_json) = 'object'));

-- The review queue: records awaiting a data administrator, oldest first.
CREATE INDEX source_records_in_review ON source_records (received_at_ms, source, key)
  WHERE state = 'review';

-- The authority (or national queue) accountable for the child's record,
-- from its best view's postcode; NULL for children written before.
ALTER TABLE children ADD COLUMN accountable TEXT
  CHECK (accountable IS NULL OR accountable GLOB 'la:*' OR accountable GLOB 'national:*');
ALTER TABLE children ADD COLUMN accountable_provisional INTEGER
  CHECK ((accountable IS NULL AND accountable_provisional IS NULL)
         OR (accountable IS NOT NULL AND accountable_provisional IN (0, 1)));
