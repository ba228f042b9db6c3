-- Reading recorded sessions (docs/RECORDING.md §5) without JSON functions, which SQLite and
-- PostgreSQL spell differently: the fields the reading side filters, sums and groups by are copied
-- out of `data` into columns when an event is stored. `data` stays the full event.
--   request:   verb, resource, namespace, request_status, bytes_in, bytes_out, kubectl_session
--   stream:    namespace, recording_id, bytes_in/bytes_out (bytesFromClient/bytesFromServer),
--              flag 'binary'
--   recording: recording_id, chunk_index, chunk_bytes (size of its lines in the cast),
--              flag 'truncated' or 'binary' when the chunk holds that marker
--   session:   flag = what (terminated, expired, recording_incomplete)
-- One column per statement: SQLite's ALTER TABLE adds one at a time.

ALTER TABLE session_events ADD COLUMN verb VARCHAR(32);
ALTER TABLE session_events ADD COLUMN resource VARCHAR(255);
ALTER TABLE session_events ADD COLUMN namespace VARCHAR(255);
ALTER TABLE session_events ADD COLUMN request_status INTEGER;
ALTER TABLE session_events ADD COLUMN bytes_in BIGINT;
ALTER TABLE session_events ADD COLUMN bytes_out BIGINT;
ALTER TABLE session_events ADD COLUMN kubectl_session VARCHAR(255);
ALTER TABLE session_events ADD COLUMN recording_id VARCHAR(64);
ALTER TABLE session_events ADD COLUMN chunk_index INTEGER;
ALTER TABLE session_events ADD COLUMN chunk_bytes BIGINT;
ALTER TABLE session_events ADD COLUMN flag VARCHAR(64);

CREATE INDEX session_events_recording ON session_events (session_id, recording_id, chunk_index);
