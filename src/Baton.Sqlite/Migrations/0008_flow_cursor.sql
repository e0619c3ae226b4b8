-- Baton schema v8: fairness rotates with one cursor instead of a served order per queue.

-- Claims take queues in name order, starting after the queue the last claim stopped at, and wrap around. A claim
-- writes this one row however many queues it looked at (the served order rewrote a row and an index entry per queue
-- looked at, several per run claimed).
CREATE TABLE flow_cursor (
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    queue TEXT    NOT NULL
);
INSERT INTO flow_cursor (id, queue) VALUES (1, '');

DROP INDEX flow_queues_served;
ALTER TABLE flow_queues DROP COLUMN served;
