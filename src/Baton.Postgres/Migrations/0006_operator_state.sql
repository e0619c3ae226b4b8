-- Baton schema v6 for PostgreSQL: operator state. {schema} is replaced by the configured schema. Times are Unix milliseconds (UTC).

-- Paused functions, shared by every node. The ingest transaction reads this (tiny) table before it plans, so an
-- event for a paused function is recorded as a skip on whichever node it arrives.
CREATE TABLE {schema}.function_pauses (
    function_id text   NOT NULL PRIMARY KEY,
    paused_at   bigint NOT NULL
);

-- Lines a run's code wrote through FunctionContext.Logger, numbered per run in commit order (seq from 1). At most
-- the configured number of lines is kept per run; one more row (seq = limit + 1) counts the lines dropped beyond it.
CREATE TABLE {schema}.run_logs (
    run_id    text     NOT NULL,
    seq       integer  NOT NULL,
    at        bigint   NOT NULL,
    level     smallint NOT NULL,
    step_id   text,
    message   text     NOT NULL,
    exception text,
    dropped   integer  NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, seq)
);

-- The runs list's key filter: the key part of a flow-controlled run's fairness queue ('<function>\x1f<key>'),
-- newest first.
CREATE INDEX runs_flow_key ON {schema}.runs ((substr(flow_queue, strpos(flow_queue, E'\x1f') + 1)), id) WHERE flow_queue IS NOT NULL;
