-- Login throttling (docs/DESIGN.md §8): one counter row per (user name, source address) and one
-- per source address, replacing the append-only login_failures log. A counter is changed only by
-- a compare-and-set UPDATE (WHERE failures = :seen AND last_failure_at = :seen_at), so parallel
-- guesses on any number of server replicas cannot pass the limit. scope is 'name' or
-- 'address'; an address row has username ''.

CREATE TABLE login_throttle (
  scope           VARCHAR(8) NOT NULL,
  source_address  VARCHAR(64) NOT NULL,
  username        VARCHAR(255) NOT NULL,
  failures        INTEGER NOT NULL,
  last_failure_at BIGINT NOT NULL,
  blocked_until   BIGINT NOT NULL,
  PRIMARY KEY (scope, source_address, username)
);
CREATE INDEX login_throttle_last_failure ON login_throttle(last_failure_at);

DROP TABLE login_failures;
