-- Baton schema v6: operator state. Times are Unix milliseconds (UTC).

-- Paused functions, shared by every process on the database. The ingest transaction reads this (tiny) table before
-- it plans, so an event for a paused function is recorded as a skip wherever it arrives.
CREATE TABLE function_pauses (
    function_id TEXT    NOT NULL PRIMARY KEY,
    paused_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- Lines a run's code wrote through FunctionContext.Logger, numbered per run in commit order (seq from 1). At most
-- the configured number of lines is kept per run; one more row (seq = limit + 1) counts the lines dropped beyond it.
CREATE TABLE run_logs (
    run_id    TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    level     INTEGER NOT NULL,
    step_id   TEXT,
    message   TEXT    NOT NULL,
    exception TEXT,
    dropped   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- The runs list's key filter: the key part of a flow-controlled run's fairness queue ('<function>\x1f<key>'),
-- newest first.
CREATE INDEX runs_flow_key ON runs (substr(flow_queue, instr(flow_queue, char(31)) + 1), id) WHERE flow_queue IS NOT NULL;
