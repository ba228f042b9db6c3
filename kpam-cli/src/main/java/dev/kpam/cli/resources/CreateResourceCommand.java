package dev.kpam.cli.resources;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.SecretInput;
import dev.kpam.protocol.resources.ResourceRequest;
import dev.kpam.protocol.resources.ResourceView;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "create", description = "Create a Kubernetes resource (admin).")
final class CreateResourceCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "NAME",
      description = "The resource name.")
  String name;

  @Option(
      names = "--url",
      required = true,
      paramLabel = "URL",
      description = "The Kubernetes API server as the gateway reaches it: https://host[:port].")
  String url;

  @Option(
      names = "--gateway",
      required = true,
      paramLabel = "NAME",
      description = "The gateway that reaches it.")
  String gateway;

  @Option(
      names = "--ca-cert",
      paramLabel = "FILE",
      description = "PEM file of the CA that signed the API server's certificate.")
  Path caCert;

  @Option(
      names = "--server-name",
      paramLabel = "NAME",
      description = "The name to expect in the API server's certificate, if not the URL's host.")
  String serverName;

  @Option(
      names = "--insecure-skip-tls-verify",
      description = "Do not verify the API server's certificate (not recommended).")
  boolean insecureSkipTlsVerify;

  @Override
  public Integer call() {
    String pem = caCert == null ? null : SecretInput.readText("--ca-cert", caCert);
    ResourceRequest request =
        new ResourceRequest(name, url, gateway, pem, serverName, insecureSkipTlsVerify);
    api.printOne(
        api.client().post(ResourcesCommand.PATH, request, ResourceView.class),
        ResourcesCommand.TABLE);
    return 0;
  }
}
