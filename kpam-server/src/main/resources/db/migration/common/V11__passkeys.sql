-- Passkeys and security keys (WebAuthn, issue 14, docs/IDENTITY.md "MFA"). A credential belongs to
-- a factor of kind 'webauthn'; its public key is no secret, so it is not sealed. signature_count is
-- the authenticator's counter, checked by the relying party so that a cloned key shows.
CREATE TABLE mfa_webauthn_credentials (
  factor_id       VARCHAR(64) PRIMARY KEY REFERENCES mfa_factors(id) ON DELETE CASCADE,
  credential_id   VARCHAR(1400) NOT NULL UNIQUE,
  public_key_cose ${bytes} NOT NULL,
  signature_count BIGINT NOT NULL
);

-- A WebAuthn ceremony in flight: a registration from the web UI, or the confirmation a session
-- asks for (kpam k8s access opens the browser on it). Known by the SHA-256 of its id, which only
-- the person's browser and CLI hold; request_json is the relying party's challenge. A session
-- confirmation goes pending -> verified (in the browser) -> used (by the session that opened).
CREATE TABLE mfa_ceremonies (
  id_hash      VARCHAR(64) PRIMARY KEY,
  user_id      VARCHAR(64) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind         VARCHAR(16) NOT NULL,
  request_json TEXT NOT NULL,
  status       VARCHAR(16) NOT NULL,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL
);
CREATE INDEX mfa_ceremonies_expiry ON mfa_ceremonies(expires_at);
