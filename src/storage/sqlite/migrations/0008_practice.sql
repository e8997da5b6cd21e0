-- ContactPoint store, schema version 8: what practitioners record themselves
-- (issue 8 item 4; DOMAIN.md sections 2, 8 and 10 case 5).
--
-- Kept apart from the best view (children, involvements), which is rebuilt
-- from source records whenever a feed touches the child: these rows survive
-- every rebuild. They go with the child (ON DELETE CASCADE at the end of
-- retention); a merge moves them to the survivor first. No free text: codes,
-- dates and contact details only.

-- A practitioner's own involvement with a child. At most one lead per child
-- (the partial unique index); an ended involvement is never lead.
CREATE TABLE practitioner_involvements (
  id INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES children (contactpoint_id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL,
  organisation_id TEXT NOT NULL,
  service_type TEXT NOT NULL,
  phone TEXT,
  email TEXT,
  start_date TEXT NOT NULL CHECK (start_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  end_date TEXT CHECK (end_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  lead_professional INTEGER NOT NULL CHECK (lead_professional = 0 OR lead_professional = 1),
  lead_marked_at_ms INTEGER,
  caf INTEGER NOT NULL CHECK (caf = 0 OR caf = 1),
  caf_holder_phone TEXT,
  caf_holder_email TEXT,
  recorded_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  CHECK (phone IS NOT NULL OR email IS NOT NULL),
  CHECK (lead_professional = 0 OR end_date IS NULL),
  CHECK (caf = 1 OR (caf_holder_phone IS NULL AND caf_holder_email IS NULL))
) STRICT;
CREATE INDEX practitioner_involvements_by_child ON practitioner_involvements (child_id);
CREATE UNIQUE INDEX practitioner_involvements_one_lead
  ON practitioner_involvements (child_id) WHERE lead_professional = 1;

-- A child's shield: the latest request and its last review (the history is
-- in the audit trail).
CREATE TABLE shields (
  child_id INTEGER PRIMARY KEY REFERENCES children (contactpoint_id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state = 'in_force' OR state = 'lifted'),
  ground TEXT NOT NULL,
  requested_by INTEGER NOT NULL,
  requested_at_ms INTEGER NOT NULL,
  review_due_at_ms INTEGER,
  reviewed_by INTEGER,
  reviewed_at_ms INTEGER,
  CHECK (state = 'lifted' OR review_due_at_ms IS NOT NULL)
) STRICT;
CREATE INDEX shields_due ON shields (review_due_at_ms) WHERE state = 'in_force';
