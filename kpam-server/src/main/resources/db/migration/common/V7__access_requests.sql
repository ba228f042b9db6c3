-- Access requests and break-glass (issue 11, docs/API.md "Access requests"). The account's rules
-- (requires approval, approvers, how many, break-glass) are one JSON column like its policy; NULL
-- means the defaults (no approval, no break-glass).
ALTER TABLE accounts ADD COLUMN access_rules TEXT;

-- A session remembers the approved request it was opened under, so that revoking the request
-- ends it, and whether it broke the glass.
ALTER TABLE sessions ADD COLUMN request_id VARCHAR(64);
ALTER TABLE sessions ADD COLUMN break_glass BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX sessions_request ON sessions(request_id);

-- Requests keep the names they were made with, like sessions, so history reads the same after
-- the account is deleted.
CREATE TABLE access_requests (
  id               VARCHAR(64) PRIMARY KEY,
  user_id          VARCHAR(64) NOT NULL,
  user_name        VARCHAR(63) NOT NULL,
  account_id       VARCHAR(64) NOT NULL,
  resource_name    VARCHAR(63) NOT NULL,
  account_name     VARCHAR(63) NOT NULL,
  duration_seconds BIGINT NOT NULL,
  reason           VARCHAR(1000) NOT NULL,
  status           VARCHAR(16) NOT NULL,
  created_at       BIGINT NOT NULL,
  pending_until    BIGINT NOT NULL,
  approved_at      BIGINT,
  access_until     BIGINT,
  decided_at       BIGINT,
  decided_by       VARCHAR(63),
  decision_comment VARCHAR(1000)
);
CREATE INDEX access_requests_status ON access_requests(status, created_at);
CREATE INDEX access_requests_user ON access_requests(user_id, account_id);

CREATE TABLE access_reviews (
  request_id VARCHAR(64) NOT NULL REFERENCES access_requests(id) ON DELETE CASCADE,
  reviewer   VARCHAR(63) NOT NULL,
  decision   VARCHAR(16) NOT NULL,
  comment    VARCHAR(1000),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (request_id, reviewer)
);

-- An account may have a webhook of its own: its notifications get a row of their own, addressed to
-- it (NULL: the server's webhook).
ALTER TABLE notifications ADD COLUMN target_url VARCHAR(2048);
ALTER TABLE notifications ADD COLUMN target_format VARCHAR(16);
