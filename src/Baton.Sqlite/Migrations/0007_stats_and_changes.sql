-- Baton schema v7: chart data and the change feed come from the store, so every node (and a restarted one) sees
-- the same. Times are Unix milliseconds (UTC).

-- Charts count runs by when they first started and by when they finished. started_at is written once (the first
-- claim) and finished_at once (the finish), so each index costs one insert per run; both cover what the charts read
-- (no table lookups). The covering runs_finished replaces the narrower one of v2 that retention reads.
CREATE INDEX runs_started ON runs (started_at, created_at, function_id) WHERE started_at IS NOT NULL;
DROP INDEX runs_finished;
CREATE INDEX runs_finished ON runs (finished_at, status, function_id) WHERE finished_at IS NOT NULL;

-- The change feed: one row per committed change of a run's state (created, claimed, parked, finished) or of a
-- step (recorded, retried), in commit order (SQLite has one writer, so seq order is commit order). Written by the
-- triggers below in the transaction that makes the change, so it holds exactly what was committed, by any process.
-- Live streams read it from a cursor; retention keeps the newest rows only. function_id is null for step rows.
CREATE TABLE changes (
    seq         INTEGER NOT NULL PRIMARY KEY,
    run_id      TEXT    NOT NULL,
    function_id TEXT,
    step_id     TEXT,
    status      INTEGER NOT NULL
);

CREATE TRIGGER runs_change_insert AFTER INSERT ON runs
BEGIN
    INSERT INTO changes (run_id, function_id, step_id, status) VALUES (NEW.id, NEW.function_id, NULL, NEW.status);
END;

-- A claim counts even when the status stays Running (a lease taken over after it expired).
CREATE TRIGGER runs_change_update AFTER UPDATE OF status, claims ON runs
WHEN NEW.status <> OLD.status OR NEW.claims <> OLD.claims
BEGIN
    INSERT INTO changes (run_id, function_id, step_id, status) VALUES (NEW.id, NEW.function_id, NULL, NEW.status);
END;

CREATE TRIGGER steps_change_insert AFTER INSERT ON steps
BEGIN
    INSERT INTO changes (run_id, function_id, step_id, status) VALUES (NEW.run_id, NULL, NEW.step_id, NEW.status);
END;

CREATE TRIGGER steps_change_update AFTER UPDATE OF status, attempts ON steps
WHEN NEW.status <> OLD.status OR NEW.attempts <> OLD.attempts
BEGIN
    INSERT INTO changes (run_id, function_id, step_id, status) VALUES (NEW.run_id, NULL, NEW.step_id, NEW.status);
END;
