-- ActivityPub actors: signing keys for local actors, endpoints of remote ones.
ALTER TABLE persons ADD COLUMN public_key TEXT;
ALTER TABLE persons ADD COLUMN private_key TEXT;
ALTER TABLE persons ADD COLUMN inbox_url TEXT;
ALTER TABLE persons ADD COLUMN shared_inbox_url TEXT;
ALTER TABLE persons ADD COLUMN last_refreshed_at TIMESTAMP;
ALTER TABLE communities ADD COLUMN public_key TEXT;
ALTER TABLE communities ADD COLUMN private_key TEXT;
ALTER TABLE communities ADD COLUMN inbox_url TEXT;
ALTER TABLE communities ADD COLUMN shared_inbox_url TEXT;
ALTER TABLE communities ADD COLUMN last_refreshed_at TIMESTAMP;
