-- ContactPoint store, schema version 6: why each source record is attached
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
