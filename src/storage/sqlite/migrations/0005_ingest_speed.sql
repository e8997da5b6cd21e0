-- ContactPoint store, schema version 5: the same tables, checked faster.
--
-- SQLite evaluates a CHECK (x IN (...)) with more than two values by building
-- a temporary index of the list for every row written; for a feed batch that
-- was a large share of each record's cost. The tables written for every
-- record are rebuilt here with each such list spelled as comparisons
-- (x = 'a' OR x = 'b' ...), which accept exactly the same values (NULL
-- included) without the temporary index. Columns, keys, foreign keys and
-- indexes are unchanged.
--
-- The rebuild keeps every row: each table is copied to a *_v5 twin, the
-- originals are dropped leaves first (so no ON DELETE CASCADE fires), and the
-- twins take the original names, which also renames their foreign keys. The
-- change log keeps its AUTOINCREMENT high-water mark, so no seq is reused.

CREATE TABLE children_v5 (
  contactpoint_id INTEGER PRIMARY KEY REFERENCES issued_ids (contactpoint_id),
  gender TEXT NOT NULL CHECK (
    gender = 'male' OR gender = 'female' OR gender = 'unknown'
    OR gender = 'unspecified'),
  date_of_birth TEXT NOT NULL
    CHECK (date_of_birth GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  date_of_death TEXT
    CHECK (date_of_death GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  address_lines TEXT CHECK (address_lines IS NULL
    OR (json_valid(address_lines) AND json_type(address_lines) = 'array')),
  address_postcode TEXT,
  nhs_number TEXT,
  upn TEXT,
  uln TEXT,
  CHECK (address_lines IS NOT NULL OR address_postcode IS NULL)
) STRICT;

CREATE TABLE child_names_v5 (
  contactpoint_id INTEGER NOT NULL
    REFERENCES children_v5 (contactpoint_id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  kind TEXT NOT NULL CHECK (kind IN ('primary', 'alias')),
  given_names TEXT NOT NULL,
  family_name TEXT NOT NULL,
  PRIMARY KEY (contactpoint_id, ordinal),
  CHECK ((kind = 'primary') = (ordinal = 0))
) STRICT;

CREATE TABLE carers_v5 (
  contactpoint_id INTEGER NOT NULL
    REFERENCES children_v5 (contactpoint_id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  given_names TEXT NOT NULL,
  family_name TEXT NOT NULL,
  relationship TEXT NOT NULL CHECK (
    relationship = 'mother' OR relationship = 'father'
    OR relationship = 'parent' OR relationship = 'step_parent'
    OR relationship = 'grandparent' OR relationship = 'other_relative'
    OR relationship = 'foster_carer' OR relationship = 'guardian'
    OR relationship = 'special_guardian' OR relationship = 'local_authority'
    OR relationship = 'other_carer'),
  parental_responsibility INTEGER NOT NULL CHECK (parental_responsibility IN (0, 1)),
  phone TEXT,
  email TEXT,
  address_lines TEXT CHECK (address_lines IS NULL
    OR (json_valid(address_lines) AND json_type(address_lines) = 'array')),
  address_postcode TEXT,
  PRIMARY KEY (contactpoint_id, ordinal),
  CHECK (address_lines IS NOT NULL OR address_postcode IS NULL)
) STRICT;

CREATE TABLE involvements_v5 (
  contactpoint_id INTEGER NOT NULL
    REFERENCES children_v5 (contactpoint_id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  service_type TEXT NOT NULL CHECK (
    service_type = 'school' OR service_type = 'early_years'
    OR service_type = 'college' OR service_type = 'gp'
    OR service_type = 'health_visitor' OR service_type = 'midwife'
    OR service_type = 'school_nurse' OR service_type = 'social_care'
    OR service_type = 'youth_offending' OR service_type = 'yisp'
    OR service_type = 'youth_work' OR service_type = 'connexions'
    OR service_type = 'sen' OR service_type = 'education_welfare'
    OR service_type = 'family_support'
    OR service_type = 'police_child_protection'
    OR service_type = 'voluntary' OR service_type = 'sexual_health'
    OR service_type = 'mental_health' OR service_type = 'substance_misuse'),
  organisation_name TEXT NOT NULL,
  organisation_code TEXT,
  organisation_phone TEXT,
  organisation_email TEXT,
  organisation_address_lines TEXT CHECK (organisation_address_lines IS NULL
    OR (json_valid(organisation_address_lines)
        AND json_type(organisation_address_lines) = 'array')),
  organisation_address_postcode TEXT,
  practitioner_given_names TEXT,
  practitioner_family_name TEXT,
  practitioner_phone TEXT,
  practitioner_email TEXT,
  practitioner_address_lines TEXT CHECK (practitioner_address_lines IS NULL
    OR (json_valid(practitioner_address_lines)
        AND json_type(practitioner_address_lines) = 'array')),
  practitioner_address_postcode TEXT,
  start_date TEXT CHECK (start_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  end_date TEXT CHECK (end_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  lead_professional INTEGER NOT NULL CHECK (lead_professional IN (0, 1)),
  caf_holder INTEGER NOT NULL CHECK (caf_holder IN (0, 1)),
  consent_given_by TEXT CHECK (consent_given_by IN ('child', 'parent')),
  consent_date TEXT CHECK (consent_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  override_ground TEXT CHECK (override_ground IN ('child_protection')),
  PRIMARY KEY (contactpoint_id, ordinal),
  CHECK ((practitioner_given_names IS NULL) = (practitioner_family_name IS NULL)),
  CHECK ((consent_given_by IS NULL) = (consent_date IS NULL)),
  CHECK (organisation_address_lines IS NOT NULL OR organisation_address_postcode IS NULL),
  CHECK (practitioner_address_lines IS NOT NULL OR practitioner_address_postcode IS NULL)
) STRICT;

CREATE TABLE source_records_v5 (
  source TEXT NOT NULL CHECK (length(source) > 0),
  key TEXT NOT NULL CHECK (length(key) > 0),
  child_id INTEGER REFERENCES children_v5 (contactpoint_id),
  state TEXT NOT NULL CHECK (
    state = 'linked' OR state = 'review' OR state = 'sealed'
    OR state = 'withdrawn'),
  batch TEXT NOT NULL,
  extracted_at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  data_json TEXT NOT NULL CHECK (json_valid(data_json) AND json_type(data_json) = 'object'),
  events_json TEXT NOT NULL CHECK (json_valid(events_json) AND json_type(events_json) = 'array'),
  PRIMARY KEY (source, key),
  CHECK (child_id IS NOT NULL OR state IN ('sealed', 'withdrawn'))
) STRICT;

CREATE TABLE change_log_v5 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (
    kind = 'child_put' OR kind = 'child_deleted' OR kind = 'child_redirected'
    OR kind = 'source_record_put' OR kind = 'source_record_deleted'),
  child_id INTEGER,
  source TEXT,
  key TEXT,
  CHECK ((source IS NULL) = (key IS NULL))
) STRICT;

INSERT INTO children_v5 SELECT * FROM children;
INSERT INTO child_names_v5 SELECT * FROM child_names;
INSERT INTO carers_v5 SELECT * FROM carers;
INSERT INTO involvements_v5 SELECT * FROM involvements;
INSERT INTO source_records_v5 SELECT * FROM source_records;
INSERT INTO change_log_v5 SELECT * FROM change_log;

-- A seq is never reused: carry over the high-water mark, which may be above
-- the largest seq left in the table.
DELETE FROM sqlite_sequence WHERE name = 'change_log_v5';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'change_log_v5', seq FROM sqlite_sequence WHERE name = 'change_log';

DROP TABLE child_names;
DROP TABLE carers;
DROP TABLE involvements;
DROP TABLE source_records;
DROP TABLE change_log;
DROP TABLE children;

ALTER TABLE children_v5 RENAME TO children;
ALTER TABLE child_names_v5 RENAME TO child_names;
ALTER TABLE carers_v5 RENAME TO carers;
ALTER TABLE involvements_v5 RENAME TO involvements;
ALTER TABLE source_records_v5 RENAME TO source_records;
ALTER TABLE change_log_v5 RENAME TO change_log;

CREATE INDEX child_names_by_family_name ON child_names (family_name, given_names);
CREATE INDEX source_records_by_child ON source_records (child_id, source, key);
CREATE INDEX children_by_nhs_number ON children (nhs_number) WHERE nhs_number IS NOT NULL;
CREATE INDEX source_records_by_state ON source_records (source, state, key);
