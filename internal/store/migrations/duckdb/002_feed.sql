-- Scheduling feeds (internal/feed). Times are UTC. Rows are upserted by
-- resource id (slots: by snapshot and id), so a reload changes nothing;
-- feed_files records every file loaded, by content hash.
CREATE TABLE feed_files (
    sha256    VARCHAR PRIMARY KEY,
    name      VARCHAR NOT NULL,
    format    VARCHAR NOT NULL,
    snapshot  TIMESTAMP,            -- slot snapshot time applied to the file
    records   BIGINT NOT NULL,
    unmapped  BIGINT NOT NULL,
    actor     VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

CREATE TABLE feed_schedules (
    id         VARCHAR NOT NULL,
    active     BOOLEAN NOT NULL,
    org_unit   VARCHAR,             -- NULL when unmapped
    org_ref    VARCHAR,
    specialty  VARCHAR,
    actor      VARCHAR
);

-- One row per slot per snapshot: a slot file is a dated picture of the
-- schedule horizon.
CREATE TABLE feed_slots (
    snapshot   TIMESTAMP NOT NULL,
    id         VARCHAR NOT NULL,
    schedule   VARCHAR NOT NULL,
    status     VARCHAR NOT NULL,
    start_at   TIMESTAMP NOT NULL,
    end_at     TIMESTAMP NOT NULL,
    specialty  VARCHAR,
    epgu       BOOLEAN NOT NULL
);

CREATE TABLE feed_appointments (
    id            VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,
    org_unit      VARCHAR,
    org_ref       VARCHAR,
    specialty     VARCHAR,
    patient       VARCHAR,
    slot          VARCHAR,
    channel       VARCHAR,
    created_at    TIMESTAMP,
    start_at      TIMESTAMP,
    end_at        TIMESTAMP,
    updated_at    TIMESTAMP,
    referral      VARCHAR,
    cancel_reason VARCHAR
);

CREATE TABLE feed_encounters (
    id          VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    org_unit    VARCHAR,
    org_ref     VARCHAR,
    patient     VARCHAR,
    appointment VARCHAR,
    start_at    TIMESTAMP,
    end_at      TIMESTAMP
);

CREATE TABLE feed_documents (
    id            VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,
    org_unit      VARCHAR,
    org_ref       VARCHAR,
    patient       VARCHAR,
    encounter     VARCHAR,
    created_at    TIMESTAMP,
    registered_at TIMESTAMP         -- РЭМД registration; NULL when not registered
);

CREATE TABLE feed_referrals (
    id          VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    patient     VARCHAR,
    encounter   VARCHAR,
    authored_at TIMESTAMP
);

-- Per-post summary of a slot snapshot for dashboards over large slot
-- tables: built on first use (FeedDashboard), dropped when a load changes
-- the snapshot. Only slots starting at or after the snapshot count.
CREATE TABLE feed_slot_posts (
    snapshot   TIMESTAMP NOT NULL,
    schedule   VARCHAR NOT NULL,
    total      BIGINT NOT NULL,
    free       BIGINT NOT NULL,
    epgu       BIGINT NOT NULL,
    third_free TIMESTAMP,             -- start of the third free slot
    last_free  TIMESTAMP
);
