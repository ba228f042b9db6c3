package dev.kpam.protocol.accounts;

/**
 * {@code POST /api/v1/resources/{resource}/accounts/{name}/grants}: let a member use the account.
 */
public record GrantRequest(String user) {}
