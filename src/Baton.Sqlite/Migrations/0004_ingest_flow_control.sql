-- Baton schema v4: ingest-time flow control. Times are Unix milliseconds (UTC). One row per (function, key):
-- the ingest transaction reads and writes these rows, so decisions on one key never race.

-- Rate limit (GCRA): the theoretical arrival time of the next event; it runs ahead of now by the used-up share of
-- the period.
CREATE TABLE flow_rate (
    function_id TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    tat         INTEGER NOT NULL,
    PRIMARY KEY (function_id, key)
) WITHOUT ROWID;

-- Debounce and batching: the key's latest pending run (kind 1 debounce, 2 batch), when its first event came and how
-- many events it holds. The run is still pending only while it is queued and never claimed; once claimed, the next
-- event starts a new pending run and overwrites this row.
CREATE TABLE flow_pending (
    function_id TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    kind        INTEGER NOT NULL,
    run_id      TEXT    NOT NULL,
    first_at    INTEGER NOT NULL,
    size        INTEGER NOT NULL,
    PRIMARY KEY (function_id, key)
) WITHOUT ROWID;

-- Singleton: the key's latest run; it is active while it has not finished.
CREATE TABLE flow_singleton (
    function_id TEXT NOT NULL,
    key         TEXT NOT NULL,
    run_id      TEXT NOT NULL,
    PRIMARY KEY (function_id, key)
) WITHOUT ROWID;
