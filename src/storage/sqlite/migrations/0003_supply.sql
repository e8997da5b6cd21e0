-- ContactPoint store, schema version 3: data supply (DATA-SUPPLY.md).
-- The source registry with accreditation state, the batches applied (for
-- idempotency and receipts) and the quarantine of rejected lines.

CREATE TABLE sources (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 2 AND 64),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 150),
  kind TEXT NOT NULL CHECK (kind IN ('national', 'local')),
  state TEXT NOT NULL CHECK (state IN ('registered', 'type_accredited', 'instance_accredited',
                                       'active', 'suspended')),
  credential_hash TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE batches (
  source TEXT NOT NULL REFERENCES sources (id),
  batch TEXT NOT NULL CHECK (length(batch) BETWEEN 1 AND 64),
  content_digest TEXT NOT NULL CHECK (length(content_digest) = 64),
  sequence INTEGER CHECK (sequence >= 0),
  received_at_ms INTEGER NOT NULL,
  receipt_json TEXT NOT NULL CHECK (json_valid(receipt_json)),
  PRIMARY KEY (source, batch)
) STRICT;

CREATE INDEX batches_by_sequence ON batches (source, sequence);

-- Rejected lines, kept with their batch for the data administrator. raw_line
-- is what the supplier sent (personal data); field and reason never quote it.
CREATE TABLE quarantine (
  source TEXT NOT NULL,
  batch TEXT NOT NULL,
  line INTEGER NOT NULL CHECK (line >= 1),
  field TEXT NOT NULL,
  code INTEGER NOT NULL,
  broken_rule TEXT NOT NULL,  -- what the parser said was wrong (system text, never a value)
  raw_line TEXT NOT NULL,
  PRIMARY KEY (source, batch, line),
  FOREIGN KEY (source, batch) REFERENCES batches (source, batch) DEFERRABLE INITIALLY DEFERRED
) STRICT;

-- Linkage on an exact NHS number (the data supply issue's interim rule).
CREATE INDEX children_by_nhs_number ON children (nhs_number) WHERE nhs_number IS NOT NULL;
CREATE INDEX source_records_by_state ON source_records (source, state, key);
