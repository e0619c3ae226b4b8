-- Baton schema v7 for PostgreSQL: chart data and the change feed come from the store, so every node (and a
-- restarted one) sees the same. {schema} is replaced by the configured schema.

-- Charts count runs by when they first started and by when they finished. started_at is written once (the first
-- claim) and finished_at once (the finish), so each index costs one insert per run; both cover what the charts read
-- (index-only scans). The covering runs_finished replaces the narrower one of v2 that retention reads.
CREATE INDEX runs_started ON {schema}.runs (started_at, created_at, function_id) WHERE started_at IS NOT NULL;
DROP INDEX {schema}.runs_finished;
CREATE INDEX runs_finished ON {schema}.runs (finished_at, status, function_id) WHERE finished_at IS NOT NULL;

-- The change feed: one row per committed change of a run's state (created, claimed, parked, finished) or of a
-- step (recorded, retried), written by the triggers below in the transaction that makes the change. seq orders the
-- rows of one transaction; xid is that transaction, so a reader takes only rows of transactions older than every
-- transaction still running (pg_snapshot_xmin) and never skips a row that commits late. function_id is null for
-- step rows. Retention keeps the newest rows only.
CREATE TABLE {schema}.changes (
    seq         bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid         xid8    NOT NULL DEFAULT pg_current_xact_id(),
    run_id      text    NOT NULL,
    function_id text,
    step_id     text,
    status      integer NOT NULL
);
CREATE INDEX changes_xid ON {schema}.changes (xid, seq);

-- Runs are inserted in batches (unnest), so their insert trigger works per statement on the inserted rows.
CREATE FUNCTION {schema}.changes_runs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {schema}.changes (run_id, function_id, status) SELECT id, function_id, status FROM inserted;
    RETURN NULL;
END $$;

CREATE FUNCTION {schema}.changes_run_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {schema}.changes (run_id, function_id, status) VALUES (NEW.id, NEW.function_id, NEW.status);
    RETURN NULL;
END $$;

CREATE FUNCTION {schema}.changes_step_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {schema}.changes (run_id, step_id, status) VALUES (NEW.run_id, NEW.step_id, NEW.status);
    RETURN NULL;
END $$;

CREATE TRIGGER runs_change_insert AFTER INSERT ON {schema}.runs
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION {schema}.changes_runs_inserted();

-- A claim counts even when the status stays Running (a lease taken over after it expired).
CREATE TRIGGER runs_change_update AFTER UPDATE OF status, claims ON {schema}.runs
    FOR EACH ROW WHEN (NEW.status <> OLD.status OR NEW.claims <> OLD.claims) EXECUTE FUNCTION {schema}.changes_run_updated();

CREATE TRIGGER steps_change_insert AFTER INSERT ON {schema}.steps
    FOR EACH ROW EXECUTE FUNCTION {schema}.changes_step_written();

CREATE TRIGGER steps_change_update AFTER UPDATE OF status, attempts ON {schema}.steps
    FOR EACH ROW WHEN (NEW.status <> OLD.status OR NEW.attempts <> OLD.attempts) EXECUTE FUNCTION {schema}.changes_step_written();
