DROP TABLE person_followers;
