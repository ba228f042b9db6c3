package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.protocol.ApiError;
import dev.kpam.protocol.ItemList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document served at {@code /api/v1/openapi.json} is valid JSON, describes exactly the
 * routes the server registers, resolves every reference and has a schema for every protocol record.
 */
class OpenApiTest {
  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static TestServer server;
  private static JsonNode document;

  @BeforeAll
  static void fetchTheDocument() throws IOException {
    server = TestServer.start(Backend.SQLITE);
    Api.Response response = server.anonymous.get("/api/v1/openapi.json").expect(200);
    document = new ObjectMapper().readTree(response.body());
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theServedDocumentIsValidJsonOpenApi303() {
    Api.Response response = server.anonymous.get("/api/v1/openapi.json");

    assertThat(response.status()).isEqualTo(200);
    JsonNode parsed = response.json();
    assertThat(parsed.isObject()).isTrue();
    assertThat(parsed.path("openapi").asText()).isEqualTo("3.0.3");
    assertThat(parsed.path("info").path("title").asText()).isEqualTo("kpam API");
    assertThat(parsed.path("info").path("version").asText()).isEqualTo("1");
    assertThat(parsed.path("paths").isObject()).isTrue();
  }

  @Test
  void everyRouteTheServerServesIsDocumented() {
    List<String> routes = server.server.routes();
    Set<String> documented = documentedOperations();

    assertThat(routes).as("routes the server registers").isNotEmpty();
    List<String> undocumented = routes.stream().filter(r -> !documented.contains(r)).toList();
    List<String> phantom = documented.stream().filter(op -> !routes.contains(op)).toList();
    assertSoftly(
        softly -> {
          softly.assertThat(undocumented).as("routes missing from kpam-v1.json").isEmpty();
          softly
              .assertThat(phantom)
              .as("documented operations that are no route of the server")
              .isEmpty();
        });
  }

  @Test
  void everyReferencedSchemaExists() {
    List<String> refs = new ArrayList<>();
    collectRefs(document, refs);

    assertThat(refs).isNotEmpty();
    assertThat(refs).as("only local component references").allMatch(r -> r.startsWith("#/"));
    List<String> dangling =
        refs.stream()
            .filter(
                r -> !r.startsWith("#/components/") || document.at(r.substring(1)).isMissingNode())
            .distinct()
            .toList();
    assertThat(dangling).as("references that do not resolve").isEmpty();
  }

  @Test
  void everyOperationHasAnIdASummaryATagSecurityAndASuccessResponse() {
    Set<String> tags = new HashSet<>();
    document.path("tags").forEach(tag -> tags.add(tag.path("name").asText()));
    Set<String> operationIds = new HashSet<>();

    operations()
        .forEach(
            (name, operation) -> {
              String id = operation.path("operationId").asText();
              assertThat(id).as("operationId of %s", name).isNotBlank();
              assertThat(operationIds.add(id)).as("operationId %s is unique", id).isTrue();
              assertThat(operation.path("summary").asText()).as("summary of %s", name).isNotBlank();
              assertThat(operation.path("tags")).as("tags of %s", name).hasSize(1);
              assertThat(tags)
                  .as("tag of %s", name)
                  .contains(operation.path("tags").get(0).asText());
              assertThat(operation.path("security").isArray()).as("security of %s", name).isTrue();
              List<String> statuses = new ArrayList<>();
              operation.path("responses").fieldNames().forEachRemaining(statuses::add);
              assertThat(statuses)
                  .as("responses of %s", name)
                  .anyMatch(status -> status.startsWith("2"));
            });
  }

  @Test
  void everyProtocolRecordHasASchemaWithExactlyItsFieldsAndTypes() {
    JsonNode schemas = document.path("components").path("schemas");
    List<Class<?>> records = protocolRecords();

    assertThat(records).as("records found in kpam-protocol").contains(ApiError.class);
    List<String> problems = new ArrayList<>();
    for (Class<?> record : records) {
      String name = record.getSimpleName();
      JsonNode properties = schemas.path(name).path("properties");
      if (!properties.isObject()) {
        problems.add(name + ": no schema with properties");
        continue;
      }
      Set<String> components = new TreeSet<>();
      for (RecordComponent component : record.getRecordComponents()) {
        components.add(component.getName());
        String expected = jsonType(component.getGenericType());
        JsonNode property = properties.path(component.getName());
        String actual = property.isMissingNode() ? "missing" : jsonType(property);
        if (!expected.equals(actual)) {
          problems.add(name + "." + component.getName() + ": " + actual + ", expected " + expected);
        }
      }
      properties
          .fieldNames()
          .forEachRemaining(
              property -> {
                if (!components.contains(property)) {
                  problems.add(name + "." + property + ": no such record component");
                }
              });
    }
    assertThat(problems).as("schemas that differ from their record").isEmpty();
  }

  /** Every documented operation as "METHOD /path", like {@link KpamServer#routes()}. */
  private static Set<String> documentedOperations() {
    return new TreeSet<>(operations().keySet());
  }

  private static Map<String, JsonNode> operations() {
    Map<String, JsonNode> operations = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> entry : path.getValue().properties()) {
        if (HTTP_METHODS.contains(entry.getKey())) {
          operations.put(
              entry.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), entry.getValue());
        }
      }
    }
    return operations;
  }

  private static void collectRefs(JsonNode node, Collection<String> refs) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (field.getKey().equals("$ref")) {
          refs.add(field.getValue().asText());
        } else {
          collectRefs(field.getValue(), refs);
        }
      }
    } else if (node.isArray()) {
      node.forEach(element -> collectRefs(element, refs));
    }
  }

  /** A schema's JSON type, following a $ref (or a single allOf) to the schema it names. */
  private static String jsonType(JsonNode property) {
    if (property.has("allOf") && property.path("allOf").size() == 1) {
      return jsonType(property.path("allOf").get(0));
    }
    if (property.has("$ref")) {
      String ref = property.path("$ref").asText();
      return "ref:" + ref.substring(ref.lastIndexOf('/') + 1);
    }
    String type = property.path("type").asText();
    if (type.equals("array")) {
      return "array of " + jsonType(property.path("items"));
    }
    if (type.equals("string") && property.path("format").asText().equals("date-time")) {
      return "date-time";
    }
    return type;
  }

  /** The JSON type Jackson gives a record component of this Java type. */
  private static String jsonType(Type type) {
    if (type instanceof ParameterizedType generic
        && generic.getRawType() instanceof Class<?> raw
        && List.class.isAssignableFrom(raw)) {
      return "array of " + jsonType(generic.getActualTypeArguments()[0]);
    }
    if (!(type instanceof Class<?> cls)) {
      return "unknown " + type;
    }
    if (cls == String.class) return "string";
    if (cls == Instant.class) return "date-time";
    if (cls == boolean.class || cls == Boolean.class) return "boolean";
    if (cls == int.class || cls == Integer.class || cls == long.class || cls == Long.class) {
      return "integer";
    }
    if (cls == Object.class) return "object";
    if (cls.isRecord()) return "ref:" + cls.getSimpleName();
    return "unknown " + cls.getName();
  }

  /** Every record of kpam-protocol except the generic {@link ItemList} (named lists instead). */
  private static List<Class<?>> protocolRecords() {
    List<String> classNames;
    try {
      Path location =
          Path.of(ApiError.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(location)) {
        try (Stream<Path> files = Files.walk(location)) {
          classNames =
              files
                  .map(file -> location.relativize(file).toString().replace('\\', '/'))
                  .filter(name -> name.endsWith(".class"))
                  .toList();
        }
      } else {
        try (JarFile jar = new JarFile(location.toFile())) {
          classNames =
              jar.stream()
                  .map(entry -> entry.getName())
                  .filter(name -> name.endsWith(".class"))
                  .toList();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<Class<?>> records = new ArrayList<>();
    for (String name : classNames) {
      if (!name.startsWith("dev/kpam/protocol/") || name.contains("$")) {
        continue;
      }
      String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
      try {
        Class<?> cls = Class.forName(className);
        if (cls.isRecord() && cls != ItemList.class) {
          records.add(cls);
        }
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    return records;
  }
}
