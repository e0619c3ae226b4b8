-- Baton schema v2 for PostgreSQL: leader election and retention. {schema} is replaced by the configured schema.

-- Named leader leases (the engine uses one, 'baton'). token grows by one on every acquisition and fences
-- renewals and releases; holder is null once released.
CREATE TABLE {schema}.leases (
    name       text   NOT NULL PRIMARY KEY,
    holder     text,
    token      bigint NOT NULL,
    expires_at bigint NOT NULL
);

-- The latest fired tick of each cron schedule ('<function>:<trigger index>'), written with the tick's event.
-- A node that becomes leader resumes each schedule from here, so a tick in progress during a leader change
-- still fires, once. Never pruned: one small row per schedule.
CREATE TABLE {schema}.cron_ticks (
    schedule  text   NOT NULL PRIMARY KEY,
    last_tick bigint NOT NULL
);

-- Retention deletes finished runs oldest first. Only finished runs have finished_at, and it is written once,
-- so this index costs one insert per run and lets each prune batch read exactly the rows it deletes.
CREATE INDEX runs_finished ON {schema}.runs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX idempotency_expires ON {schema}.idempotency (expires_at);
