package dev.kpam.server.auth;

import dev.kpam.server.http.ApiException;
import java.util.Locale;

/** What a user may do: admins everything, members only what they were granted. */
public enum Role {
  ADMIN,
  MEMBER;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String field, String text) {
    if ("admin".equals(text)) return ADMIN;
    if ("member".equals(text)) return MEMBER;
    throw ApiException.invalid(field, text, "admin or member");
  }
}
