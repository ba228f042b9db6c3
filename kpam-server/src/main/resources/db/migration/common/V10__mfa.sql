-- Second factors (issue 14, docs/IDENTITY.md "MFA"). A TOTP factor's secret is sealed like an
-- account's token (data key + AES-GCM under the root key); last_step is the last 30-second step a
-- code was accepted for, so that a code works once. A factor is usable once confirmed with a code.
CREATE TABLE mfa_factors (
  id            VARCHAR(64) PRIMARY KEY,
  user_id       VARCHAR(64) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind          VARCHAR(16) NOT NULL,
  name          VARCHAR(100) NOT NULL,
  confirmed     BOOLEAN NOT NULL DEFAULT FALSE,
  secret_key_id VARCHAR(64) REFERENCES data_keys(id),
  secret_sealed ${bytes},
  last_step     BIGINT NOT NULL DEFAULT 0,
  created_at    BIGINT NOT NULL,
  last_used_at  BIGINT
);
CREATE INDEX mfa_factors_user ON mfa_factors(user_id);

-- Recovery codes, stored as SHA-256 hashes; each works once.
CREATE TABLE mfa_recovery_codes (
  user_id   VARCHAR(64) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash VARCHAR(64) NOT NULL,
  used_at   BIGINT,
  PRIMARY KEY (user_id, code_hash)
);

-- Which second factor opened a session (totp, recovery), NULL when none was asked.
ALTER TABLE sessions ADD COLUMN mfa VARCHAR(16);
