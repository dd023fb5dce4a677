-- Data-collection workflow (issue 4): the approval state of each data set
-- for each organisation unit and period, its append-only history, the
-- values locked by federal acceptance, and the closed periods whose data
-- and rating are frozen.

-- One row per (data set, unit, period) that ever left the open state; no
-- row means open.
CREATE TABLE approvals (
    data_set     VARCHAR NOT NULL,
    org_unit     VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    state        VARCHAR NOT NULL, -- open, draft, submitted, approved, accepted
    actor        VARCHAR NOT NULL, -- who made the last change
    changed_at   TIMESTAMP NOT NULL,
    reason       VARCHAR,          -- of the last return, rejection or unlock
    submitted_at TIMESTAMP,        -- latest submission, for timeliness
    PRIMARY KEY (data_set, org_unit, period)
);

-- Append-only: the code only ever inserts here. seq orders events that
-- share a timestamp (DuckDB keeps microseconds).
CREATE SEQUENCE approval_audit_seq START 1;
CREATE TABLE approval_audit (
    seq         BIGINT NOT NULL DEFAULT nextval('approval_audit_seq'),
    occurred_at TIMESTAMP NOT NULL,
    data_set    VARCHAR NOT NULL,  -- "" for a period closing
    org_unit    VARCHAR NOT NULL,  -- "" for a period closing
    period      VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,  -- save, submit, approve, accept, return, reject, unlock, close
    from_state  VARCHAR,
    to_state    VARCHAR,
    actor       VARCHAR NOT NULL,
    reason      VARCHAR
);

-- The values an accepted approval locks: the data set's elements for its
-- unit and period. The import joins its staging table against this one,
-- so a lock is one row per value rather than a rule evaluated per value.
-- No primary key: DuckDB maintains indexes slowly and the rows are
-- written only by Transition, which never inserts a key twice.
CREATE TABLE value_locks (
    data_element VARCHAR NOT NULL,
    org_unit     VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    data_set     VARCHAR NOT NULL  -- the accepted data set (unlock removes its rows only)
);

CREATE TABLE closed_periods (
    period       VARCHAR PRIMARY KEY,
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL, -- exclusive
    closed_at    TIMESTAMP NOT NULL,
    actor        VARCHAR NOT NULL,
    reason       VARCHAR
);

-- The ratings as they stood when their period was closed: the published
-- version, which later recomputations do not change.
CREATE TABLE published_results (
    methodology  VARCHAR NOT NULL,
    version      VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    computed_at  TIMESTAMP NOT NULL,
    published_at TIMESTAMP NOT NULL,
    body         VARCHAR NOT NULL,
    PRIMARY KEY (methodology, period)
);
