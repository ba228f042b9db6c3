package dev.kpam.protocol.policy;

/** Shell-style globs of policy rules: {@code *} is any run of characters, {@code ?} one. */
final class Glob {
  private Glob() {}

  static boolean matches(String glob, String value) {
    return matches(glob, 0, value, 0);
  }

  private static boolean matches(String glob, int g, String value, int v) {
    // Iterative with one backtrack point: the last star seen.
    int star = -1;
    int afterStar = 0;
    while (v < value.length()) {
      if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == value.charAt(v))) {
        g++;
        v++;
      } else if (g < glob.length() && glob.charAt(g) == '*') {
        star = g++;
        afterStar = v;
      } else if (star >= 0) {
        g = star + 1;
        v = ++afterStar;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }
}
