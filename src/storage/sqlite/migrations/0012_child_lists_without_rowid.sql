-- ContactPoint store, schema version 12: a child's lists kept in key order.
--
-- A child's names, carers and involvements are each keyed by (child,
-- ordinal). As ordinary tables, every row was stored twice over: once in
-- the table by a hidden rowid and once in the index SQLite makes for the
-- primary key, so each row written was two B-tree inserts and each child's
-- list read went through the index to the table. Kept WITHOUT ROWID, the
-- table is that key's B-tree: one insert per row, and a child's rows lie
-- together. The rows are small (a name, a carer's or a service's contact
-- details), which is where SQLite recommends it.
--
-- Columns, checks, keys and foreign keys are unchanged; every row is kept
-- (copied to a *_v12 twin, which then takes the original's name, as in
-- schema version 5).

CREATE TABLE child_names_v12 (
  contactpoint_id INTEGER NOT NULL
    REFERENCES children (contactpoint_id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  kind TEXT NOT NULL CHECK (kind IN ('primary', 'alias')),
  given_names TEXT NOT NULL,
  family_name TEXT NOT NULL,
  PRIMARY KEY (contactpoint_id, ordinal),
  CHECK ((kind = 'primary') = (ordinal = 0))
) STRICT, WITHOUT ROWID;

CREATE TABLE carers_v12 (
  contactpoint_id INTEGER NOT NULL
    REFERENCES children (contactpoint_id) ON DELETE CASCADE,
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
) STRICT, WITHOUT ROWID;

CREATE TABLE involvements_v12 (
  contactpoint_id INTEGER NOT NULL
    REFERENCES children (contactpoint_id) ON DELETE CASCADE,
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
) STRICT, WITHOUT ROWID;

INSERT INTO child_names_v12 SELECT * FROM child_names;
INSERT INTO carers_v12 SELECT * FROM carers;
INSERT INTO involvements_v12 SELECT * FROM involvements;

DROP TABLE child_names;
DROP TABLE carers;
DROP TABLE involvements;

ALTER TABLE child_names_v12 RENAME TO child_names;
ALTER TABLE carers_v12 RENAME TO carers;
ALTER TABLE involvements_v12 RENAME TO involvements;
