DROP TABLE peer_health;
