-- Events of one session recorded by several gateway instances (a pool, issue 15): each instance
-- numbers its events 1, 2, 3 ... (source_seq) in a space of its own (source, the instance_id of its
-- credential, V16). The server stores them in arrival order under seq, its own gap-free numbering
-- of the session's events, which readers page by. Retried uploads are recognised by (source,
-- source_seq). session_event_sources keeps, per source, how far its events are stored without a
-- gap (what an upload acknowledges); sessions.events_through is from now on the last seq given.
ALTER TABLE session_events ADD COLUMN source VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE session_events ADD COLUMN source_seq BIGINT;
UPDATE session_events SET source_seq = seq;
CREATE UNIQUE INDEX session_events_source ON session_events (session_id, source, source_seq);

CREATE TABLE session_event_sources (
  session_id     VARCHAR(64) NOT NULL,
  source         VARCHAR(64) NOT NULL,
  events_through BIGINT NOT NULL,
  PRIMARY KEY (session_id, source)
);
INSERT INTO session_event_sources (session_id, source, events_through)
  SELECT id, '', events_through FROM sessions WHERE events_through > 0;
UPDATE sessions SET events_through =
  COALESCE((SELECT MAX(seq) FROM session_events WHERE session_id = sessions.id), 0);
