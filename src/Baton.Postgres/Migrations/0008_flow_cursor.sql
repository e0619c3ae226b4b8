-- Baton schema v8: fairness rotates with one cursor instead of a served order per queue. {schema} is replaced by the configured schema.

-- Claims take queues in name order, starting after the queue the last claim stopped at, and wrap around. A claim
-- writes this one row however many queues it looked at (the served order rewrote a row and an index entry per queue
-- looked at, several per run claimed). A claim that finds the row locked by another node's claim leaves the move to it.
CREATE TABLE {schema}.flow_cursor (
    id    integer NOT NULL PRIMARY KEY CHECK (id = 1),
    queue text    NOT NULL
);
INSERT INTO {schema}.flow_cursor (id, queue) VALUES (1, '');

DROP INDEX {schema}.flow_queues_served;
ALTER TABLE {schema}.flow_queues DROP COLUMN served;
