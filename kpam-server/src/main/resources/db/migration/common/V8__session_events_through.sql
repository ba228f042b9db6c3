-- How far a session's events are stored without a gap (issue 12): each upload extends it from
-- here instead of searching every stored event of the session for the first gap.
ALTER TABLE sessions ADD COLUMN events_through BIGINT NOT NULL DEFAULT 0;
