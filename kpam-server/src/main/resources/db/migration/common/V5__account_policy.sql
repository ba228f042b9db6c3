-- Kubernetes policy of an account (issue 11, docs/API.md "Policies"): the KubePolicy document as
-- JSON ({"preset": ..., "rules": [...]}), NULL when sessions may do all the service account may.
ALTER TABLE accounts ADD COLUMN kube_policy TEXT;
