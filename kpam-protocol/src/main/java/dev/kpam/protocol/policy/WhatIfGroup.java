package dev.kpam.protocol.policy;

/**
 * The replayed requests of one user's one command ({@code kubectl delete}, from the header kubectl
 * sends; {@code -} without one): how many there were, how many the draft would deny, and the line a
 * denied one would have printed.
 */
public record WhatIfGroup(
    String user, String command, long requests, long denied, String example) {}
