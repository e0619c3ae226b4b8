-- Baton schema v10: a flow-controlled run's claim order holds queued runs only, in fewer bytes, and the runs list's key
-- filter no longer has its own index. Each index ordered by key takes a write of a random page per run when runs of
-- many keys arrive together; these were most of what a keyed run wrote beyond a plain one.

-- runs_flow held every open run, so a claim moved each run it leased within its queue's range (its due time became the
-- lease expiry) and its finish removed it from there. It now holds queued runs only, which a claim reads and removes
-- once. Runs executing right now are in runs_flow_leased, a few pages, where a claim also finds those whose lease has
-- expired (a crashed holder's). Runs of a queue due at the same time are taken in insertion order (the rowid every
-- index entry ends with) instead of by id, which leaves the id's 26 bytes out of each entry.
DROP INDEX runs_flow;
CREATE INDEX runs_flow ON runs (flow_queue, (due_at - flow_priority)) WHERE flow_queue IS NOT NULL AND finished_at IS NULL AND lease_owner IS NULL;
CREATE INDEX runs_flow_leased ON runs (flow_queue, due_at) WHERE flow_queue IS NOT NULL AND finished_at IS NULL AND lease_owner IS NOT NULL;

-- runs_flow_key held every flow-controlled run, finished ones too, by key: with many keys, each run inserted wrote a
-- page of it. A key filter is now evaluated while the list scans newest first, like the status and text filters.
DROP INDEX runs_flow_key;
