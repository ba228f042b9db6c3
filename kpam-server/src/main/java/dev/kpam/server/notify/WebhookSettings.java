package dev.kpam.server.notify;

import java.net.URI;
import java.util.Arrays;

/**
 * Where the server sends its notifications: an HTTP(S) endpoint, the secret that signs each body
 * ({@code X-Kpam-Signature: sha256=<hex HMAC-SHA256>}), and the payload format ({@code json}: the
 * event as kpam writes it; {@code slack}: {@code {"text": ...}} for a Slack-compatible incoming
 * webhook). {@link #NONE}: no webhook. A secret without a URL signs only the webhooks of accounts.
 */
public record WebhookSettings(URI url, byte[] secret, String format) {
  public static final WebhookSettings NONE = new WebhookSettings(null, null, "json");

  public WebhookSettings {
    format = format == null ? "json" : format;
    if (!format.equals("json") && !format.equals("slack")) {
      throw new IllegalArgumentException(
          "webhook-format: '" + format + "' (expected: json or slack)");
    }
    if (url != null) {
      String scheme = url.getScheme() == null ? "" : url.getScheme();
      if (!(scheme.equals("https") || scheme.equals("http")) || url.getHost() == null) {
        throw new IllegalArgumentException(
            "webhook-url: '" + url + "' (expected: an http or https URL)");
      }
    }
    if ((url != null && secret == null) || (secret != null && secret.length < 16)) {
      throw new IllegalArgumentException(
          "webhook-secret: missing or shorter than 16 bytes (expected: a file or"
              + " KPAM_WEBHOOK_SECRET with at least 16 bytes; it signs every notification)");
    }
    secret = secret == null ? null : secret.clone();
  }

  /** Whether the server has a webhook of its own. */
  public boolean enabled() {
    return url != null;
  }

  /** Whether notifications can be signed: accounts' webhooks need it. */
  public boolean signs() {
    return secret != null;
  }

  @Override
  public byte[] secret() {
    return secret == null ? null : secret.clone();
  }

  @Override
  public String toString() {
    return "WebhookSettings[url=" + url + ", secret=<redacted>, format=" + format + "]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WebhookSettings w
        && java.util.Objects.equals(url, w.url)
        && Arrays.equals(secret, w.secret)
        && format.equals(w.format);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(url, Arrays.hashCode(secret), format);
  }
}
