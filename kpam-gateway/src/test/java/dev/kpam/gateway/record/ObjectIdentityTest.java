package dev.kpam.gateway.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ObjectIdentityTest {
  private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

  @Test
  void jsonAndYamlBodiesNameTheirObject() {
    assertThat(
            ObjectIdentity.of(
                bytes(
                    "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"web\",\"namespace\":\"prod\"}}"),
                "application/json"))
        .contains(new ObjectIdentity("ConfigMap", "web", null, "prod"));
    assertThat(
            ObjectIdentity.of(
                bytes("apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: job-\n"),
                "application/yaml"))
        .contains(new ObjectIdentity("Pod", null, "job-", null));
  }

  @Test
  void aKubernetesProtobufBodyNamesItsObject() throws IOException {
    byte[] body = envelope("ConfigMap", objectMeta("fid-made", null, "default"));

    assertThat(ObjectIdentity.of(body, PROTOBUF))
        .contains(new ObjectIdentity("ConfigMap", "fid-made", null, "default"));
  }

  @Test
  void aProtobufPodWithGenerateNameKeepsIt() throws IOException {
    byte[] body = envelope("Pod", objectMeta(null, "debugger-", null));

    assertThat(ObjectIdentity.of(body, PROTOBUF + ";charset=utf-8"))
        .contains(new ObjectIdentity("Pod", null, "debugger-", null));
  }

  @Test
  void whatCannotBeReadGivesNothing() throws IOException {
    byte[] body = envelope("ConfigMap", objectMeta("web", null, "default"));

    assertThat(ObjectIdentity.of(Arrays.copyOf(body, body.length - 3), PROTOBUF)).isEmpty();
    assertThat(ObjectIdentity.of(bytes("not protobuf"), PROTOBUF)).isEmpty();
    assertThat(ObjectIdentity.of(bytes("{\"metadata\":"), "application/json")).isEmpty();
    assertThat(ObjectIdentity.of(bytes("[1,2]"), "application/json")).isEmpty();
    assertThat(ObjectIdentity.of(body, "application/octet-stream")).isEmpty();
    assertThat(ObjectIdentity.of(new byte[0], PROTOBUF)).isEmpty();
  }

  /** {@code k8s\0} + runtime.Unknown{typeMeta{apiVersion v1, kind}, raw{metadata, data}}. */
  static byte[] envelope(String kind, byte[] objectMeta) throws IOException {
    byte[] typeMeta =
        message(
            out -> {
              out.writeString(1, "v1");
              out.writeString(2, kind);
            });
    byte[] raw =
        message(
            out -> {
              out.writeByteArray(1, objectMeta);
              out.writeByteArray(
                  2,
                  message(
                      entry -> {
                        entry.writeString(1, "key");
                        entry.writeString(2, "value");
                      }));
            });
    byte[] unknown =
        message(
            out -> {
              out.writeByteArray(1, typeMeta);
              out.writeByteArray(2, raw);
              out.writeString(3, "");
              out.writeString(4, "");
            });
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(new byte[] {'k', '8', 's', 0});
    body.write(unknown);
    return body.toByteArray();
  }

  static byte[] objectMeta(String name, String generateName, String namespace) throws IOException {
    return message(
        out -> {
          if (name != null) {
            out.writeString(1, name);
          }
          if (generateName != null) {
            out.writeString(2, generateName);
          }
          if (namespace != null) {
            out.writeString(3, namespace);
          }
          out.writeString(5, "0b7a2e1c-uid");
        });
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Writer writer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    writer.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
