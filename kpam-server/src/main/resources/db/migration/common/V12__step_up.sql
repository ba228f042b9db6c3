-- Step-up (issue 14, docs/IDENTITY.md "Step-up"): when the web UI session of this token last gave
-- a second factor; admins' changes need it recent where the server asks for step-up.
ALTER TABLE api_tokens ADD COLUMN step_up_at BIGINT;
