package dev.kpam.server.approvals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.protocol.GoDuration;
import dev.kpam.protocol.approvals.AccessRules;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.identity.GroupGrants;
import dev.kpam.server.notify.Notifications;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * An account's access rules as the server keeps them: always complete ({@link #DEFAULT} fills what
 * was never set), validated when changed ({@link #merge}), stored as the JSON column {@code
 * accounts.access_rules} (null for the defaults).
 *
 * <pre>{@code
 * AccessRules rules = AccountAccess.merge(AccountAccess.parse(column), request.access(), users::exists);
 * String stored = AccountAccess.column(rules);
 * }</pre>
 */
public final class AccountAccess {
  /**
   * No approval, no break-glass; a request waits a day; break-glass lasts at most 30 minutes; no
   * webhook of the account's own.
   */
  public static final AccessRules DEFAULT =
      new AccessRules(false, List.of(), 1, "24h", false, "30m", null, "json", false);

  static final int MAX_APPROVERS = 50;
  static final int MAX_APPROVALS_NEEDED = 10;
  private static final Duration MIN_DURATION = Duration.ofMinutes(1);
  private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofDays(7);
  private static final Duration MAX_BREAK_GLASS = Duration.ofHours(24);
  private static final ObjectMapper JSON = new ObjectMapper();

  private AccountAccess() {}

  /**
   * {@code current} with the non-null fields of {@code change}, validated; 400 naming the field
   * when wrong. {@code userExists} tells whether an approver's name is a user; {@code canSign}
   * whether the server has a webhook secret to sign an account's webhook with.
   */
  public static AccessRules merge(
      AccessRules current, AccessRules change, Predicate<String> userExists, boolean canSign) {
    if (change == null) {
      return current;
    }
    List<String> approvers =
        change.approvers() == null
            ? current.approvers()
            : approvers(change.approvers(), userExists);
    int needed =
        change.approvalsNeeded() == null ? current.approvalsNeeded() : change.approvalsNeeded();
    if (needed < 1 || needed > MAX_APPROVALS_NEEDED) {
      throw ApiException.invalid(
          "access.approvalsNeeded", needed, "between 1 and " + MAX_APPROVALS_NEEDED);
    }
    // A group may hold any number of people: only a list of names alone bounds the approvals.
    boolean namesOnly = approvers.stream().allMatch(a -> GroupGrants.groupOf(a) == null);
    if (!approvers.isEmpty() && namesOnly && needed > approvers.size()) {
      throw ApiException.invalid(
          "access.approvalsNeeded",
          needed,
          "at most the number of approvers (" + approvers.size() + ")");
    }
    String timeout =
        duration(
            "access.requestTimeout",
            change.requestTimeout() == null ? current.requestTimeout() : change.requestTimeout(),
            MAX_REQUEST_TIMEOUT);
    String breakGlassMax =
        duration(
            "access.breakGlassMaxDuration",
            change.breakGlassMaxDuration() == null
                ? current.breakGlassMaxDuration()
                : change.breakGlassMaxDuration(),
            MAX_BREAK_GLASS);
    String webhook =
        change.webhookUrl() == null
            ? current.webhookUrl()
            : change.webhookUrl().isBlank() ? null : webhookUrl(change.webhookUrl(), canSign);
    String format =
        change.webhookFormat() == null ? current.webhookFormat() : change.webhookFormat();
    if (!format.equals("json") && !format.equals("slack")) {
      throw ApiException.invalid("access.webhookFormat", "'" + format + "'", "json or slack");
    }
    return new AccessRules(
        change.requiresApproval() == null ? current.requiresApproval() : change.requiresApproval(),
        approvers,
        needed,
        timeout,
        change.breakGlass() == null ? current.breakGlass() : change.breakGlass(),
        breakGlassMax,
        webhook,
        format,
        change.requiresMfa() == null ? current.requiresMfa() : change.requiresMfa());
  }

  /** Never echoes the URL: its path may hold a token (Slack's incoming webhooks do). */
  private static String webhookUrl(String text, boolean canSign) {
    URI url;
    try {
      url = new URI(text.trim());
    } catch (URISyntaxException e) {
      url = null;
    }
    String scheme = url == null || url.getScheme() == null ? "" : url.getScheme();
    if (url == null
        || !(scheme.equals("https") || scheme.equals("http"))
        || url.getHost() == null) {
      throw ApiException.invalid("access.webhookUrl", "not an http(s) URL", "an http or https URL");
    }
    if (text.length() > 2048) {
      throw ApiException.invalid(
          "access.webhookUrl", text.length() + " characters", "at most 2048");
    }
    if (!canSign) {
      throw ApiException.invalid(
          "access.webhookUrl",
          "set while the server has no webhook secret",
          "a server started with --webhook-secret-file or KPAM_WEBHOOK_SECRET, which signs"
              + " every notification");
    }
    return url.toString();
  }

  /** Where the account's own notifications go, or null. */
  public static Notifications.Target webhook(AccessRules rules) {
    return rules.webhookUrl() == null
        ? null
        : new Notifications.Target(URI.create(rules.webhookUrl()), rules.webhookFormat());
  }

  /**
   * The rules as the API shows them: the webhook as scheme and host only
   * ("https://hooks.slack.com/…").
   */
  public static AccessRules shown(AccessRules rules) {
    if (rules.webhookUrl() == null) {
      return rules;
    }
    URI url = URI.create(rules.webhookUrl());
    String port = url.getPort() < 0 ? "" : ":" + url.getPort();
    return new AccessRules(
        rules.requiresApproval(),
        rules.approvers(),
        rules.approvalsNeeded(),
        rules.requestTimeout(),
        rules.breakGlass(),
        rules.breakGlassMaxDuration(),
        url.getScheme() + "://" + url.getHost() + port + "/…",
        rules.webhookFormat(),
        rules.requiresMfa());
  }

  private static List<String> approvers(List<String> names, Predicate<String> userExists) {
    if (names.size() > MAX_APPROVERS) {
      throw ApiException.invalid(
          "access.approvers", names.size() + " names", "at most " + MAX_APPROVERS);
    }
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (String name : names) {
      String trimmed = name == null ? "" : name.trim();
      if (GroupGrants.groupOf(trimmed) != null) {
        unique.add(
            GroupGrants.PREFIX + GroupGrants.checkedEntry("access.approvers", trimmed).trim());
        continue;
      }
      if (!userExists.test(trimmed)) {
        throw ApiException.invalid(
            "access.approvers",
            "'" + trimmed + "'",
            "names of existing users, or group:NAME for an identity provider group");
      }
      unique.add(trimmed);
    }
    return List.copyOf(new ArrayList<>(unique));
  }

  private static String duration(String field, String text, Duration max) {
    Duration duration;
    try {
      duration = GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(field, "'" + text + "'", "a duration such as 30m, 4h");
    }
    if (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(max) > 0) {
      throw ApiException.invalid(field, text, "between 1m and " + GoDuration.format(max));
    }
    return GoDuration.format(duration);
  }

  public static Duration requestTimeout(AccessRules rules) {
    return GoDuration.parse(rules.requestTimeout());
  }

  public static Duration breakGlassMax(AccessRules rules) {
    return GoDuration.parse(rules.breakGlassMaxDuration());
  }

  /** Who decides, for people: "carol, dave" or "an admin". */
  public static String approverText(AccessRules rules) {
    return rules.approvers().isEmpty() ? "an admin" : String.join(", ", rules.approvers());
  }

  /** One line for the audit log and lists: "approval (1 of carol, dave); break-glass ≤ 30m". */
  public static String summary(AccessRules rules) {
    List<String> parts = new ArrayList<>();
    if (rules.requiresApproval()) {
      parts.add(
          "approval ("
              + rules.approvalsNeeded()
              + " of "
              + (rules.approvers().isEmpty() ? "the admins" : String.join(", ", rules.approvers()))
              + ")");
    }
    if (rules.breakGlass()) {
      parts.add("break-glass ≤ " + rules.breakGlassMaxDuration());
    }
    if (rules.webhookUrl() != null) {
      parts.add("notifies " + URI.create(rules.webhookUrl()).getHost());
    }
    return parts.isEmpty() ? "open" : String.join("; ", parts);
  }

  /** The column's value: null for the defaults. */
  public static String column(AccessRules rules) {
    if (rules == null || rules.equals(DEFAULT)) {
      return null;
    }
    try {
      return JSON.writeValueAsString(rules);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stored rules, complete. */
  public static AccessRules parse(String column) {
    if (column == null || column.isBlank()) {
      return DEFAULT;
    }
    try {
      // Fields added later read as their defaults.
      return merge(DEFAULT, JSON.readValue(column, AccessRules.class), name -> true, true);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
