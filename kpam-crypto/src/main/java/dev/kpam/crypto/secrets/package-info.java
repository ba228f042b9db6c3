/**
 * Envelope encryption of secrets at rest and opaque bearer tokens. Secrets are sealed with
 * AES-256-GCM under {@link dev.kpam.crypto.secrets.DataKey data keys}; data keys are stored wrapped
 * by the {@link dev.kpam.crypto.secrets.RootKey root key}, which lives outside the database.
 */
package dev.kpam.crypto.secrets;
