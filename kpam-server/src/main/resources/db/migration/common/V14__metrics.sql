-- Metrics (issue 15, docs/OPERATIONS.md): sign-in failures are counted from the audit log by
-- action at every scrape; without this index each count would read the whole log.
CREATE INDEX audit_events_action ON audit_events(action);
