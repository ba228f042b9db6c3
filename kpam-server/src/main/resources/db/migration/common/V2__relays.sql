-- Standalone relays (kpam relay): registered by an admin, enrolled with a one-time token like
-- gateways, then calling the relay API with a credential stored only as its SHA-256 hash.
-- Same conventions as V1 (epoch milliseconds, no dialect-specific types needed here).

CREATE TABLE relays (
  id                     VARCHAR(64) PRIMARY KEY,
  name                   VARCHAR(63) NOT NULL UNIQUE,
  credential_hash        VARCHAR(64) UNIQUE,
  addresses              TEXT,
  created_at             BIGINT NOT NULL,
  enrolled_at            BIGINT,
  certificate_expires_at BIGINT
);

CREATE TABLE relay_enrollment_tokens (
  id         VARCHAR(64) PRIMARY KEY,
  relay_id   VARCHAR(64) NOT NULL REFERENCES relays(id) ON DELETE CASCADE,
  token_hash VARCHAR(64) NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT
);
