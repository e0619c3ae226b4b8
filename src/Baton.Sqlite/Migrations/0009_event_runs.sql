-- Baton schema v9: events that joined a run they did not create. A batch run receives every event it gathered, but
-- runs.event_id names only the one that opened it; each event appended to it is linked here, so an event always lists
-- the run that received it.
CREATE TABLE event_runs (
    event_id TEXT NOT NULL,
    run_id   TEXT NOT NULL,
    PRIMARY KEY (event_id, run_id)
) WITHOUT ROWID;
CREATE INDEX event_runs_run ON event_runs (run_id);
