-- ContactPoint store, schema version 2: the audit trail (audit/audit_log.h).
--
-- audit_log is append-only: leaf holds each entry's canonical bytes, which
-- the audit module hashes into a Merkle tree; at_ms, actor and action are
-- copies kept for queries. leaf_index runs 0, 1, 2... without gaps; it is
-- computed inside the writing transaction, never by AUTOINCREMENT. The
-- triggers refuse changes through the application's own connection; anyone
-- editing the file directly is caught by `contactpoint audit verify`.

CREATE TABLE audit_log (
  leaf_index INTEGER PRIMARY KEY CHECK (leaf_index >= 0),
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL CHECK (length(actor) > 0),
  action TEXT NOT NULL CHECK (length(action) > 0),
  leaf BLOB NOT NULL
) STRICT;

CREATE INDEX audit_log_by_actor ON audit_log (actor, leaf_index);
CREATE INDEX audit_log_by_time ON audit_log (at_ms);

CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Which children each entry names ("who viewed this child"). No foreign key
-- to issued_ids: a refused lookup may name an ID that was never issued.
CREATE TABLE audit_children (
  child_id INTEGER NOT NULL,
  leaf_index INTEGER NOT NULL REFERENCES audit_log (leaf_index),
  PRIMARY KEY (child_id, leaf_index)
) STRICT, WITHOUT ROWID;

-- Search criteria: personal data, kept apart from the log and keyed by the
-- entry, so they can be destroyed with the records they point to.
CREATE TABLE audit_criteria (
  leaf_index INTEGER PRIMARY KEY REFERENCES audit_log (leaf_index),
  criteria TEXT NOT NULL
) STRICT;

-- Signed checkpoints: (tree size, root hash, time) signed with Ed25519 by a
-- key held outside the store. right_edge is unsigned resume state (the
-- tree's right-edge subtree hashes), checked against the signed root before use.
CREATE TABLE audit_checkpoints (
  tree_size INTEGER PRIMARY KEY CHECK (tree_size > 0),
  at_ms INTEGER NOT NULL,
  root_hash BLOB NOT NULL CHECK (length(root_hash) = 32),
  key_id TEXT NOT NULL,
  signature BLOB NOT NULL CHECK (length(signature) = 64),
  right_edge BLOB NOT NULL
) STRICT;
