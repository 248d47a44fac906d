-- The software each peer server runs, from its NodeInfo: group-aware servers get a
-- community's activities wrapped in Announce (FEP-1b12), microblog servers get the
-- announced threads themselves.
CREATE TABLE peer_software (
    host TEXT PRIMARY KEY NOT NULL,
    software TEXT NOT NULL,
    checked_at TIMESTAMP NOT NULL
);
