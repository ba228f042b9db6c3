-- The refresh token of an SSO user's last sign-in (issue 14, docs/IDENTITY.md "Groups"), sealed
-- like an account's token: with it kpam reads the user's groups and role again while they can act,
-- and a provider that refuses it ends what the user could do. checked_at is when it was last used;
-- a replica takes a due row by moving checked_at on with a conditional update.
CREATE TABLE sso_refresh_tokens (
  user_id    VARCHAR(64) PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  key_id     VARCHAR(64) NOT NULL REFERENCES data_keys(id),
  sealed     ${bytes} NOT NULL,
  checked_at BIGINT NOT NULL
);
CREATE INDEX sso_refresh_tokens_due ON sso_refresh_tokens(checked_at);
