DROP INDEX deliveries_order;
ALTER TABLE deliveries DROP COLUMN object_key;
