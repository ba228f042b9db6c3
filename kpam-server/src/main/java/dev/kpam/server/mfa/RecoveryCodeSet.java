package dev.kpam.server.mfa;

import dev.kpam.crypto.otp.Base32;
import dev.kpam.crypto.secrets.SecretTokens;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Handle;

/**
 * A user's recovery codes: a fresh set with each factor added (the old set stops working), stored
 * as SHA-256 hashes and shown only when made.
 */
final class RecoveryCodeSet {
  static final int SIZE = 10;
  private static final SecureRandom RANDOM = new SecureRandom();

  private RecoveryCodeSet() {}

  /** Replaces the user's recovery codes in {@code h}'s transaction; answers the new codes. */
  static List<String> replace(Handle h, String userId) {
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      codes.add(code());
    }
    h.createUpdate("DELETE FROM mfa_recovery_codes WHERE user_id = :u").bind("u", userId).execute();
    var batch =
        h.prepareBatch("INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES (:u, :c)");
    for (String code : codes) {
      batch.bind("u", userId).bind("c", SecretTokens.sha256Hex(code)).add();
    }
    batch.execute();
    return List.copyOf(codes);
  }

  /** xxxx-xxxx-xxxx in lower-case base32: 60 random bits. */
  private static String code() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    String text = Base32.encode(bytes).toLowerCase(Locale.ROOT).substring(0, 12);
    return text.substring(0, 4) + "-" + text.substring(4, 8) + "-" + text.substring(8, 12);
  }
}
