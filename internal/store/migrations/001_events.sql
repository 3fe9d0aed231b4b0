-- Workspaces are tenants: one business each. Every other table names one.
CREATE TABLE workspaces (
    id            VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    business_type VARCHAR NOT NULL DEFAULT 'product',
    created_at    TIMESTAMP NOT NULL
);

-- Write keys authenticate collection; only their SHA-256 is kept.
CREATE TABLE write_keys (
    id           VARCHAR PRIMARY KEY,
    workspace_id VARCHAR NOT NULL,
    hash         VARCHAR NOT NULL UNIQUE,
    hint         VARCHAR NOT NULL,
    name         VARCHAR NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);

-- Events are append-only touchpoints, one row per Segment message, unique per
-- (workspace_id, message_id): the collector deduplicates before appending.
CREATE TABLE events (
    workspace_id  VARCHAR NOT NULL,
    message_id    VARCHAR NOT NULL,
    type          VARCHAR NOT NULL,
    user_id       VARCHAR,
    anonymous_id  VARCHAR,
    previous_id   VARCHAR,
    group_id      VARCHAR,
    event         VARCHAR,
    name          VARCHAR,
    person        VARCHAR NOT NULL,
    ts            TIMESTAMP NOT NULL,
    original_ts   TIMESTAMP,
    sent_at       TIMESTAMP,
    received_at   TIMESTAMP NOT NULL,
    properties    VARCHAR,
    traits        VARCHAR,
    context       VARCHAR,
    channel       VARCHAR NOT NULL,
    platform      VARCHAR NOT NULL,
    ownership     VARCHAR NOT NULL,
    skippable     BOOLEAN NOT NULL,
    channel_group VARCHAR NOT NULL,
    source        VARCHAR,
    medium        VARCHAR,
    campaign      VARCHAR,
    content       VARCHAR,
    term          VARCHAR,
    stage         VARCHAR,
    stage_rank    TINYINT NOT NULL,
    revenue       DOUBLE,
    currency      VARCHAR,
    text          VARCHAR
);

-- Spend per channel per day, from imports or the simulator, for ROI.
CREATE TABLE spend (
    workspace_id VARCHAR NOT NULL,
    day          DATE NOT NULL,
    channel      VARCHAR NOT NULL,
    amount       DOUBLE NOT NULL
);
