-- kpam schema v1, for SQLite and PostgreSQL alike: auto_id and bytes placeholders name the
-- two types the dialects spell differently (see Database.Kind). Times are UTC instants stored
-- as epoch milliseconds (BIGINT) so that both databases read them the same way.

CREATE TABLE users (
  id            VARCHAR(64) PRIMARY KEY,
  name          VARCHAR(63) NOT NULL UNIQUE,
  role          VARCHAR(16) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  disabled      BOOLEAN NOT NULL DEFAULT FALSE,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);

CREATE TABLE api_tokens (
  id           VARCHAR(64) PRIMARY KEY,
  user_id      VARCHAR(64) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         VARCHAR(100) NOT NULL,
  kind         VARCHAR(16) NOT NULL,
  token_hash   VARCHAR(64) NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at   BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE login_failures (
  id             ${auto_id},
  username       VARCHAR(255) NOT NULL,
  source_address VARCHAR(64) NOT NULL,
  failed_at      BIGINT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, failed_at);

CREATE TABLE data_keys (
  id         VARCHAR(64) PRIMARY KEY,
  wrapped    ${bytes} NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE certificate_authorities (
  id            VARCHAR(64) PRIMARY KEY,
  certificate   TEXT NOT NULL,
  key_data_key  VARCHAR(64) NOT NULL REFERENCES data_keys(id),
  key_sealed    ${bytes} NOT NULL,
  created_at    BIGINT NOT NULL
);

CREATE TABLE gateways (
  id                     VARCHAR(64) PRIMARY KEY,
  name                   VARCHAR(63) NOT NULL UNIQUE,
  credential_hash        VARCHAR(64) UNIQUE,
  version                VARCHAR(64),
  relays                 TEXT,
  created_at             BIGINT NOT NULL,
  enrolled_at            BIGINT,
  last_heartbeat_at      BIGINT,
  certificate_expires_at BIGINT
);

CREATE TABLE enrollment_tokens (
  id         VARCHAR(64) PRIMARY KEY,
  gateway_id VARCHAR(64) NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,
  token_hash VARCHAR(64) NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT
);

CREATE TABLE resources (
  id                       VARCHAR(64) PRIMARY KEY,
  name                     VARCHAR(63) NOT NULL UNIQUE,
  type                     VARCHAR(32) NOT NULL,
  url                      VARCHAR(2048) NOT NULL,
  gateway_id               VARCHAR(64) NOT NULL REFERENCES gateways(id),
  ca_cert                  TEXT,
  server_name              VARCHAR(255),
  insecure_skip_tls_verify BOOLEAN NOT NULL DEFAULT FALSE,
  created_at               BIGINT NOT NULL,
  updated_at               BIGINT NOT NULL
);

CREATE TABLE accounts (
  id                       VARCHAR(64) PRIMARY KEY,
  resource_id              VARCHAR(64) NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  name                     VARCHAR(63) NOT NULL,
  description              VARCHAR(1000),
  token_data_key           VARCHAR(64) NOT NULL REFERENCES data_keys(id),
  token_sealed             ${bytes} NOT NULL,
  max_session_seconds      BIGINT NOT NULL,
  record_stdin             BOOLEAN NOT NULL DEFAULT FALSE,
  recording_failure_policy VARCHAR(16) NOT NULL,
  created_at               BIGINT NOT NULL,
  updated_at               BIGINT NOT NULL,
  UNIQUE (resource_id, name)
);

CREATE TABLE account_grants (
  account_id VARCHAR(64) NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id    VARCHAR(64) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, user_id)
);

-- Sessions keep the names they were opened with, so history reads the same after a
-- resource, account or gateway is renamed or deleted.
CREATE TABLE sessions (
  id             VARCHAR(64) PRIMARY KEY,
  user_id        VARCHAR(64) NOT NULL,
  user_name      VARCHAR(63) NOT NULL,
  resource_id    VARCHAR(64) NOT NULL,
  resource_name  VARCHAR(63) NOT NULL,
  account_id     VARCHAR(64) NOT NULL,
  account_name   VARCHAR(63) NOT NULL,
  gateway_id     VARCHAR(64) NOT NULL,
  gateway_name   VARCHAR(63) NOT NULL,
  reason         VARCHAR(1000),
  status         VARCHAR(16) NOT NULL,
  created_at     BIGINT NOT NULL,
  first_seen_at  BIGINT,
  expires_at     BIGINT NOT NULL,
  ended_at       BIGINT,
  end_reason     VARCHAR(1000),
  ended_by       VARCHAR(63),
  client_address VARCHAR(64),
  client_agent   VARCHAR(255)
);
CREATE INDEX sessions_status_expiry ON sessions(status, expires_at);
CREATE INDEX sessions_created ON sessions(created_at);

CREATE TABLE session_events (
  session_id VARCHAR(64) NOT NULL,
  seq        BIGINT NOT NULL,
  event_time BIGINT NOT NULL,
  type       VARCHAR(64) NOT NULL,
  data       TEXT NOT NULL,
  PRIMARY KEY (session_id, seq)
);

CREATE TABLE gateway_events (
  id         ${auto_id},
  gateway_id VARCHAR(64) NOT NULL,
  type       VARCHAR(64) NOT NULL,
  session_id VARCHAR(64),
  resource   VARCHAR(63),
  reason     VARCHAR(1000),
  event_time BIGINT NOT NULL
);
CREATE INDEX gateway_events_gateway ON gateway_events(gateway_id, id);

CREATE TABLE audit_events (
  id             ${auto_id},
  event_time     BIGINT NOT NULL,
  actor          VARCHAR(255) NOT NULL,
  action         VARCHAR(64) NOT NULL,
  target         VARCHAR(255),
  source_address VARCHAR(64),
  details        TEXT
);
CREATE INDEX audit_events_time ON audit_events(event_time);
