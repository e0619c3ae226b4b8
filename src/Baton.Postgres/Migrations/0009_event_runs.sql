-- Baton schema v9 for PostgreSQL: events that joined a run they did not create. {schema} is replaced by the configured
-- schema. A batch run receives every event it gathered, but runs.event_id names only the one that opened it; each event
-- appended to it is linked here, so an event always lists the run that received it.
CREATE TABLE {schema}.event_runs (
    event_id text NOT NULL,
    run_id   text NOT NULL,
    PRIMARY KEY (event_id, run_id)
);
CREATE INDEX event_runs_run ON {schema}.event_runs (run_id);
