package dev.kpam.protocol.accounts;

import dev.kpam.protocol.approvals.AccessRules;
import dev.kpam.protocol.policy.KubePolicy;
import java.time.Instant;
import java.util.List;

/**
 * An account (a stored service-account token of a resource) as the API shows it: never the token,
 * only whether one is stored. {@code grants} lists the members who may use it (admins always may);
 * it is empty for members. {@code policy} is null when sessions may do all the service account may.
 * {@code access} says whether sessions need approval or may break glass, with every field set.
 */
public record AccountView(
    String id,
    String resource,
    String name,
    String description,
    String maxSessionDuration,
    boolean tokenStored,
    boolean recordStdin,
    String recordingFailurePolicy,
    KubePolicy policy,
    AccessRules access,
    List<String> grants,
    Instant createdAt,
    Instant updatedAt) {}
