-- Incoming activity ids already handled, so a redelivery changes nothing.
CREATE TABLE received_activities (
    ap_id TEXT PRIMARY KEY NOT NULL,
    received_at TIMESTAMP NOT NULL
);

-- Outgoing activities, one row per target inbox, written in the same transaction as the
-- change that caused them and sent by the delivery workers.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY NOT NULL,
    activity_id TEXT NOT NULL,
    inbox_url TEXT NOT NULL,
    payload TEXT NOT NULL,
    signer_kind TEXT NOT NULL,
    signer_id BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    claim_token TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX deliveries_due ON deliveries (delivered_at, next_attempt_at);

-- The Follow a remote member sent, so the Accept can name it.
ALTER TABLE community_members ADD COLUMN follow_activity_id TEXT;
