-- One row per key (issue 14) and the data generation.
--
-- 1. Concurrent imports and feed pushes could store a key twice: the import
-- decided what was new before its write transaction, and no table had a
-- key. Duplicates are resolved to the newest row (data values: the latest
-- updated_at; feed resources: the row stored last), and unique indexes keep
-- it so. The store logs how many rows this removes (migrationReports).
-- Every statement can run again (tests rewind the schema). feed_slots gets no index: an ART index over 10^8 slots
-- does not fit in memory (10 M keys already exceed a 512 MB limit); its
-- (snapshot, id) stays unique because feed loads are serialised and replace
-- by key inside their transaction.
DELETE FROM data_values WHERE rowid IN (
    SELECT rowid FROM (SELECT rowid, row_number() OVER (
        PARTITION BY data_element, period, org_unit ORDER BY updated_at DESC, rowid DESC) AS rn FROM data_values)
    WHERE rn > 1);
CREATE UNIQUE INDEX IF NOT EXISTS data_values_key ON data_values (data_element, period, org_unit);

DELETE FROM feed_schedules WHERE rowid IN (
    SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY id ORDER BY rowid DESC) AS rn FROM feed_schedules) WHERE rn > 1);
CREATE UNIQUE INDEX IF NOT EXISTS feed_schedules_key ON feed_schedules (id);
DELETE FROM feed_appointments WHERE rowid IN (
    SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY id ORDER BY rowid DESC) AS rn FROM feed_appointments) WHERE rn > 1);
CREATE UNIQUE INDEX IF NOT EXISTS feed_appointments_key ON feed_appointments (id);
DELETE FROM feed_encounters WHERE rowid IN (
    SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY id ORDER BY rowid DESC) AS rn FROM feed_encounters) WHERE rn > 1);
CREATE UNIQUE INDEX IF NOT EXISTS feed_encounters_key ON feed_encounters (id);
DELETE FROM feed_documents WHERE rowid IN (
    SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY id ORDER BY rowid DESC) AS rn FROM feed_documents) WHERE rn > 1);
CREATE UNIQUE INDEX IF NOT EXISTS feed_documents_key ON feed_documents (id);
DELETE FROM feed_referrals WHERE rowid IN (
    SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY id ORDER BY rowid DESC) AS rn FROM feed_referrals) WHERE rn > 1);
CREATE UNIQUE INDEX IF NOT EXISTS feed_referrals_key ON feed_referrals (id);
DELETE FROM feed_slots WHERE rowid IN (
    SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY snapshot, id ORDER BY rowid DESC) AS rn FROM feed_slots) WHERE rn > 1);
-- The per-post summary is now kept by every load in its transaction
-- rather than built on first use: it is rebuilt here for every snapshot,
-- into a table with a primary key. A key made by CREATE UNIQUE INDEX would
-- not do: DuckDB (1.5) refuses to insert, in the transaction that deleted
-- it, a key its index read from disk ("Duplicate key"), and a load
-- replaces a post's row exactly so; a primary key allows it.
DROP TABLE IF EXISTS feed_slot_posts_v8;
CREATE TABLE feed_slot_posts_v8 (
    snapshot   TIMESTAMP NOT NULL,
    schedule   VARCHAR NOT NULL,
    total      BIGINT NOT NULL,
    free       BIGINT NOT NULL,
    epgu       BIGINT NOT NULL,
    third_free TIMESTAMP,             -- start of the third free slot
    last_free  TIMESTAMP,
    first_free TIMESTAMP,
    PRIMARY KEY (snapshot, schedule)
);
INSERT INTO feed_slot_posts_v8 (snapshot, schedule, total, free, epgu, third_free, last_free, first_free)
SELECT snapshot, schedule, count(*), count(*) FILTER (WHERE status = 'free'), count(*) FILTER (WHERE epgu),
    min(start_at, 3) FILTER (WHERE status = 'free')[3], max(start_at) FILTER (WHERE status = 'free'),
    min(start_at) FILTER (WHERE status = 'free')
FROM feed_slots WHERE start_at >= snapshot AND status <> 'entered-in-error'
GROUP BY snapshot, schedule;
DROP TABLE feed_slot_posts;
ALTER TABLE feed_slot_posts_v8 RENAME TO feed_slot_posts;

-- 2. The data generation: every committed write advances it in its own
-- transaction; caches and recomputation follow it. The audit of data
-- values records the generation of the write that made each change.
CREATE TABLE IF NOT EXISTS data_generation (
    id         INTEGER PRIMARY KEY,
    generation BIGINT NOT NULL
);
INSERT INTO data_generation VALUES (1, 0) ON CONFLICT DO NOTHING;
ALTER TABLE data_value_audit ADD COLUMN IF NOT EXISTS generation BIGINT;
