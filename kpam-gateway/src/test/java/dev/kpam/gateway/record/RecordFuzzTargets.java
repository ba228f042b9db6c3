package dev.kpam.gateway.record;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kpam.testing.fuzz.FuzzTarget;
import java.util.List;

/** Fuzz targets of what the gateway records of a request: its path and its redacted body. */
public final class RecordFuzzTargets {
  private RecordFuzzTargets() {}

  public static List<FuzzTarget> all() {
    return List.of(requestInfo(), bodyRedaction());
  }

  /** Any method, path and query: parsed without throwing, a resource request names its verb. */
  static FuzzTarget requestInfo() {
    return FuzzTarget.of(
        "request-info",
        List.of(
            "/api/v1/namespaces/default/pods/web-1/log?follow=true".getBytes(UTF_8),
            "/apis/apps/v1/watch/namespaces/x/deployments?watch=0".getBytes(UTF_8),
            "//api//v1/namespaces//status/%zz?watch&watch=false".getBytes(UTF_8)),
        in -> {
          String method = in.pick("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "get", "");
          String uri = new String(in.remainingBytes(), UTF_8);
          int q = uri.indexOf('?');
          String path = q < 0 ? uri : uri.substring(0, q);
          String query = q < 0 ? null : uri.substring(q + 1);
          RequestInfo info = RequestInfo.parse(method, path, query);
          if (info == null || info.verb() == null) {
            throw new AssertionError("no verb for " + method + " " + uri);
          }
        });
  }

  /**
   * Any bytes as JSON, YAML or a patch, of secrets or anything: redacted (or given up on) without
   * throwing.
   */
  static FuzzTarget bodyRedaction() {
    return FuzzTarget.of(
        "body-redaction",
        List.of(
            "{\"kind\":\"Secret\",\"data\":{\"password\":\"aHVudGVyMg==\"},\"stringData\":{\"a\":\"b\"}}"
                .getBytes(UTF_8),
            ("kind: ConfigMap\nmetadata:\n  annotations:\n"
                    + "    kubectl.kubernetes.io/last-applied-configuration: '{\"kind\":\"Secret\"}'\n"
                    + "data:\n  a: b\n---\nkind: Secret\ndata:\n  x: eQ==\n")
                .getBytes(UTF_8),
            "[{\"op\":\"replace\",\"path\":\"/data/password\",\"value\":\"c2VjcmV0\"}]"
                .getBytes(UTF_8)),
        in -> {
          String contentType =
              in.pick(
                  "application/json",
                  "application/yaml",
                  "application/json-patch+json",
                  "application/merge-patch+json",
                  "application/apply-patch+yaml",
                  "text/plain",
                  null);
          String resource = in.pick("secrets", "configmaps", null);
          boolean truncated = in.consumeBoolean();
          byte[] body = in.remainingBytes();
          BodyRedaction.redact(body, truncated, contentType, resource);
        });
  }
}
