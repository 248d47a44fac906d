DROP TABLE instance_bans;
