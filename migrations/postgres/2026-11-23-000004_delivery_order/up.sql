-- Deliveries about the same object to the same inbox go out in order; others in parallel.
ALTER TABLE deliveries ADD COLUMN object_key TEXT;
CREATE INDEX deliveries_order ON deliveries (inbox_url, object_key, id);
