package dev.kpam.cli.accounts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kpam.cli.CliException;
import dev.kpam.protocol.policy.KubePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --policy FILE | --preset NAME}, of accounts create, update and what-if. */
final class PolicyOptions {
  /** Made on first use: picocli builds every command's options at each start of kpam. */
  private static final class Yaml {
    static final ObjectMapper MAPPER = new YAMLMapper();
  }

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "Kubernetes policy of sessions on the account, as YAML or JSON (rules: effect, verbs,"
              + " apiGroups, resources, namespaces, names); see docs/API.md, Policies.")
  Path policyFile;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      description = "A policy preset: read-only, no-exec, namespaces:a,b; none removes the policy.")
  String preset;

  boolean isEmpty() {
    return policyFile == null && preset == null;
  }

  /** The policy of {@code --policy FILE}, or null without the option. */
  KubePolicy policy() {
    if (policyFile == null) {
      return null;
    }
    if (preset != null) {
      throw new CliException("give --policy or --preset, not both");
    }
    try {
      return Yaml.MAPPER.readValue(Files.readString(policyFile), KubePolicy.class);
    } catch (NoSuchFileException e) {
      throw new CliException("--policy: no such file " + policyFile);
    } catch (IOException e) {
      throw new CliException(
          "--policy: "
              + policyFile
              + " is not a policy: "
              + e.getMessage().lines().findFirst().orElse(""));
    }
  }
}
