-- Peers an admin allowed or blocked at run time (CLI or admin API), on top of
-- `federation.policy` and `federation.domains` in the configuration. `domain` is a host
-- name, optionally with `:port`, or a `*.example.org` pattern, always lower-case.
CREATE TABLE federation_peers (
    domain TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL, -- 'allowed' | 'blocked'
    created_at TIMESTAMP NOT NULL
);
