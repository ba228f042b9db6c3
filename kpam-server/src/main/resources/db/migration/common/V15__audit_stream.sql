-- Audit streaming to a SIEM (issue 15, docs/OPERATIONS.md §3): per sink (http, syslog) the id of the
-- last audit event delivered, so that a restart neither skips nor repeats; lease_until says which
-- replica delivers now (a conditional update takes it), so that replicas do not send each event twice.
CREATE TABLE audit_stream_cursors (
  sink        VARCHAR(16) PRIMARY KEY,
  last_id     BIGINT NOT NULL,
  lease_owner VARCHAR(64),
  lease_until BIGINT NOT NULL
);
