-- ContactPoint store, schema version 4: who may use it (DOMAIN.md section 5).
-- Organisations with their accreditation, users with their role, eligibility
-- facts and sign-in state, and sessions. Secrets are Argon2id hashes; the TOTP
-- secret is sealed with a key kept outside the store; a session is known only
-- by the hash of its bearer token.

CREATE TABLE organisations (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 4 AND 64),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  type TEXT NOT NULL CHECK (type IN ('local_authority', 'national_partner',
                                     'accredited_organisation', 'national_operator')),
  accreditation TEXT NOT NULL CHECK (accreditation IN ('pending', 'accredited', 'suspended',
                                                       'withdrawn')),
  accountable_authority TEXT REFERENCES organisations (id),
  updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 64
                                       AND username = lower(username)),
  display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  organisation TEXT NOT NULL REFERENCES organisations (id),
  role TEXT NOT NULL CHECK (length(role) BETWEEN 1 AND 64),
  access_mode TEXT NOT NULL CHECK (access_mode IN ('direct', 'mediated')),
  account_state TEXT NOT NULL CHECK (account_state IN ('active', 'suspended', 'revoked')),
  nominated INTEGER NOT NULL CHECK (nominated IN (0, 1)),
  training_completed TEXT,
  ecrb_disclosure TEXT,
  password_hash TEXT NOT NULL,
  pin_hash TEXT NOT NULL,
  must_change_secrets INTEGER NOT NULL CHECK (must_change_secrets IN (0, 1)),
  totp_sealed BLOB NOT NULL,
  totp_last_step INTEGER,
  password_failures INTEGER NOT NULL CHECK (password_failures >= 0),
  last_failure_at_ms INTEGER,
  pin_failures INTEGER NOT NULL CHECK (pin_failures >= 0),
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX users_by_organisation ON users (organisation, username);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) BETWEEN 32 AND 128),
  user_id INTEGER NOT NULL REFERENCES users (id),
  acting_for INTEGER REFERENCES users (id),
  created_at_ms INTEGER NOT NULL,
  last_seen_at_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_by_user ON sessions (user_id);
