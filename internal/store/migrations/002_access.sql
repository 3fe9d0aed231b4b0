-- People who sign in to the web app. Passwords are kept as argon2id hashes
-- only; an email signs in to every workspace it is a member of.
CREATE TABLE users (
    id            VARCHAR PRIMARY KEY,
    email         VARCHAR NOT NULL UNIQUE,
    name          VARCHAR NOT NULL DEFAULT '',
    password_hash VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

-- A user's role in one workspace: owner, analyst, responder or viewer. A user
-- with no row for a workspace sees nothing of it.
CREATE TABLE memberships (
    user_id      VARCHAR NOT NULL,
    workspace_id VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, workspace_id)
);

-- Web sessions, found by the SHA-256 of the cookie's secret: a copy of the
-- database cannot be replayed as a session.
CREATE TABLE sessions (
    id         VARCHAR PRIMARY KEY,
    hash       VARCHAR NOT NULL UNIQUE,
    user_id    VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- Personal API tokens, each scoped to one workspace and one role; only the
-- hash of the secret is kept.
CREATE TABLE api_tokens (
    id           VARCHAR PRIMARY KEY,
    user_id      VARCHAR NOT NULL,
    workspace_id VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    name         VARCHAR NOT NULL DEFAULT '',
    hash         VARCHAR NOT NULL UNIQUE,
    hint         VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);

-- What a workspace says about a channel key ("facebook/paid"): the name
-- reports show, and corrections of the derived platform and ownership.
CREATE TABLE channel_overrides (
    workspace_id VARCHAR NOT NULL,
    channel      VARCHAR NOT NULL,
    display_name VARCHAR NOT NULL DEFAULT '',
    platform     VARCHAR NOT NULL DEFAULT '',
    ownership    VARCHAR NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, channel)
);
