-- The per-post slot summary (feed_slot_posts) gains the start of each
-- post's first free slot, so that slot availability (FeedAvailability:
-- the /slots page, the feed API, the alerts) reads one row per post
-- instead of every slot of a snapshot: with third_free and last_free it
-- gives the next free day, the third next available appointment and the
-- horizon. The summary is a derived cache, rebuilt on demand per snapshot
-- (slotSummary): rows built before this column are dropped. IF NOT EXISTS
-- keeps a re-run harmless.
ALTER TABLE feed_slot_posts ADD COLUMN IF NOT EXISTS first_free TIMESTAMP;
DELETE FROM feed_slot_posts;
