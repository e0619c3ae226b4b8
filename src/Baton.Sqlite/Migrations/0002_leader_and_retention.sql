-- Baton schema v2: leader election and retention. Times are Unix milliseconds (UTC).

-- Named leader leases (the engine uses one, 'baton'). token grows by one on every acquisition and fences
-- renewals and releases; holder is null once released.
CREATE TABLE leases (
    name       TEXT    NOT NULL PRIMARY KEY,
    holder     TEXT,
    token      INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The latest fired tick of each cron schedule ('<function>:<trigger index>'), written with the tick's event.
-- A node that becomes leader resumes each schedule from here, so a tick in progress during a leader change
-- still fires, once. Never pruned: one small row per schedule.
CREATE TABLE cron_ticks (
    schedule  TEXT    NOT NULL PRIMARY KEY,
    last_tick INTEGER NOT NULL
) WITHOUT ROWID;

-- Retention deletes finished runs oldest first. Only finished runs have finished_at, and it is written once,
-- so this index costs one insert per run and lets each prune batch read exactly the rows it deletes.
CREATE INDEX runs_finished ON runs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX idempotency_expires ON idempotency (expires_at);
