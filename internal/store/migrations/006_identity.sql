-- Identity: the graph that resolves a workspace's identifiers into profiles
-- as messages arrive (package identity owns the rules).

-- Every identifier the workspace's messages carried, with the profile it
-- joined when first seen and the message that brought it. key is the
-- resolver's 64-bit hash of (workspace, kind, value), with the kind in its
-- low bits: loading the graph reads two integers a row. There is no primary
-- key: the resolver adds an identifier once, and an index would cost every
-- append. A profile merged away later is followed through identity_overrides.
CREATE TABLE identity_identifiers (
    workspace_id VARCHAR NOT NULL,
    key          BIGINT NOT NULL,
    kind         VARCHAR NOT NULL, -- user_id, email, phone, handle, anonymous_id
    value        VARCHAR NOT NULL, -- as normalised: lower-case email, digits of a phone, platform:@handle
    profile_id   BIGINT NOT NULL,
    message_id   VARCHAR NOT NULL,
    ts           TIMESTAMP NOT NULL
);

-- The merge log: which message joined profile from_profile into
-- into_profile, through which of its identifiers (via_key, an
-- identity_identifiers key), and when.
CREATE TABLE identity_merges (
    workspace_id VARCHAR NOT NULL,
    from_profile BIGINT NOT NULL,
    into_profile BIGINT NOT NULL,
    message_id   VARCHAR NOT NULL,
    via_key      BIGINT NOT NULL,
    ts           TIMESTAMP NOT NULL
);

-- Where a merged-away profile lives now, always the surviving profile
-- itself (kept flat when the survivor is merged again): an event's current
-- profile is coalesce(into_profile, events.profile_id). A profile is merged
-- away once, so (workspace_id, profile_id) is unique without an index.
CREATE TABLE identity_overrides (
    workspace_id VARCHAR NOT NULL,
    profile_id   BIGINT NOT NULL,
    into_profile BIGINT NOT NULL
);

-- The profile each event resolved to at ingest; NULL for events stored
-- before identity resolution ran, or that carried no usable identifier.
ALTER TABLE events ADD COLUMN profile_id BIGINT;
