-- Audit of methodology changes (issue 4): who loaded each version. The
-- methodologies table is already append-only (a changed file must carry a
-- new version), so it is the methodology log; it lacked only the actor.
-- Versions stored before this migration were the built-ins loaded at
-- start-up, hence the default 'system' (ADD COLUMN fills existing rows
-- with it, so no UPDATE touches the log).
ALTER TABLE methodologies ADD COLUMN loaded_by VARCHAR DEFAULT 'system';
