-- Baton schema v5 for PostgreSQL: resource budgets. {schema} is replaced by the configured schema. Times are Unix milliseconds (UTC).

-- One row per resource name, shared by every node: the GCRA theoretical arrival time (tat), the pause set by
-- an exhausted answer (paused_until), the quota window being counted (window_start, used) and the latest wake
-- time handed to a run queued for the resource (queue_until). What the values mean is decided by the core; a
-- writer locks the row for the rest of its transaction while it decides.
CREATE TABLE {schema}.resources (
    name         text   NOT NULL PRIMARY KEY,
    tat          bigint,
    paused_until bigint,
    window_start bigint,
    used         bigint NOT NULL DEFAULT 0,
    queue_until  bigint
);
