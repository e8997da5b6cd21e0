-- ContactPoint store, schema version 9: misuse alerts to the ContactPoint
-- Manager (issue 8 item 6; DOMAIN.md section 6), a user's home postcode
-- (optional: only to alert when they search their own address), and the
-- consent recorded with a practitioner's own sensitive-service involvement.
--
-- Codes, IDs and times only: the search criteria that raised an alert stay
-- in the audit trail (audit_index). An alert outlives the child it names
-- (no foreign key): like the audit trail, it is evidence.

CREATE TABLE misuse_alerts (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  organisation_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  child_id INTEGER,
  accountable TEXT NOT NULL DEFAULT '',
  raised_at_ms INTEGER NOT NULL,
  last_seen_at_ms INTEGER NOT NULL,
  occurrences INTEGER NOT NULL CHECK (occurrences >= 1),
  audit_index INTEGER NOT NULL,
  suspended INTEGER NOT NULL CHECK (suspended = 0 OR suspended = 1),
  reviewed_by INTEGER,
  reviewed_at_ms INTEGER,
  finding TEXT NOT NULL DEFAULT '',
  CHECK ((reviewed_at_ms IS NULL) = (reviewed_by IS NULL)),
  CHECK ((reviewed_at_ms IS NULL) = (finding = ''))
) STRICT;
-- The open alert of one kind about one user (and child), and the newest first.
CREATE INDEX misuse_alerts_open ON misuse_alerts (user_id, kind, child_id)
  WHERE reviewed_at_ms IS NULL;
CREATE INDEX misuse_alerts_recent ON misuse_alerts (last_seen_at_ms);

ALTER TABLE users ADD COLUMN home_postcode TEXT;

-- A practitioner's own involvement with a sensitive service: who consented
-- to it being recorded, and when (both or neither).
ALTER TABLE practitioner_involvements ADD COLUMN consent_given_by TEXT
  CHECK (consent_given_by IN ('child', 'parent'));
ALTER TABLE practitioner_involvements ADD COLUMN consent_date TEXT
  CHECK (consent_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]');
