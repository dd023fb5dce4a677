-- Feed loads (issue 5).
--
-- 1. Idempotence keyed on content and snapshot. A slot file is a dated
-- picture of the schedule horizon: the same body loaded under another
-- snapshot time is a new snapshot of the same slots, not "unchanged".
-- feed_files gains slots (the file's Slot records) and load_key, the key
-- a load is unique by: the content hash alone for content without slots,
-- hash '@' snapshot for content with slots. The primary key moves from
-- sha256 to load_key (DuckDB cannot drop a primary key: the table is
-- rebuilt). Files loaded before did not record their slots: a file whose
-- snapshot has stored slots is taken to have carried slots (slots NULL,
-- count unknown), any other none.
CREATE TABLE feed_files_v6 (
    sha256    VARCHAR NOT NULL,
    name      VARCHAR NOT NULL,
    format    VARCHAR NOT NULL,
    snapshot  TIMESTAMP,            -- slot snapshot time applied to the file
    records   BIGINT NOT NULL,
    unmapped  BIGINT NOT NULL,
    actor     VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    slots     BIGINT,               -- Slot records; NULL: some, count unknown (loaded before 006)
    load_key  VARCHAR PRIMARY KEY   -- sha256, or sha256 '@' snapshot (YYYY-MM-DDTHH:MM:SSZ) when slots <> 0
);
INSERT INTO feed_files_v6
SELECT f.sha256, f.name, f.format, f.snapshot, f.records, f.unmapped, f.actor, f.loaded_at, k.slots,
    CASE WHEN k.slots IS NULL THEN f.sha256 || '@' || strftime(f.snapshot, '%Y-%m-%dT%H:%M:%SZ') ELSE f.sha256 END
FROM feed_files f,
    LATERAL (SELECT CASE WHEN f.snapshot IN (SELECT DISTINCT snapshot FROM feed_slots) THEN NULL ELSE 0 END::BIGINT AS slots) k;
DROP TABLE feed_files;
ALTER TABLE feed_files_v6 RENAME TO feed_files;

-- 2. Slot storage with its compression chosen once. A bulk load spent
-- over a third of its time in DuckDB trying every compression method on
-- every column segment (DetectBestCompressionMethod); the methods it always
-- chose are now the columns' own, so storage (and the dashboard's scans)
-- stay the same. A method that cannot take a segment (FSST over very long
-- strings) falls back to uncompressed. Same columns, same order.
CREATE TABLE feed_slots_v6 (
    snapshot   TIMESTAMP NOT NULL,
    id         VARCHAR NOT NULL USING COMPRESSION fsst,
    schedule   VARCHAR NOT NULL USING COMPRESSION dictionary,
    status     VARCHAR NOT NULL USING COMPRESSION dictionary,
    start_at   TIMESTAMP NOT NULL,
    end_at     TIMESTAMP NOT NULL,
    specialty  VARCHAR USING COMPRESSION dictionary,
    epgu       BOOLEAN NOT NULL
);
INSERT INTO feed_slots_v6 SELECT * FROM feed_slots;
DROP TABLE feed_slots;
ALTER TABLE feed_slots_v6 RENAME TO feed_slots;
