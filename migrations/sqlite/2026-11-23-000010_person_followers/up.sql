-- People on other servers who follow one of our members' profiles: they receive the
-- member's new threads in public communities.
CREATE TABLE person_followers (
    person_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    follower_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    follow_ap_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, follower_id)
);
CREATE INDEX person_followers_follow ON person_followers (follow_ap_id);
