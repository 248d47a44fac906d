DROP TABLE event_sessions;
DROP TABLE event_rsvps;
DROP TABLE events;
