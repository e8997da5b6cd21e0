-- contactpoint: foreign keys off
--
-- ContactPoint store, schema version 13: a child record is one row.
--
-- A child's primary name, other names, carers and services were rows of
-- their own in three tables (child_names, carers, involvements), each with
-- its row and an entry in its key's index: for a new child of a feed batch,
-- six or more B-tree inserts besides the children row, most at random places.
-- Nothing queried those tables but to read or replace one child's lists
-- whole (searches use the in-memory index). The children row now holds the
-- primary name as two columns and the three lists as one JSON document
-- (lists_json), {"carers":[...],"other_names":[...],"services":[...]}, each
-- element an array of its old columns' values in a fixed order (no key
-- names: the lists are most of a child's bytes); the store's reader checks
-- its shape and codes, as it does a source record's, and refuses damaged
-- text as kStoreCorrupt.
--
-- Every row is kept: each child's lists are built from its rows in ordinal
-- order. A child without a primary name (a damaged store) fails the NOT NULL
-- constraint and the migration, which then changes nothing. The table is
-- rebuilt with foreign keys off (the marker on the first line), so that
-- dropping the old tables deletes no row that refers to a child; every
-- reference is checked (PRAGMA foreign_key_check) before the commit.

CREATE TABLE children_v13 (
  contactpoint_id INTEGER NOT NULL UNIQUE REFERENCES issued_ids (contactpoint_id),
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
  accountable TEXT
    CHECK (accountable IS NULL OR accountable GLOB 'la:*' OR accountable GLOB 'national:*'),
  accountable_provisional INTEGER
    CHECK ((accountable IS NULL AND accountable_provisional IS NULL)
           OR (accountable IS NOT NULL AND accountable_provisional IN (0, 1))),
  provenance_json TEXT,
  given_names TEXT NOT NULL,
  family_name TEXT NOT NULL,
  lists_json TEXT NOT NULL,
  CHECK (address_lines IS NOT NULL OR address_postcode IS NULL)
) STRICT;

-- Each element as the array the store writes (record_json.h,
-- EncodeChildListsJson): values in a fixed order, absent ones null.
INSERT INTO children_v13 (contactpoint_id, gender, date_of_birth, date_of_death, address_lines,
                          address_postcode, nhs_number, upn, uln, accountable,
                          accountable_provisional, provenance_json, given_names, family_name,
                          lists_json)
  SELECT c.contactpoint_id, c.gender, c.date_of_birth, c.date_of_death, c.address_lines,
         c.address_postcode, c.nhs_number, c.upn, c.uln, c.accountable,
         c.accountable_provisional, c.provenance_json, n.given_names, n.family_name,
         json_object(
           'carers', (
             SELECT json_group_array(json_array(
                      k.given_names, k.family_name, k.relationship,
                      json(CASE WHEN k.parental_responsibility THEN 'true' ELSE 'false' END),
                      k.phone, k.email, json(k.address_lines), k.address_postcode))
             FROM (SELECT * FROM carers WHERE contactpoint_id = c.contactpoint_id
                   ORDER BY ordinal) AS k),
           'other_names', (
             SELECT json_group_array(json_array(o.given_names, o.family_name))
             FROM (SELECT * FROM child_names WHERE contactpoint_id = c.contactpoint_id
                     AND ordinal > 0 ORDER BY ordinal) AS o),
           'services', (
             SELECT json_group_array(json_array(
                      v.service_type, v.organisation_name,
                      json(CASE WHEN v.lead_professional THEN 'true' ELSE 'false' END),
                      json(CASE WHEN v.caf_holder THEN 'true' ELSE 'false' END),
                      v.organisation_code, v.start_date, v.end_date,
                      v.organisation_phone, v.organisation_email,
                      json(v.organisation_address_lines), v.organisation_address_postcode,
                      v.practitioner_given_names, v.practitioner_family_name,
                      v.practitioner_phone, v.practitioner_email,
                      json(v.practitioner_address_lines), v.practitioner_address_postcode,
                      v.consent_given_by, v.consent_date, v.override_ground))
             FROM (SELECT * FROM involvements WHERE contactpoint_id = c.contactpoint_id
                   ORDER BY ordinal) AS v))
  FROM children AS c
  LEFT JOIN child_names AS n ON n.contactpoint_id = c.contactpoint_id AND n.ordinal = 0
  ORDER BY c.rowid;

DROP TABLE child_names;
DROP TABLE carers;
DROP TABLE involvements;
DROP TABLE children;
ALTER TABLE children_v13 RENAME TO children;

CREATE INDEX children_by_accountable ON children (accountable)
  WHERE accountable IS NOT NULL;
