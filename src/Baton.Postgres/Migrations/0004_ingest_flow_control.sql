-- Baton schema v4 for PostgreSQL: ingest-time flow control. Times are Unix milliseconds (UTC). One row per
-- (function, key): the ingest transaction locks the key's row (an upsert) before deciding, so nodes ingesting the
-- same key at once take turns and each sees the other's committed decision.

-- Rate limit (GCRA): the theoretical arrival time of the next event.
CREATE TABLE {schema}.flow_rate (
    function_id text   NOT NULL,
    key         text   NOT NULL,
    tat         bigint NOT NULL,
    PRIMARY KEY (function_id, key)
);

-- Debounce and batching: the key's latest pending run (kind 1 debounce, 2 batch), when its first event came and how
-- many events it holds. The run is pending only while queued and never claimed.
CREATE TABLE {schema}.flow_pending (
    function_id text     NOT NULL,
    key         text     NOT NULL,
    kind        smallint NOT NULL,
    run_id      text     NOT NULL,
    first_at    bigint   NOT NULL,
    size        integer  NOT NULL,
    PRIMARY KEY (function_id, key)
);

-- Singleton: the key's latest run; it is active while it has not finished.
CREATE TABLE {schema}.flow_singleton (
    function_id text NOT NULL,
    key         text NOT NULL,
    run_id      text NOT NULL,
    PRIMARY KEY (function_id, key)
);
