-- An Update carries its object's whole state, so a newer one makes an unsent older one
-- about the same object to the same inbox pointless: such deliveries are marked, and a
-- newer Update takes the place of the last one still waiting (services::federation).
ALTER TABLE deliveries ADD COLUMN replaceable BOOLEAN NOT NULL DEFAULT FALSE;
