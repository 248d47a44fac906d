ALTER TABLE deliveries DROP COLUMN replaceable;
