-- Accounts, sessions, API tokens and the security audit log (issue 4).
-- No foreign keys or secondary indexes on columns that get updated: DuckDB
-- checks such constraints eagerly and an UPDATE becomes delete + insert.

CREATE SEQUENCE user_id START 1;
CREATE TABLE users (
    id                  BIGINT PRIMARY KEY DEFAULT nextval('user_id'),
    login               VARCHAR NOT NULL UNIQUE,
    role                VARCHAR NOT NULL,
    org_unit            VARCHAR NOT NULL, -- scope: this unit and its descendants
    password_hash       VARCHAR NOT NULL, -- argon2id, PHC string format
    disabled            BOOLEAN NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL
);

-- Server-side sessions; the cookie holds the id, the table its SHA-256 only,
-- so a copy of the database does not let anyone log in.
CREATE TABLE sessions (
    id_hash    VARCHAR PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ip         VARCHAR
);

-- API tokens for machine feeds, stored as SHA-256 of the secret.
CREATE SEQUENCE api_token_id START 1;
CREATE TABLE api_tokens (
    id         BIGINT PRIMARY KEY DEFAULT nextval('api_token_id'),
    user_id    BIGINT NOT NULL,
    name       VARCHAR NOT NULL,
    token_hash VARCHAR NOT NULL UNIQUE,
    org_unit   VARCHAR NOT NULL, -- at most the owner's scope
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,        -- NULL: does not expire
    revoked_at TIMESTAMP
);

-- Append-only: the code only ever inserts here.
CREATE TABLE security_audit (
    occurred_at TIMESTAMP NOT NULL,
    event   VARCHAR NOT NULL, -- login_ok, login_fail, logout, token_create, ...
    actor   VARCHAR NOT NULL, -- who did it (login, cli:<os user>, system)
    subject VARCHAR,          -- whom or what it concerns
    ip      VARCHAR,
    detail  VARCHAR
);
