-- Baton schema v5: resource budgets. Times are Unix milliseconds (UTC).

-- One row per resource name, shared by every node: the GCRA theoretical arrival time (tat), the pause set by
-- an exhausted answer (paused_until), the quota window being counted (window_start, used) and the latest wake
-- time handed to a run queued for the resource (queue_until). What the values mean is decided by the core.
CREATE TABLE resources (
    name         TEXT    NOT NULL PRIMARY KEY,
    tat          INTEGER,
    paused_until INTEGER,
    window_start INTEGER,
    used         INTEGER NOT NULL DEFAULT 0,
    queue_until  INTEGER
) WITHOUT ROWID;
