-- Baton schema v10 for PostgreSQL: the runs list's key filter no longer has its own index. {schema} is replaced by the
-- configured schema.

-- runs_flow_key put every flow-controlled run at its key's place in an index ordered by key: with many keys, each run
-- inserted wrote a page of it, and every update that moved a run's row (its claim, its finish) added an entry to it
-- again. A key filter is now evaluated while the list scans newest first, like the status and text filters.
DROP INDEX {schema}.runs_flow_key;
