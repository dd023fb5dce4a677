-- Organisation units below the region level (medical organisations and their
-- departments). The federation, districts and regions come from embedded
-- reference data and are never stored.
CREATE TABLE org_units (
    code          VARCHAR PRIMARY KEY,
    parent        VARCHAR NOT NULL,
    level         INTEGER NOT NULL,
    name          VARCHAR NOT NULL,
    short_name    VARCHAR,
    type          VARCHAR,
    okato         VARCHAR,
    population    BIGINT,
    lat           DOUBLE,
    lon           DOUBLE,
    time_zone     VARCHAR,
    settlement    VARCHAR,
    groups        VARCHAR  -- comma-separated group codes
);

CREATE TABLE org_unit_groups (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL
);

-- One row per (data element, period, organisation unit); uniqueness is kept
-- by the import merge rather than an index, which DuckDB maintains slowly on
-- bulk upserts.
CREATE TABLE data_values (
    data_element VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    org_unit     VARCHAR NOT NULL,
    value        DOUBLE  NOT NULL,
    comment      VARCHAR,
    period_start DATE NOT NULL, -- derived from period, for range queries
    period_end   DATE NOT NULL, -- exclusive
    source       VARCHAR,
    updated_at   TIMESTAMP NOT NULL
);

-- Append-only record of every change to a data value.
CREATE TABLE data_value_audit (
    changed_at           TIMESTAMP NOT NULL,
    actor        VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    data_element VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    org_unit     VARCHAR NOT NULL,
    old_value    DOUBLE,
    new_value    DOUBLE
);

CREATE SEQUENCE import_id START 1;
CREATE TABLE imports (
    id        BIGINT PRIMARY KEY DEFAULT nextval('import_id'),
    imported_at        TIMESTAMP NOT NULL,
    actor     VARCHAR NOT NULL,
    source    VARCHAR NOT NULL,
    format    VARCHAR NOT NULL,
    imported  BIGINT NOT NULL,
    updated   BIGINT NOT NULL,
    ignored   BIGINT NOT NULL
);

-- Every version of every methodology ever loaded, with its file as written.
CREATE TABLE methodologies (
    id        VARCHAR NOT NULL,
    version   VARCHAR NOT NULL,
    name      VARCHAR NOT NULL,
    source    VARCHAR NOT NULL,
    body      VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (id, version)
);

-- Computed results: one document per methodology and period, plus a flat
-- table of unit scores for analytics queries.
CREATE TABLE results (
    methodology VARCHAR NOT NULL,
    version     VARCHAR NOT NULL,
    period      VARCHAR NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    synthetic   BOOLEAN NOT NULL,
    body        VARCHAR NOT NULL,
    PRIMARY KEY (methodology, period)
);

CREATE TABLE result_scores (
    methodology VARCHAR NOT NULL,
    version     VARCHAR NOT NULL,
    period      VARCHAR NOT NULL,
    org_unit    VARCHAR NOT NULL,
    node        VARCHAR NOT NULL,
    score       DOUBLE,
    rank        INTEGER
);

CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
