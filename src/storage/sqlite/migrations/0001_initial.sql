-- ContactPoint store, schema version 1: the record model of DOMAIN.md section 2
-- and nothing else. There is deliberately no free-text column anywhere.
--
-- Conventions: ContactPoint IDs are INTEGER (12 digits). Dates are TEXT
-- 'YYYY-MM-DD'. Instants are INTEGER milliseconds since the Unix epoch (*_ms).
-- Coded values are TEXT limited by CHECK to their wire names. Lists that
-- belong to one row and are never searched (address lines) are JSON arrays.
-- An address is present when its *_address_lines column is not NULL.
-- Lists of a child (names, carers, involvements) keep their order in `ordinal`.

-- Every ContactPoint ID ever issued. Rows are never deleted, so no ID is reused.
CREATE TABLE issued_ids (
  contactpoint_id INTEGER PRIMARY KEY
    CHECK (contactpoint_id BETWEEN 100000000000 AND 999999999999),
  issued_at_ms INTEGER NOT NULL
) STRICT;

-- Best-view child records.
CREATE TABLE children (
  contactpoint_id INTEGER PRIMARY KEY REFERENCES issued_ids (contactpoint_id),
  gender TEXT NOT NULL CHECK (gender IN ('male', 'female', 'unknown', 'unspecified')),
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

-- The primary name (ordinal 0) and the aliases and former names (1..n).
CREATE TABLE child_names (
  contactpoint_id INTEGER NOT NULL
    REFERENCES children (contactpoint_id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  kind TEXT NOT NULL CHECK (kind IN ('primary', 'alias')),
  given_names TEXT NOT NULL,
  family_name TEXT NOT NULL,
  PRIMARY KEY (contactpoint_id, ordinal),
  CHECK ((kind = 'primary') = (ordinal = 0))
) STRICT;

CREATE INDEX child_names_by_family_name ON child_names (family_name, given_names);

CREATE TABLE carers (
  contactpoint_id INTEGER NOT NULL
    REFERENCES children (contactpoint_id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  given_names TEXT NOT NULL,
  family_name TEXT NOT NULL,
  relationship TEXT NOT NULL CHECK (relationship IN (
    'mother', 'father', 'parent', 'step_parent', 'grandparent', 'other_relative',
    'foster_carer', 'guardian', 'special_guardian', 'local_authority', 'other_carer')),
  parental_responsibility INTEGER NOT NULL CHECK (parental_responsibility IN (0, 1)),
  phone TEXT,
  email TEXT,
  address_lines TEXT CHECK (address_lines IS NULL
    OR (json_valid(address_lines) AND json_type(address_lines) = 'array')),
  address_postcode TEXT,
  PRIMARY KEY (contactpoint_id, ordinal),
  CHECK (address_lines IS NOT NULL OR address_postcode IS NULL)
) STRICT;

-- Services involved with the child, universal or additional.
CREATE TABLE involvements (
  contactpoint_id INTEGER NOT NULL
    REFERENCES children (contactpoint_id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  service_type TEXT NOT NULL CHECK (service_type IN (
    'school', 'early_years', 'college', 'gp', 'health_visitor', 'midwife', 'school_nurse',
    'social_care', 'youth_offending', 'yisp', 'youth_work', 'connexions', 'sen',
    'education_welfare', 'family_support', 'police_child_protection', 'voluntary',
    'sexual_health', 'mental_health', 'substance_misuse')),
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

-- Merged IDs: lookups of from_id resolve to to_id. Both stay issued; the
-- redirect outlives the records, so an old ID keeps resolving after a merge.
CREATE TABLE redirects (
  from_id INTEGER PRIMARY KEY REFERENCES issued_ids (contactpoint_id),
  to_id INTEGER NOT NULL REFERENCES issued_ids (contactpoint_id),
  CHECK (from_id <> to_id)
) STRICT;

-- What each source says about each child, with provenance. data_json and
-- events_json hold the source's view whole (storage/internal/record_json.h).
CREATE TABLE source_records (
  source TEXT NOT NULL CHECK (length(source) > 0),
  key TEXT NOT NULL CHECK (length(key) > 0),
  child_id INTEGER REFERENCES children (contactpoint_id),
  state TEXT NOT NULL CHECK (state IN ('linked', 'review', 'sealed', 'withdrawn')),
  batch TEXT NOT NULL,
  extracted_at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  data_json TEXT NOT NULL CHECK (json_valid(data_json) AND json_type(data_json) = 'object'),
  events_json TEXT NOT NULL CHECK (json_valid(events_json) AND json_type(events_json) = 'array'),
  PRIMARY KEY (source, key),
  CHECK (child_id IS NOT NULL OR state IN ('sealed', 'withdrawn'))
) STRICT;

CREATE INDEX source_records_by_child ON source_records (child_id, source, key);

-- The change log. AUTOINCREMENT: a seq is never reused, even after the
-- newest rows are deleted. Entries name what changed, never its content.
CREATE TABLE change_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('child_put', 'child_deleted', 'child_redirected',
                                     'source_record_put', 'source_record_deleted')),
  child_id INTEGER,
  source TEXT,
  key TEXT,
  CHECK ((source IS NULL) = (key IS NULL))
) STRICT;
