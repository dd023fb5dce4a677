-- Cifra's schema on PostgreSQL: the same tables and columns as the DuckDB
-- store after its migration 008, with keys on every table that has one.
-- Timestamps are TIMESTAMP (without time zone) holding UTC, as on DuckDB;
-- the store's sessions run with timezone = UTC. Identifiers that are
-- compared a great deal and never shown sorted (feed ids) use the "C"
-- collation, so the indexes do not pay for the database's locale.

CREATE TABLE org_units (
    code          TEXT PRIMARY KEY,
    parent        TEXT NOT NULL,
    level         INTEGER NOT NULL,
    name          TEXT NOT NULL,
    short_name    TEXT,
    type          TEXT,
    okato         TEXT,
    population    BIGINT,
    lat           DOUBLE PRECISION,
    lon           DOUBLE PRECISION,
    time_zone     TEXT,
    settlement    TEXT,
    groups        TEXT  -- comma-separated group codes
);

CREATE TABLE org_unit_groups (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE data_values (
    data_element TEXT NOT NULL,
    period       TEXT NOT NULL,
    org_unit     TEXT NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    comment      TEXT,
    period_start DATE NOT NULL, -- derived from period, for range queries
    period_end   DATE NOT NULL, -- exclusive
    source       TEXT,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (data_element, period, org_unit)
);
CREATE INDEX data_values_org_unit ON data_values (org_unit);

-- Append-only record of every change to a data value.
CREATE TABLE data_value_audit (
    changed_at   TIMESTAMP NOT NULL,
    actor        TEXT NOT NULL,
    source       TEXT NOT NULL,
    data_element TEXT NOT NULL,
    period       TEXT NOT NULL,
    org_unit     TEXT NOT NULL,
    old_value    DOUBLE PRECISION,
    new_value    DOUBLE PRECISION,
    generation   BIGINT
);
CREATE INDEX data_value_audit_org_unit ON data_value_audit (org_unit, changed_at);
CREATE INDEX data_value_audit_changed ON data_value_audit (changed_at);

CREATE SEQUENCE import_id START 1;
CREATE TABLE imports (
    id          BIGINT PRIMARY KEY DEFAULT nextval('import_id'),
    imported_at TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,
    source      TEXT NOT NULL,
    format      TEXT NOT NULL,
    imported    BIGINT NOT NULL,
    updated     BIGINT NOT NULL,
    ignored     BIGINT NOT NULL
);

CREATE TABLE methodologies (
    id        TEXT NOT NULL,
    version   TEXT NOT NULL,
    name      TEXT NOT NULL,
    source    TEXT NOT NULL,
    body      TEXT NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    loaded_by TEXT DEFAULT 'system',
    PRIMARY KEY (id, version)
);

CREATE TABLE results (
    methodology TEXT NOT NULL,
    version     TEXT NOT NULL,
    period      TEXT NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    synthetic   BOOLEAN NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (methodology, period)
);

CREATE TABLE result_scores (
    methodology TEXT NOT NULL,
    version     TEXT NOT NULL,
    period      TEXT NOT NULL,
    org_unit    TEXT NOT NULL,
    node        TEXT NOT NULL,
    score       DOUBLE PRECISION,
    rank        INTEGER,
    PRIMARY KEY (methodology, period, org_unit, node)
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Feeds.
CREATE TABLE feed_files (
    sha256    TEXT NOT NULL,
    name      TEXT NOT NULL,
    format    TEXT NOT NULL,
    snapshot  TIMESTAMP,
    records   BIGINT NOT NULL,
    unmapped  BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    slots     BIGINT,
    load_key  TEXT PRIMARY KEY
);
CREATE INDEX feed_files_sha256 ON feed_files (sha256);

CREATE TABLE feed_schedules (
    id         TEXT COLLATE "C" PRIMARY KEY,
    active     BOOLEAN NOT NULL,
    org_unit   TEXT,
    org_ref    TEXT,
    specialty  TEXT,
    actor      TEXT
);

-- One row per slot per snapshot. The second index serves the incremental
-- upkeep of the per-post summary (the schedules a load touched).
CREATE TABLE feed_slots (
    snapshot   TIMESTAMP NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    schedule   TEXT COLLATE "C" NOT NULL,
    status     TEXT NOT NULL,
    start_at   TIMESTAMP NOT NULL,
    end_at     TIMESTAMP NOT NULL,
    specialty  TEXT,
    epgu       BOOLEAN NOT NULL,
    PRIMARY KEY (snapshot, id)
);
CREATE INDEX feed_slots_schedule ON feed_slots (snapshot, schedule);

CREATE TABLE feed_appointments (
    id            TEXT COLLATE "C" PRIMARY KEY,
    status        TEXT NOT NULL,
    org_unit      TEXT,
    org_ref       TEXT,
    specialty     TEXT,
    patient       TEXT,
    slot          TEXT COLLATE "C",
    channel       TEXT,
    created_at    TIMESTAMP,
    start_at      TIMESTAMP,
    end_at        TIMESTAMP,
    updated_at    TIMESTAMP,
    referral      TEXT COLLATE "C",
    cancel_reason TEXT
);
CREATE INDEX feed_appointments_created ON feed_appointments (created_at);
CREATE INDEX feed_appointments_referral ON feed_appointments (referral);

CREATE TABLE feed_encounters (
    id          TEXT COLLATE "C" PRIMARY KEY,
    status      TEXT NOT NULL,
    org_unit    TEXT,
    org_ref     TEXT,
    patient     TEXT,
    appointment TEXT COLLATE "C",
    start_at    TIMESTAMP,
    end_at      TIMESTAMP
);
CREATE INDEX feed_encounters_appointment ON feed_encounters (appointment);

CREATE TABLE feed_documents (
    id            TEXT COLLATE "C" PRIMARY KEY,
    status        TEXT NOT NULL,
    org_unit      TEXT,
    org_ref       TEXT,
    patient       TEXT,
    encounter     TEXT COLLATE "C",
    created_at    TIMESTAMP,
    registered_at TIMESTAMP
);
CREATE INDEX feed_documents_encounter ON feed_documents (encounter);

CREATE TABLE feed_referrals (
    id          TEXT COLLATE "C" PRIMARY KEY,
    status      TEXT NOT NULL,
    patient     TEXT,
    encounter   TEXT COLLATE "C",
    authored_at TIMESTAMP
);
CREATE INDEX feed_referrals_encounter ON feed_referrals (encounter);

CREATE TABLE feed_slot_posts (
    snapshot   TIMESTAMP NOT NULL,
    schedule   TEXT COLLATE "C" NOT NULL,
    total      BIGINT NOT NULL,
    free       BIGINT NOT NULL,
    epgu       BIGINT NOT NULL,
    third_free TIMESTAMP,
    last_free  TIMESTAMP,
    first_free TIMESTAMP,
    PRIMARY KEY (snapshot, schedule)
);

-- Accounts.
CREATE SEQUENCE user_id START 1;
CREATE TABLE users (
    id                  BIGINT PRIMARY KEY DEFAULT nextval('user_id'),
    login               TEXT NOT NULL UNIQUE,
    role                TEXT NOT NULL,
    org_unit            TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    disabled            BOOLEAN NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ip         TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE SEQUENCE api_token_id START 1;
CREATE TABLE api_tokens (
    id         BIGINT PRIMARY KEY DEFAULT nextval('api_token_id'),
    user_id    BIGINT NOT NULL,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    org_unit   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE security_audit (
    occurred_at TIMESTAMP NOT NULL,
    event       TEXT NOT NULL,
    actor       TEXT NOT NULL,
    subject     TEXT,
    ip          TEXT,
    detail      TEXT
);
CREATE INDEX security_audit_occurred ON security_audit (occurred_at);

-- Data-collection workflow.
CREATE TABLE approvals (
    data_set     TEXT NOT NULL,
    org_unit     TEXT NOT NULL,
    period       TEXT NOT NULL,
    state        TEXT NOT NULL,
    actor        TEXT NOT NULL,
    changed_at   TIMESTAMP NOT NULL,
    reason       TEXT,
    submitted_at TIMESTAMP,
    PRIMARY KEY (data_set, org_unit, period)
);

CREATE SEQUENCE approval_audit_seq START 1;
CREATE TABLE approval_audit (
    seq         BIGINT PRIMARY KEY DEFAULT nextval('approval_audit_seq'),
    occurred_at TIMESTAMP NOT NULL,
    data_set    TEXT NOT NULL,
    org_unit    TEXT NOT NULL,
    period      TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT,
    actor       TEXT NOT NULL,
    reason      TEXT
);

CREATE TABLE value_locks (
    data_element TEXT NOT NULL,
    org_unit     TEXT NOT NULL,
    period       TEXT NOT NULL,
    data_set     TEXT NOT NULL,
    PRIMARY KEY (data_element, org_unit, period, data_set)
);

CREATE TABLE closed_periods (
    period       TEXT PRIMARY KEY,
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    closed_at    TIMESTAMP NOT NULL,
    actor        TEXT NOT NULL,
    reason       TEXT
);

CREATE TABLE published_results (
    methodology  TEXT NOT NULL,
    version      TEXT NOT NULL,
    period       TEXT NOT NULL,
    computed_at  TIMESTAMP NOT NULL,
    published_at TIMESTAMP NOT NULL,
    body         TEXT NOT NULL,
    PRIMARY KEY (methodology, period)
);

-- The data generation (see the DuckDB migration 008).
CREATE TABLE data_generation (
    id         INTEGER PRIMARY KEY,
    generation BIGINT NOT NULL
);
INSERT INTO data_generation VALUES (1, 0);
