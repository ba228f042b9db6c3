package dev.kpam.protocol.policy;

/**
 * {@code POST /api/v1/resources/{resource}/accounts/{name}/what-if}: a draft policy (rules, or a
 * preset) and how far back to replay the account's recorded requests ({@code since}: {@code 7d},
 * {@code 12h}; default 7d, at most 90d).
 */
public record WhatIfRequest(KubePolicy policy, String preset, String since) {}
