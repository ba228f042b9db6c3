package dev.kpam.cli.kubeconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kpam.cli.CliException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Adds and removes kpam's entries in kubeconfig files. The file is edited as a YAML tree, so fields
 * kpam does not know and the order of entries survive; it is replaced atomically (a temporary file
 * in the same directory, mode 0600 for a new file, the old mode otherwise), through a symbolic link
 * if it is one.
 *
 * <pre>{@code
 * KubeconfigChange change = Kubeconfigs.install(Kubeconfigs.defaultFile(env.variables()), entry);
 * Kubeconfigs.restore(change); // the exact old bytes, unless someone else edited it meanwhile
 * }</pre>
 */
public final class Kubeconfigs {
  private static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .disable(YAMLGenerator.Feature.SPLIT_LINES)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .build())
          .build();
  private static final Set<String> STANDARD_FIELDS =
      Set.of(
          "apiVersion", "kind", "preferences", "clusters", "users", "contexts", "current-context");
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rw-------");

  /**
   * Makes the YAML mapper and runs it once both ways, so that the first real edit does not pay for
   * it (~60 ms in a fresh JVM): for a background thread while the session is being created.
   */
  public static void warmUp() {
    try {
      YAML.readTree(YAML.writeValueAsBytes(YAML.createObjectNode().put("warm", "up")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Kubeconfigs() {}

  /**
   * The file kubectl itself would change: the first entry of {@code KUBECONFIG} (colon-separated),
   * else {@code $HOME/.kube/config}.
   */
  public static Path defaultFile(Map<String, String> variables) {
    String list = variables.get("KUBECONFIG");
    if (list != null) {
      for (String entry : list.split(java.io.File.pathSeparator)) {
        if (!entry.isBlank()) {
          return Path.of(entry).toAbsolutePath();
        }
      }
    }
    String home = variables.get("HOME");
    if (home == null || home.isBlank()) {
      throw new CliException(
          "cannot find your kubeconfig: neither KUBECONFIG nor HOME is set; use --kubeconfig-out"
              + " FILE");
    }
    return Path.of(home, ".kube", "config");
  }

  /** The {@code current-context} of {@code file}; null if the file or the field is missing. */
  public static String currentContext(Path file) {
    byte[] bytes = readIfExists(file);
    JsonNode context = bytes == null ? null : parse(file, bytes).get("current-context");
    return context == null || context.isNull() ? null : context.asText();
  }

  /**
   * Adds (or replaces) cluster, user and context {@code entry.name()} and makes it the current
   * context.
   */
  public static KubeconfigChange install(Path file, KubeconfigEntry entry) {
    byte[] original = readIfExists(file);
    ObjectNode root = original == null ? emptyConfig() : parse(file, original);
    JsonNode current = root.get("current-context");
    String previous = current == null || current.isNull() ? null : current.asText();
    put(root, "clusters", "cluster", entry.name(), cluster(entry));
    put(root, "users", "user", entry.name(), user(entry));
    put(root, "contexts", "context", entry.name(), context(entry));
    root.put("current-context", entry.name());
    byte[] written = render(root);
    write(file, written);
    return new KubeconfigChange(file, entry.name(), previous, original, written);
  }

  /**
   * Undoes {@code change}: puts the old bytes back (or deletes a file it created) if nobody else
   * changed the file since, else removes only its entries and restores the previous context if its
   * context is still the current one.
   */
  public static void restore(KubeconfigChange change) {
    byte[] current = readIfExists(change.file());
    if (current == null) {
      return;
    }
    if (change.wrote(current)) {
      byte[] original = change.original();
      if (original == null) {
        delete(change.file());
      } else {
        write(change.file(), original);
      }
      return;
    }
    remove(change.file(), change.name(), change.previousContext(), change.createdFile());
  }

  /**
   * Removes cluster, user and context {@code name} from {@code file}; if {@code name} is the
   * current context, sets {@code previousContext} (removes the field when null). Deletes the file
   * when {@code createdFile} and nothing but kpam's entries remains in it.
   */
  public static void remove(Path file, String name, String previousContext, boolean createdFile) {
    byte[] current = readIfExists(file);
    if (current == null) {
      return;
    }
    ObjectNode root = parse(file, current);
    boolean changed = removeNamed(root, "clusters", name);
    changed |= removeNamed(root, "users", name);
    changed |= removeNamed(root, "contexts", name);
    JsonNode context = root.get("current-context");
    if (context != null && name.equals(context.asText())) {
      if (previousContext == null) {
        root.remove("current-context");
      } else {
        root.put("current-context", previousContext);
      }
      changed = true;
    }
    if (createdFile && isEmpty(root)) {
      delete(file);
    } else if (changed) {
      write(file, render(root));
    }
  }

  /** Writes a kubeconfig that holds only {@code entry}, as its current context. */
  public static void writeStandalone(Path file, KubeconfigEntry entry) {
    ObjectNode root = emptyConfig();
    put(root, "clusters", "cluster", entry.name(), cluster(entry));
    put(root, "users", "user", entry.name(), user(entry));
    put(root, "contexts", "context", entry.name(), context(entry));
    root.put("current-context", entry.name());
    write(file, render(root));
  }

  private static ObjectNode emptyConfig() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("apiVersion", "v1");
    root.put("kind", "Config");
    root.putObject("preferences");
    root.putArray("clusters");
    root.putArray("users");
    root.putArray("contexts");
    return root;
  }

  private static ObjectNode cluster(KubeconfigEntry entry) {
    ObjectNode cluster = JsonNodeFactory.instance.objectNode();
    cluster.put(
        "certificate-authority-data",
        Base64.getEncoder()
            .encodeToString(entry.certificateAuthorityPem().getBytes(StandardCharsets.US_ASCII)));
    cluster.put("server", entry.server());
    return cluster;
  }

  private static ObjectNode user(KubeconfigEntry entry) {
    ObjectNode user = JsonNodeFactory.instance.objectNode();
    user.put("token", entry.token());
    return user;
  }

  private static ObjectNode context(KubeconfigEntry entry) {
    ObjectNode context = JsonNodeFactory.instance.objectNode();
    context.put("cluster", entry.name());
    context.put("user", entry.name());
    return context;
  }

  /** Replaces the item called {@code name} of list {@code field}, or appends it. */
  private static void put(
      ObjectNode root, String field, String kind, String name, ObjectNode body) {
    ObjectNode item = JsonNodeFactory.instance.objectNode();
    item.set(kind, body); // kubectl writes the body first, then the name
    item.put("name", name);
    JsonNode list = root.get(field);
    if (!(list instanceof ArrayNode array)) {
      root.putArray(field).add(item);
      return;
    }
    for (int i = 0; i < array.size(); i++) {
      if (name.equals(array.get(i).path("name").asText(null))) {
        array.set(i, item);
        return;
      }
    }
    array.add(item);
  }

  private static boolean removeNamed(ObjectNode root, String field, String name) {
    if (!(root.get(field) instanceof ArrayNode array)) {
      return false;
    }
    boolean removed = false;
    for (Iterator<JsonNode> items = array.elements(); items.hasNext(); ) {
      if (name.equals(items.next().path("name").asText(null))) {
        items.remove();
        removed = true;
      }
    }
    return removed;
  }

  /** Whether only the skeleton of a kubeconfig remains: no entries, no foreign fields. */
  private static boolean isEmpty(ObjectNode root) {
    for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      if (!STANDARD_FIELDS.contains(field.getKey())) {
        return false;
      }
      boolean blank =
          value.isNull() || (value.isContainerNode() ? value.isEmpty() : value.asText().isEmpty());
      if (!field.getKey().equals("apiVersion") && !field.getKey().equals("kind") && !blank) {
        return false;
      }
    }
    return true;
  }

  private static ObjectNode parse(Path file, byte[] bytes) {
    JsonNode tree;
    try {
      tree = YAML.readTree(bytes);
    } catch (IOException e) {
      throw new CliException("cannot read kubeconfig " + file + ": " + e.getMessage(), e);
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return emptyConfig();
    }
    if (!(tree instanceof ObjectNode root)) {
      throw new CliException("kubeconfig " + file + " is not a YAML mapping; not touching it");
    }
    return root;
  }

  private static byte[] render(ObjectNode root) {
    try {
      return YAML.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot render a kubeconfig", e);
    }
  }

  private static byte[] readIfExists(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new CliException("cannot read kubeconfig " + file + ": " + e.getMessage(), e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new CliException("cannot delete kubeconfig " + file + ": " + e.getMessage(), e);
    }
  }

  /** Replaces {@code file} (the target of a symbolic link) atomically with {@code bytes}. */
  private static void write(Path file, byte[] bytes) {
    try {
      Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file.toAbsolutePath();
      Path dir = target.getParent();
      Files.createDirectories(dir);
      boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
      Path temporary = Files.createTempFile(dir, "." + target.getFileName() + "-", ".tmp");
      try {
        if (posix) {
          Files.setPosixFilePermissions(
              temporary, Files.exists(target) ? Files.getPosixFilePermissions(target) : PRIVATE);
        }
        Files.write(temporary, bytes);
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new CliException("cannot write kubeconfig " + file + ": " + e.getMessage(), e);
    }
  }
}
