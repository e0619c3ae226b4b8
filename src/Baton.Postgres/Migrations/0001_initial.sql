-- Baton schema v1 for PostgreSQL. Times are Unix milliseconds (UTC). {schema} is replaced by the configured schema.

CREATE TABLE {schema}.events (
    id          text   NOT NULL PRIMARY KEY,
    name        text   NOT NULL,
    data        text   NOT NULL,
    ts          bigint NOT NULL,
    received_at bigint NOT NULL
);
CREATE INDEX events_received ON {schema}.events (received_at);
CREATE INDEX events_name ON {schema}.events (name, received_at);

-- due_at: when a queued/sleeping/waiting run is due, or when a running run's lease expires; null when
-- finished or waiting without timeout, so the claim index holds due work only.
CREATE TABLE {schema}.runs (
    id             text     NOT NULL PRIMARY KEY,
    function_id    text     NOT NULL,
    status         smallint NOT NULL,
    trigger        text     NOT NULL,
    event_id       text,
    created_at     bigint   NOT NULL,
    started_at     bigint,
    finished_at    bigint,
    due_at         bigint,
    lease_owner    text,
    lease_token    bigint   NOT NULL DEFAULT 0,
    claims         integer  NOT NULL DEFAULT 0,
    wake_pending   boolean  NOT NULL DEFAULT false,
    attempt        integer  NOT NULL DEFAULT 0,
    output         text,
    error          text,
    cancel_reason  text,
    progress       text,
    parent_run_id  text,
    parent_step_id text
);
CREATE INDEX runs_due ON {schema}.runs (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX runs_function ON {schema}.runs (function_id, id);
CREATE INDEX runs_event ON {schema}.runs (event_id) WHERE event_id IS NOT NULL;

CREATE TABLE {schema}.steps (
    run_id      text     NOT NULL,
    step_id     text     NOT NULL,
    name        text     NOT NULL,
    position    integer  NOT NULL,
    kind        smallint NOT NULL,
    status      smallint NOT NULL,
    attempts    integer  NOT NULL,
    started_at  bigint,
    finished_at bigint,
    wake_at     bigint,
    output      text,
    error       text,
    detail      text,
    PRIMARY KEY (run_id, step_id)
);

CREATE TABLE {schema}.step_attempts (
    run_id      text    NOT NULL,
    step_id     text    NOT NULL,
    attempt     integer NOT NULL,
    started_at  bigint  NOT NULL,
    finished_at bigint  NOT NULL,
    error       text    NOT NULL,
    PRIMARY KEY (run_id, step_id, attempt)
);

CREATE TABLE {schema}.waits (
    id         bigserial PRIMARY KEY,
    run_id     text   NOT NULL,
    step_id    text,
    event_name text   NOT NULL,
    condition  text   NOT NULL,
    trigger    text   NOT NULL,
    expires_at bigint
);
CREATE INDEX waits_event ON {schema}.waits (event_name);
CREATE INDEX waits_run ON {schema}.waits (run_id);

CREATE TABLE {schema}.idempotency (
    function_id text   NOT NULL,
    key         text   NOT NULL,
    run_id      text   NOT NULL,
    expires_at  bigint NOT NULL,
    PRIMARY KEY (function_id, key)
);

CREATE TABLE {schema}.event_skips (
    id          bigserial PRIMARY KEY,
    event_id    text   NOT NULL,
    function_id text   NOT NULL,
    reason      text   NOT NULL,
    at          bigint NOT NULL
);
CREATE INDEX event_skips_event ON {schema}.event_skips (event_id);
