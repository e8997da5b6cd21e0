-- ContactPoint store, schema version 7: per-field survivorship (issue 6).
--
-- Each source has a priority, 1 (most trusted) to 9 (least): who the child is
-- comes from the most trusted source that says it, then the newest
-- (ingest/best_view.h). National sources start at 2, local ones at 5.
ALTER TABLE sources ADD COLUMN priority INTEGER NOT NULL DEFAULT 5
  CHECK (priority BETWEEN 1 AND 9);
UPDATE sources SET priority = 2 WHERE kind = 'national';

-- Which source record supplied each single-valued field of the best view:
-- a JSON list of {field, source, key, batch, extracted_at_ms}; codes only,
-- never a value. NULL for children written before.
ALTER TABLE children ADD COLUMN provenance_json TEXT;
