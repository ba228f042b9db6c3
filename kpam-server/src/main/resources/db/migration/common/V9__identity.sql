-- Single sign-on (issue 14, docs/IDENTITY.md). A user signed in through the identity provider is
-- linked to it by issuer and subject (never by name: a name claim can be changed at the IdP);
-- local users have neither. password_hash of an SSO user is a marker that never verifies.
ALTER TABLE users ADD COLUMN idp_issuer VARCHAR(512);
ALTER TABLE users ADD COLUMN idp_subject VARCHAR(255);
ALTER TABLE users ADD COLUMN display_name VARCHAR(255);
ALTER TABLE users ADD COLUMN email VARCHAR(320);
ALTER TABLE users ADD COLUMN signed_in_at BIGINT;
CREATE UNIQUE INDEX users_idp ON users(idp_issuer, idp_subject);

-- The IdP groups a user had at their last sign-in.
CREATE TABLE user_groups (
  user_id    VARCHAR(64) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  group_name VARCHAR(255) NOT NULL,
  PRIMARY KEY (user_id, group_name)
);
CREATE INDEX user_groups_group ON user_groups(group_name);

-- A grant to everyone in an IdP group.
CREATE TABLE account_group_grants (
  account_id VARCHAR(64) NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  group_name VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, group_name)
);

-- A sign-in under way at the identity provider, found by the hash of its OAuth state (one use).
-- kind 'ui': the browser that started it holds a cookie whose hash is browser_hash. kind 'cli':
-- the browser ends at the CLI's loopback client_redirect, with a hand-off code that only the
-- holder of client_challenge's verifier can redeem (RFC 7636, as RFC 8252 has native apps do).
CREATE TABLE sso_logins (
  state_hash       VARCHAR(64) PRIMARY KEY,
  kind             VARCHAR(8) NOT NULL,
  nonce            VARCHAR(128) NOT NULL,
  code_verifier    VARCHAR(128) NOT NULL,
  browser_hash     VARCHAR(64),
  client_redirect  VARCHAR(512),
  client_challenge VARCHAR(128),
  created_at       BIGINT NOT NULL,
  expires_at       BIGINT NOT NULL
);

-- The CLI's side of a finished sign-in: its loopback got code; it redeems it once, with the PKCE
-- verifier of client_challenge, for a kpam token.
CREATE TABLE sso_handoffs (
  code_hash        VARCHAR(64) PRIMARY KEY,
  user_id          VARCHAR(64) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  client_challenge VARCHAR(128) NOT NULL,
  expires_at       BIGINT NOT NULL
);
