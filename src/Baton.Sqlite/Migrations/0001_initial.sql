-- Baton schema v1. Times are Unix milliseconds (UTC).

CREATE TABLE events (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    ts          INTEGER NOT NULL,
    received_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX events_received ON events (received_at);
CREATE INDEX events_name ON events (name, received_at);

-- due_at is the one scheduling column: when a queued, sleeping or waiting run is due, or when a running
-- run's lease expires. Finished runs and runs waiting without a timeout have none, so the claim index
-- holds due work only. Indexes on columns that change with every state change (status, lease) are left out
-- on purpose: each would cost every claim, step and finish an extra B-tree update.
CREATE TABLE runs (
    id             TEXT    NOT NULL PRIMARY KEY,
    function_id    TEXT    NOT NULL,
    status         INTEGER NOT NULL,
    trigger        TEXT    NOT NULL,
    event_id       TEXT,
    created_at     INTEGER NOT NULL,
    started_at     INTEGER,
    finished_at    INTEGER,
    due_at         INTEGER,
    lease_owner    TEXT,
    lease_token    INTEGER NOT NULL DEFAULT 0,
    claims         INTEGER NOT NULL DEFAULT 0,
    wake_pending   INTEGER NOT NULL DEFAULT 0,
    attempt        INTEGER NOT NULL DEFAULT 0,
    output         TEXT,
    error          TEXT,
    cancel_reason  TEXT,
    progress       TEXT,
    parent_run_id  TEXT,
    parent_step_id TEXT
);
CREATE INDEX runs_due ON runs (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX runs_function ON runs (function_id, id);
CREATE INDEX runs_event ON runs (event_id) WHERE event_id IS NOT NULL;

CREATE TABLE steps (
    run_id      TEXT    NOT NULL,
    step_id     TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    kind        INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    attempts    INTEGER NOT NULL,
    started_at  INTEGER,
    finished_at INTEGER,
    wake_at     INTEGER,
    output      TEXT,
    error       TEXT,
    detail      TEXT,
    PRIMARY KEY (run_id, step_id)
) WITHOUT ROWID;

CREATE TABLE step_attempts (
    run_id      TEXT    NOT NULL,
    step_id     TEXT    NOT NULL,
    attempt     INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    error       TEXT    NOT NULL,
    PRIMARY KEY (run_id, step_id, attempt)
) WITHOUT ROWID;

-- Event subscriptions: wait steps (step_id set) and cancel-on (step_id null).
CREATE TABLE waits (
    id         INTEGER PRIMARY KEY,
    run_id     TEXT    NOT NULL,
    step_id    TEXT,
    event_name TEXT    NOT NULL,
    condition  TEXT    NOT NULL,
    trigger    TEXT    NOT NULL,
    expires_at INTEGER
);
CREATE INDEX waits_event ON waits (event_name);
CREATE INDEX waits_run ON waits (run_id);

CREATE TABLE idempotency (
    function_id TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    run_id      TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (function_id, key)
) WITHOUT ROWID;

CREATE TABLE event_skips (
    event_id    TEXT    NOT NULL,
    function_id TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX event_skips_event ON event_skips (event_id);
