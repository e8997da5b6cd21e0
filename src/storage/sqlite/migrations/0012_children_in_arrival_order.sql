-- contactpoint: foreign keys off
--
-- ContactPoint store, schema version 12: child records stored in the order
-- they arrive, found by ContactPoint ID through a small index.
--
-- The ContactPoint ID was the children table's own key. IDs are random (they
-- must not be guessable), so every new child landed at a random place in the
-- table's B-tree, splitting a full page of rows about every fourth insert.
-- The table now keeps SQLite's own row number, which only grows, so a new
-- child is appended; the ID is a UNIQUE column whose index entries are a few
-- bytes each. Every query still finds a child by its ContactPoint ID, and the
-- tables that refer to a child (names, carers, services, source records,
-- practitioners' involvements, shields) still refer to its ID.
--
-- The index of children by NHS number goes: nothing reads it (records are
-- matched by the in-memory candidate index), and it cost a B-tree insert at
-- a random place for every new child.
--
-- The table is rebuilt with foreign keys off (the marker on the first line),
-- so that dropping the old table does not delete the rows that refer to it;
-- every reference is checked (PRAGMA foreign_key_check) before the commit.

CREATE TABLE children_v12 (
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
  CHECK (address_lines IS NOT NULL OR address_postcode IS NULL)
) STRICT;

INSERT INTO children_v12 (contactpoint_id, gender, date_of_birth, date_of_death, address_lines,
                          address_postcode, nhs_number, upn, uln, accountable,
                          accountable_provisional, provenance_json)
  SELECT contactpoint_id, gender, date_of_birth, date_of_death, address_lines, address_postcode,
         nhs_number, upn, uln, accountable, accountable_provisional, provenance_json
  FROM children ORDER BY contactpoint_id;

DROP TABLE children;
ALTER TABLE children_v12 RENAME TO children;

CREATE INDEX children_by_accountable ON children (accountable)
  WHERE accountable IS NOT NULL;
