-- Notifications to the server's webhook (issue 11, docs/API.md "Notifications"): an outbox row is
-- written in the transaction of what it tells (a session terminated, ...), so that nothing is sent
-- for a change that rolled back and nothing is lost for one that committed; the delivery loop
-- sends due rows, retries with backoff, and marks them delivered or given up.
CREATE TABLE notifications (
  id              ${auto_id},
  event_type      VARCHAR(64) NOT NULL,
  payload         TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  delivered_at    BIGINT,
  given_up_at     BIGINT,
  last_error      VARCHAR(1000)
);
CREATE INDEX notifications_due ON notifications(delivered_at, given_up_at, next_attempt_at);
