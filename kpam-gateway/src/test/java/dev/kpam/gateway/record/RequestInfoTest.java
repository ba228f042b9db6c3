package dev.kpam.gateway.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestInfoTest {
  /** Cases after the API server's requestinfo_test.go; "-" is null, "''" the empty string. */
  @ParameterizedTest(name = "{0} {1}?{2} -> {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // method | path | query | verb | group | version | resource | subresource | namespace |
        // name
        "GET|/api/v1/namespaces|''|list|''|v1|namespaces|-|-|-",
        "GET|/api/v1/namespaces/other|''|get|''|v1|namespaces|-|other|other",
        "GET|/api/v1/namespaces/other/pods|''|list|''|v1|pods|-|other|-",
        "GET|/api/v1/namespaces/other/pods/foo|''|get|''|v1|pods|-|other|foo",
        "HEAD|/api/v1/namespaces/other/pods/foo|''|get|''|v1|pods|-|other|foo",
        "GET|/api/v1/pods|''|list|''|v1|pods|-|-|-",
        "GET|/api/v1/namespaces/other/pods/foo/|''|get|''|v1|pods|-|other|foo",
        "GET|/api/v1/namespaces/other/pods|watch=true|watch|''|v1|pods|-|other|-",
        "GET|/api/v1/namespaces/other/pods|watch=1|watch|''|v1|pods|-|other|-",
        "GET|/api/v1/namespaces/other/pods|watch=false|list|''|v1|pods|-|other|-",
        "GET|/api/v1/namespaces/other/pods|watch=0&labelSelector=a|list|''|v1|pods|-|other|-",
        "GET|/api/v1/namespaces/other/pods|resourceVersion=1&watch|watch|''|v1|pods|-|other|-",
        "GET|/api/v1/pods|watch=true|watch|''|v1|pods|-|-|-",
        "GET|/api/v1/watch/pods|''|watch|''|v1|pods|-|-|-",
        "GET|/api/v1/watch/namespaces/other/pods|''|watch|''|v1|pods|-|other|-",
        "GET|/api/v1/watch/namespaces/other/pods/foo|''|watch|''|v1|pods|-|other|foo",
        "GET|/api/v1/proxy/namespaces/other/pods/foo/some/path|''|proxy|''|v1|pods|-|other|foo",
        "GET|/api/v1/proxy/nodes/n1|''|proxy|''|v1|nodes|-|-|n1",
        "GET|/api/v1/namespaces/other/pods/foo/proxy/some/path|''|get|''|v1|pods|proxy|other|foo",
        "GET|/api/v1/namespaces/other/services/web:80/proxy/x|''|get|''|v1|services|proxy|other|web:80",
        "POST|/api/v1/namespaces/other/pods|''|create|''|v1|pods|-|other|-",
        "PUT|/api/v1/namespaces/other/pods/foo|''|update|''|v1|pods|-|other|foo",
        "PATCH|/api/v1/namespaces/other/pods/foo|''|patch|''|v1|pods|-|other|foo",
        "DELETE|/api/v1/namespaces/other/pods/foo|''|delete|''|v1|pods|-|other|foo",
        "DELETE|/api/v1/namespaces/other/pods|''|deletecollection|''|v1|pods|-|other|-",
        "POST|/api/v1/namespaces/other/pods/foo/exec|command=sh|create|''|v1|pods|exec|other|foo",
        "GET|/api/v1/namespaces/other/pods/foo/exec|command=sh|get|''|v1|pods|exec|other|foo",
        "POST|/api/v1/namespaces/other/pods/foo/portforward|''|create|''|v1|pods|portforward|other|foo",
        "GET|/api/v1/namespaces/other/pods/foo/log|follow=true|get|''|v1|pods|log|other|foo",
        "PUT|/api/v1/namespaces/other/pods/foo/status|''|update|''|v1|pods|status|other|foo",
        "PUT|/api/v1/namespaces/other/finalize|''|update|''|v1|namespaces|finalize|other|other",
        "GET|/api/v1/namespaces/other/status|''|get|''|v1|namespaces|status|other|other",
        "DELETE|/api/v1/namespaces/other|''|delete|''|v1|namespaces|-|other|other",
        "GET|/apis/apps/v1/namespaces/web/deployments/api|''|get|apps|v1|deployments|-|web|api",
        "PATCH|/apis/apps/v1/namespaces/web/deployments/api/scale|''|patch|apps|v1|deployments|scale|web|api",
        "GET|/apis/rbac.authorization.k8s.io/v1/clusterroles|''|list|rbac.authorization.k8s.io|v1|clusterroles|-|-|-",
        "GET|/apis/apps/v1/watch/namespaces/web/deployments|''|watch|apps|v1|deployments|-|web|-",
        "GET|/apis/extensions/v1beta1/namespaces/other/pods/foo/bar/baz|''|get|extensions|v1beta1|pods|bar|other|foo",
        "OPTIONS|/api/v1/pods|''|''|''|v1|pods|-|-|-",
      })
  void resourceRequestsAreParsedLikeTheApiServer(
      String method,
      String path,
      String query,
      String verb,
      String group,
      String version,
      String resource,
      String subresource,
      String namespace,
      String name) {
    assertThat(RequestInfo.parse(method, path, query))
        .isEqualTo(
            new RequestInfo(true, verb, group, version, resource, subresource, namespace, name));
  }

  @ParameterizedTest(name = "{0} {1} is not a resource request")
  @CsvSource(
      delimiter = '|',
      value = {
        "GET|/",
        "GET|/api",
        "GET|/apis",
        "GET|/api/v1",
        "GET|/apis/apps",
        "GET|/apis/apps/v1",
        "GET|/version",
        "GET|/healthz",
        "GET|/openapi/v3/apis/apps/v1",
        "GET|/openapi/v2",
        "POST|/other/path/with/many/parts",
        "DELETE|/logs/x/y",
      })
  void nonResourceRequestsKeepTheLowerCaseMethodAsVerb(String method, String path) {
    RequestInfo info = RequestInfo.parse(method, path, "");
    assertThat(info.resourceRequest()).isFalse();
    assertThat(info.verb()).isEqualTo(method.toLowerCase());
    assertThat(info.resource()).isNull();
    assertThat(info.apiGroup()).isNull();
  }
}
