ALTER TABLE community_members DROP COLUMN follow_activity_id;
DROP TABLE deliveries;
DROP TABLE received_activities;
