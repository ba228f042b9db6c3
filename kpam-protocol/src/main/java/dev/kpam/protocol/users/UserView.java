package dev.kpam.protocol.users;

import java.time.Instant;

/** A user as the API shows it. {@code role} is {@code admin} or {@code member}. */
public record UserView(String id, String name, String role, boolean disabled, Instant createdAt) {}
