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

-- Channels are the distinct ways touchpoints arrived in a workspace: the
-- derived channel with its UTM detail. Events refer to one by id, which keeps
-- the event row narrow (appends cost per column).
CREATE TABLE channels (
    id            INTEGER PRIMARY KEY,
    workspace_id  VARCHAR NOT NULL,
    key           VARCHAR NOT NULL,
    platform      VARCHAR NOT NULL,
    ownership     VARCHAR NOT NULL,
    skippable     BOOLEAN NOT NULL,
    channel_group VARCHAR NOT NULL,
    source        VARCHAR,
    medium        VARCHAR,
    campaign      VARCHAR,
    content       VARCHAR,
    term          VARCHAR
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
    channel_id    INTEGER NOT NULL,
    stage_rank    TINYINT NOT NULL,
    revenue       DOUBLE,
    currency      VARCHAR,
    text          VARCHAR
);

-- Touchpoints are events with their channel spelled out and their stage
-- named: what reports read.
CREATE VIEW touchpoints AS
SELECT e.*,
       c.key AS channel, c.platform, c.ownership, c.skippable, c.channel_group,
       c.source, c.medium, c.campaign, c.content, c.term,
       CASE e.stage_rank WHEN 1 THEN 'stimulus' WHEN 2 THEN 'find' WHEN 3 THEN 'understand'
            WHEN 4 THEN 'engage' WHEN 5 THEN 'purchase' WHEN 6 THEN 'advocate' END AS stage
FROM events e JOIN channels c ON c.id = e.channel_id;

-- Spend per channel per day, from imports or the simulator, for ROI.
CREATE TABLE spend (
    workspace_id VARCHAR NOT NULL,
    day          DATE NOT NULL,
    channel      VARCHAR NOT NULL,
    amount       DOUBLE NOT NULL
);
