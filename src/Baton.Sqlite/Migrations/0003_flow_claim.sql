-- Baton schema v3: claim-time flow control (concurrency, throttle, priority, fairness). Times are Unix milliseconds.

-- A flow-controlled run carries what its claim must check, computed when the run was created:
--   flow_queue       the fairness queue: function and key; claims rotate across queues
--   flow_priority    milliseconds by which the run moves ahead (positive) or behind in its queue
--   flow_key1/2      scope-qualified concurrency keys, with the limit each had when the run was created
--   throttle_*       throttle key, emission interval (period / limit) and burst, applied to the run's start
-- A plain run has flow_queue null and stays on the plain claim path (runs_due), which these columns never touch.
ALTER TABLE runs ADD COLUMN flow_queue TEXT;
ALTER TABLE runs ADD COLUMN flow_priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN flow_key1 TEXT;
ALTER TABLE runs ADD COLUMN flow_limit1 INTEGER;
ALTER TABLE runs ADD COLUMN flow_key2 TEXT;
ALTER TABLE runs ADD COLUMN flow_limit2 INTEGER;
ALTER TABLE runs ADD COLUMN throttle_key TEXT;
ALTER TABLE runs ADD COLUMN throttle_interval INTEGER;
ALTER TABLE runs ADD COLUMN throttle_burst INTEGER;

-- The plain claim index leaves flow-controlled runs out, so a blocked key's backlog never slows plain claims.
DROP INDEX runs_due;
CREATE INDEX runs_due ON runs (due_at) WHERE due_at IS NOT NULL AND flow_queue IS NULL;

-- Per queue, open runs in claim order: due time minus priority, then id (FIFO).
CREATE INDEX runs_flow ON runs (flow_queue, (due_at - flow_priority), id) WHERE flow_queue IS NOT NULL AND finished_at IS NULL;
-- The next time a flow-controlled run becomes due (a wake-up or another worker's lease expiry).
CREATE INDEX runs_flow_due ON runs (due_at) WHERE flow_queue IS NOT NULL AND due_at IS NOT NULL;
-- Slots held: leased runs of a key, whose lease (due_at) has not expired.
CREATE INDEX runs_flow_key1 ON runs (flow_key1, due_at) WHERE flow_key1 IS NOT NULL AND lease_owner IS NOT NULL;
CREATE INDEX runs_flow_key2 ON runs (flow_key2, due_at) WHERE flow_key2 IS NOT NULL AND lease_owner IS NOT NULL;

-- Queues with open runs, least recently served first. A queue is added with its first run and removed by the
-- claim that finds it without open runs.
CREATE TABLE flow_queues (
    queue  TEXT    NOT NULL PRIMARY KEY,
    served INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX flow_queues_served ON flow_queues (served);

-- GCRA state per throttle key ('<function>\x1f<key value>'): the theoretical arrival time of the next run start,
-- and the earliest time the next start is allowed (tat minus the burst allowance), kept for inspection.
CREATE TABLE flow_throttles (
    key        TEXT    NOT NULL PRIMARY KEY,
    tat        INTEGER NOT NULL,
    allowed_at INTEGER NOT NULL
) WITHOUT ROWID;
