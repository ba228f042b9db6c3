package dev.kpam.cli.resources;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliException;
import dev.kpam.cli.SecretInput;
import dev.kpam.protocol.resources.ResourceRequest;
import dev.kpam.protocol.resources.ResourceView;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kpam resources update NAME}: only the options given change. */
@Command(
    name = "update",
    description = "Change a resource (admin); options not given keep their value.")
final class UpdateResourceCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Parameters(paramLabel = "NAME", description = "The resource name.")
  String name;

  @Option(names = "--url", paramLabel = "URL", description = "A new API server URL.")
  String url;

  @Option(names = "--gateway", paramLabel = "NAME", description = "Another gateway.")
  String gateway;

  @ArgGroup(exclusive = true)
  CaCert caCert;

  static final class CaCert {
    @Option(names = "--ca-cert", paramLabel = "FILE", description = "A new CA certificate (PEM).")
    Path file;

    @Option(names = "--clear-ca-cert", description = "Remove the CA certificate.")
    boolean clear;
  }

  @Option(
      names = "--server-name",
      paramLabel = "NAME",
      description = "The name to expect in the API server's certificate (\"\" removes it).")
  String serverName;

  @Option(
      names = "--insecure-skip-tls-verify",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description = "Turn certificate verification off (true) or back on (false).")
  Boolean insecureSkipTlsVerify;

  @Override
  public Integer call() {
    ResourceRequest request =
        new ResourceRequest(null, url, gateway, pem(), serverName, insecureSkipTlsVerify);
    if (request.equals(new ResourceRequest(null, null, null, null, null, null))) {
      throw new CliException(
          "nothing to change; give one or more of --url, --gateway, --ca-cert, --clear-ca-cert,"
              + " --server-name, --insecure-skip-tls-verify");
    }
    api.printOne(
        api.client().patch(ResourcesCommand.path(name), request, ResourceView.class),
        ResourcesCommand.TABLE);
    return 0;
  }

  /** The new PEM, {@code ""} to remove it, null to keep it. */
  private String pem() {
    if (caCert == null) {
      return null;
    }
    return caCert.clear ? "" : SecretInput.readText("--ca-cert", caCert.file);
  }
}
