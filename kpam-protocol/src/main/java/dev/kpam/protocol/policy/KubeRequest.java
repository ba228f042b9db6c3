package dev.kpam.protocol.policy;

/**
 * What a policy decides on: a Kubernetes request as the API server's {@code RequestInfoFactory}
 * sees it (the gateway's {@code RequestInfo}, or a recorded request for what-if). {@code method} is
 * the HTTP method, upper case.
 */
public record KubeRequest(
    boolean resourceRequest,
    String method,
    String verb,
    String apiGroup,
    String resource,
    String subresource,
    String namespace,
    String name) {}
