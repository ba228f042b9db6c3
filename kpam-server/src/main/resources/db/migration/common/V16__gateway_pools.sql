-- Gateway pools (issue 15, docs/OPERATIONS.md §1): every kpam gateway process enrolled under a
-- gateway's name keeps a credential of its own, so that enrolling a second instance does not log
-- the first one out. instance_id names the instance's own numbering of the events it records
-- (session_events.source, V17); the credential enrolled before pools keeps '' as it had.
-- last_heartbeat_at per instance says how many of a pool are online.
-- gateways.credential_hash is no longer read or written; its credentials move here. Deleting the
-- gateway deletes them.
CREATE TABLE gateway_credentials (
  credential_hash VARCHAR(64) PRIMARY KEY,
  gateway_id      VARCHAR(64) NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,
  instance_id     VARCHAR(64) NOT NULL,
  enrolled_at     BIGINT NOT NULL,
  version         VARCHAR(64),
  last_heartbeat_at BIGINT
);
CREATE INDEX gateway_credentials_gateway ON gateway_credentials (gateway_id);
INSERT INTO gateway_credentials
  (credential_hash, gateway_id, instance_id, enrolled_at, version, last_heartbeat_at)
  SELECT credential_hash, id, '', COALESCE(enrolled_at, created_at), version, last_heartbeat_at
  FROM gateways WHERE credential_hash IS NOT NULL;
UPDATE gateways SET credential_hash = NULL;
