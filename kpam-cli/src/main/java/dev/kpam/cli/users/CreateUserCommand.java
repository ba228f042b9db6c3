package dev.kpam.cli.users;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.SecretInput;
import dev.kpam.protocol.users.CreateUserRequest;
import dev.kpam.protocol.users.UserView;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kpam users create}: without {@code --password-stdin} a random 20-character password is
 * made and printed once (to stderr with {@code -o json}, so that stdout stays one JSON object).
 */
@Command(name = "create", description = "Create a user.")
final class CreateUserCommand implements Callable<Integer> {
  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  private static final int GENERATED_LENGTH = 20;

  enum Role {
    ADMIN,
    MEMBER
  }

  @Mixin ApiOptions api;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The user name.")
  String name;

  @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin or member.")
  Role role;

  @Option(
      names = "--password-stdin",
      description = "Read the password from standard input (default: generate one).")
  boolean passwordStdin;

  private final CliEnvironment env;

  CreateUserCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    String password = passwordStdin ? new SecretInput(env).stdin("password") : generate();
    UserView user =
        api.client()
            .post(
                UsersCommand.PATH,
                new CreateUserRequest(name, role.name().toLowerCase(Locale.ROOT), password),
                UserView.class);
    api.printOne(user, UsersCommand.TABLE);
    if (!passwordStdin) {
      var where = api.json() ? env.stderr() : env.stdout();
      where.println("Password (shown only now): " + password);
      where.flush();
    }
    return 0;
  }

  private static String generate() {
    SecureRandom random = new SecureRandom();
    StringBuilder password = new StringBuilder(GENERATED_LENGTH);
    for (int i = 0; i < GENERATED_LENGTH; i++) {
      password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return password.toString();
  }
}
