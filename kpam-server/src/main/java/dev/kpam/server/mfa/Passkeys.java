package dev.kpam.server.mfa;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.data.exception.Base64UrlException;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import dev.kpam.crypto.secrets.SecretTokens;
import dev.kpam.protocol.mfa.PasskeyChallenge;
import dev.kpam.protocol.mfa.RecoveryCodes;
import dev.kpam.server.Ids;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.db.Database;
import dev.kpam.server.http.ApiException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Passkeys and security keys (WebAuthn) as a second factor, through Yubico's relying party. The
 * relying party is the server's public URL: its host name is the RP ID, its origin the only origin
 * accepted (WebAuthn refuses IP addresses, so a server reached as 127.0.0.1 has no passkeys and
 * says so). A registration happens in the web UI; a session's confirmation is a ceremony the CLI
 * starts and the person finishes in the browser, spent once by the session it opens.
 *
 * <pre>{@code
 * PasskeyChallenge c = passkeys.startConfirmation(me);  // the CLI opens c.url()
 * passkeys.verify(id, credentialJson, ip);             // the browser, after navigator.credentials.get
 * passkeys.spend(me, c.id());                          // the session, once
 * }</pre>
 */
public final class Passkeys {
  static final Duration CEREMONY_TTL = Duration.ofMinutes(5);
  private static final String REGISTER = "register";
  private static final String CONFIRM = "confirm";
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[.*]|.*:.*");

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final Ids ids;
  private final Supplier<String> publicUrl;
  private volatile RelyingParty relyingParty;

  Passkeys(Database db, AuditLog audit, Clock clock, Ids ids, Supplier<String> publicUrl) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.ids = ids;
    this.publicUrl = publicUrl;
  }

  /** A registration ceremony: its id and the options for {@code navigator.credentials.create}. */
  public record Ceremony(String id, String optionsJson) {}

  /** Starts registering a passkey of the caller; answers what the browser needs. */
  public Ceremony startRegistration(Principal me) {
    PublicKeyCredentialCreationOptions options =
        relyingParty()
            .startRegistration(
                StartRegistrationOptions.builder()
                    .user(
                        UserIdentity.builder()
                            .name(me.name())
                            .displayName(me.name())
                            .id(userHandle(me.userId()))
                            .build())
                    .authenticatorSelection(
                        AuthenticatorSelectionCriteria.builder()
                            .residentKey(ResidentKeyRequirement.DISCOURAGED)
                            .userVerification(UserVerificationRequirement.PREFERRED)
                            .build())
                    .timeout(CEREMONY_TTL.toMillis())
                    .build());
    try {
      String id = begin(me.userId(), REGISTER, options.toJson());
      return new Ceremony(id, options.toCredentialsCreateJson());
    } catch (IOException e) {
      throw new IllegalStateException("cannot write WebAuthn options as JSON", e);
    }
  }

  /**
   * Finishes a registration with the browser's {@code PublicKeyCredential.toJSON()}; the passkey
   * becomes a confirmed factor named {@code name}, and a fresh set of recovery codes is answered.
   */
  public RecoveryCodes finishRegistration(
      Principal me, String ceremonyId, String credentialJson, String name) {
    String requestJson = take(me.userId(), ceremonyId, REGISTER, "pending", "used");
    RegistrationResult result;
    try {
      result =
          relyingParty()
              .finishRegistration(
                  FinishRegistrationOptions.builder()
                      .request(PublicKeyCredentialCreationOptions.fromJson(requestJson))
                      .response(PublicKeyCredential.parseRegistrationResponseJson(credentialJson))
                      .build());
    } catch (RegistrationFailedException | IOException e) {
      audit.record(me.actor(), "mfa.failed", "user:" + me.name(), "passkey registration refused");
      throw new ApiException(
          403,
          "mfa_invalid",
          "the browser's answer was not a valid passkey registration; try again");
    }
    String label = name == null || name.isBlank() ? "passkey" : name.strip();
    if (label.length() > 100) {
      throw ApiException.invalid("name", label.length() + " characters", "at most 100");
    }
    String factorId = ids.next();
    return new RecoveryCodes(
        db.jdbi()
            .inTransaction(
                h -> {
                  SecondFactors.checkRoom(h, me.userId());
                  h.createUpdate(
                          "INSERT INTO mfa_factors (id, user_id, kind, name, confirmed, created_at)"
                              + " VALUES (:id, :u, 'webauthn', :n, TRUE, :t)")
                      .bind("id", factorId)
                      .bind("u", me.userId())
                      .bind("n", label)
                      .bind("t", clock.millis())
                      .execute();
                  h.createUpdate(
                          "INSERT INTO mfa_webauthn_credentials (factor_id, credential_id,"
                              + " public_key_cose, signature_count) VALUES (:f, :c, :k, :n)")
                      .bind("f", factorId)
                      .bind("c", result.getKeyId().getId().getBase64Url())
                      .bind("k", result.getPublicKeyCose().getBytes())
                      .bind("n", result.getSignatureCount())
                      .execute();
                  audit.record(h, me.actor(), "mfa.enrol", "user:" + me.name(), "passkey " + label);
                  return RecoveryCodeSet.replace(h, me.userId());
                }));
  }

  /**
   * Starts the confirmation a session asks for: the CLI opens {@link PasskeyChallenge#url()} in the
   * browser, waits for {@link #status} to say {@code verified}, then spends it on the session.
   */
  public PasskeyChallenge startConfirmation(Principal me) {
    if (credentialIds(me.name()).isEmpty()) {
      throw ApiException.conflict(
          "you have no passkey; add one in the web UI (Security) or use your authenticator app");
    }
    AssertionRequest request =
        relyingParty()
            .startAssertion(
                StartAssertionOptions.builder()
                    .username(me.name())
                    .userVerification(UserVerificationRequirement.PREFERRED)
                    .timeout(CEREMONY_TTL.toMillis())
                    .build());
    try {
      String id = begin(me.userId(), CONFIRM, request.toJson());
      return new PasskeyChallenge(
          id, publicUrl.get() + "/ui/mfa/" + id, clock.instant().plus(CEREMONY_TTL));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write WebAuthn options as JSON", e);
    }
  }

  /** What the browser's confirmation page needs: the user's name and the request options. */
  public record Confirmation(String user, String optionsJson) {}

  /** The confirmation {@code ceremonyId} if it waits for the browser; 404 otherwise. */
  public Confirmation confirmation(String ceremonyId) {
    Pending pending = pending(ceremonyId);
    try {
      return new Confirmation(
          pending.user(), AssertionRequest.fromJson(pending.requestJson()).toCredentialsGetJson());
    } catch (IOException e) {
      throw new IllegalStateException("a stored WebAuthn request no longer reads", e);
    }
  }

  /**
   * Checks the browser's answer ({@code PublicKeyCredential.toJSON()}) to a confirmation: a
   * signature of one of the ceremony's user's passkeys over its challenge, from this origin.
   */
  public void verify(String ceremonyId, String credentialJson, String source) {
    Pending pending = pending(ceremonyId);
    Actor actor = Actor.of(pending.user(), source);
    AssertionResult result;
    try {
      result =
          relyingParty()
              .finishAssertion(
                  FinishAssertionOptions.builder()
                      .request(AssertionRequest.fromJson(pending.requestJson()))
                      .response(PublicKeyCredential.parseAssertionResponseJson(credentialJson))
                      .build());
    } catch (AssertionFailedException | IOException e) {
      result = null;
    }
    if (result == null || !result.isSuccess() || !result.getUsername().equals(pending.user())) {
      audit.record(actor, "mfa.failed", "user:" + pending.user(), "passkey not accepted");
      throw new ApiException(
          403,
          "mfa_invalid",
          "that passkey was not accepted for " + pending.user() + "; try again");
    }
    long count = result.getSignatureCount();
    String credentialId = result.getCredentialId().getBase64Url();
    db.jdbi()
        .useTransaction(
            h -> {
              take(h, pending.userId(), ceremonyId, CONFIRM, "pending", "verified");
              h.createUpdate(
                      "UPDATE mfa_webauthn_credentials SET signature_count = :n"
                          + " WHERE credential_id = :c")
                  .bind("n", count)
                  .bind("c", credentialId)
                  .execute();
              h.createUpdate(
                      "UPDATE mfa_factors SET last_used_at = :t WHERE id ="
                          + " (SELECT factor_id FROM mfa_webauthn_credentials WHERE credential_id ="
                          + " :c)")
                  .bind("t", clock.millis())
                  .bind("c", credentialId)
                  .execute();
            });
  }

  /** {@code pending}, {@code verified}, {@code used} or {@code expired}, for the CLI to wait on. */
  public String status(Principal me, String ceremonyId) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT status, expires_at FROM mfa_ceremonies WHERE id_hash = :h"
                            + " AND user_id = :u AND kind = :k")
                    .bind("h", SecretTokens.sha256Hex(ceremonyId))
                    .bind("u", me.userId())
                    .bind("k", CONFIRM)
                    .map(
                        (rs, c) ->
                            rs.getLong("expires_at") <= clock.millis()
                                ? "expired"
                                : rs.getString(1))
                    .findOne())
        .orElseThrow(() -> ApiException.notFound("no passkey confirmation '" + ceremonyId + "'"));
  }

  /** Spends a verified confirmation of the caller on the session being opened; once. */
  void spend(Principal who, String ceremonyId) {
    db.jdbi().useTransaction(h -> take(h, who.userId(), ceremonyId, CONFIRM, "verified", "used"));
  }

  private String begin(String userId, String kind, String requestJson) {
    String id = SecretTokens.generate("mfa");
    long now = clock.millis();
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate("DELETE FROM mfa_ceremonies WHERE expires_at <= :t")
                  .bind("t", now)
                  .execute();
              h.createUpdate(
                      "INSERT INTO mfa_ceremonies (id_hash, user_id, kind, request_json, status,"
                          + " created_at, expires_at) VALUES (:h, :u, :k, :j, 'pending', :t, :e)")
                  .bind("h", SecretTokens.sha256Hex(id))
                  .bind("u", userId)
                  .bind("k", kind)
                  .bind("j", requestJson)
                  .bind("t", now)
                  .bind("e", now + CEREMONY_TTL.toMillis())
                  .execute();
            });
    return id;
  }

  private String take(String userId, String ceremonyId, String kind, String from, String to) {
    return db.jdbi().inTransaction(h -> take(h, userId, ceremonyId, kind, from, to));
  }

  /**
   * Moves a ceremony of the user on from {@code from} to {@code to} with a conditional update (so
   * that two replicas cannot both spend one), answering its stored request.
   */
  private String take(
      org.jdbi.v3.core.Handle h,
      String userId,
      String ceremonyId,
      String kind,
      String from,
      String to) {
    String hash = SecretTokens.sha256Hex(ceremonyId == null ? "" : ceremonyId);
    int moved =
        h.createUpdate(
                "UPDATE mfa_ceremonies SET status = :to WHERE id_hash = :h AND user_id = :u"
                    + " AND kind = :k AND status = :from AND expires_at > :t")
            .bind("to", to)
            .bind("h", hash)
            .bind("u", userId)
            .bind("k", kind)
            .bind("from", from)
            .bind("t", clock.millis())
            .execute();
    if (moved == 0) {
      throw new ApiException(
          403,
          "mfa_invalid",
          kind.equals(REGISTER)
              ? "this passkey registration has expired or was finished already; start again"
              : "this passkey confirmation was used already or has expired; start again");
    }
    return h.createQuery("SELECT request_json FROM mfa_ceremonies WHERE id_hash = :h")
        .bind("h", hash)
        .mapTo(String.class)
        .one();
  }

  private record Pending(String userId, String user, String requestJson) {}

  private Pending pending(String ceremonyId) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT c.user_id, u.name, c.request_json FROM mfa_ceremonies c"
                            + " JOIN users u ON u.id = c.user_id WHERE c.id_hash = :h"
                            + " AND c.kind = :k AND c.status = 'pending' AND c.expires_at > :t")
                    .bind("h", SecretTokens.sha256Hex(ceremonyId))
                    .bind("k", CONFIRM)
                    .bind("t", clock.millis())
                    .map((rs, c) -> new Pending(rs.getString(1), rs.getString(2), rs.getString(3)))
                    .findOne())
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "this passkey confirmation has expired or was answered already; run kpam k8s"
                        + " access again"));
  }

  /** The relying party of the public URL, made on first use (the URL is known once bound). */
  private RelyingParty relyingParty() {
    RelyingParty rp = relyingParty;
    if (rp == null) {
      URI url = URI.create(publicUrl.get());
      String host = url.getHost();
      if (host == null || IP_LITERAL.matcher(host).matches()) {
        throw ApiException.conflict(
            "passkeys need the server reached by a host name, not the address "
                + host
                + "; set the server's public URL (--public-url) to a name");
      }
      rp =
          RelyingParty.builder()
              .identity(RelyingPartyIdentity.builder().id(host).name("kpam").build())
              .credentialRepository(new Repository())
              .origins(Set.of(url.getScheme() + "://" + url.getRawAuthority()))
              .build();
      relyingParty = rp;
    }
    return rp;
  }

  private Set<PublicKeyCredentialDescriptor> credentialIds(String userName) {
    return db
        .jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT w.credential_id FROM mfa_webauthn_credentials w"
                            + " JOIN mfa_factors f ON f.id = w.factor_id"
                            + " JOIN users u ON u.id = f.user_id WHERE u.name = :n")
                    .bind("n", userName)
                    .mapTo(String.class)
                    .list())
        .stream()
        .map(id -> PublicKeyCredentialDescriptor.builder().id(base64Url(id)).build())
        .collect(Collectors.toSet());
  }

  /** The user handle WebAuthn keeps for a user: the bytes of kpam's (random) user id. */
  private static ByteArray userHandle(String userId) {
    return new ByteArray(userId.getBytes(StandardCharsets.UTF_8));
  }

  private static ByteArray base64Url(String text) {
    try {
      return ByteArray.fromBase64Url(text);
    } catch (Base64UrlException e) {
      throw new IllegalStateException("a stored credential id is not base64url", e);
    }
  }

  /** Yubico's view of the stored credentials; a "username" is a kpam user name. */
  private final class Repository implements CredentialRepository {
    @Override
    public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
      return credentialIds(username);
    }

    @Override
    public Optional<ByteArray> getUserHandleForUsername(String username) {
      return db.jdbi()
          .withHandle(
              h ->
                  h.createQuery("SELECT id FROM users WHERE name = :n")
                      .bind("n", username)
                      .mapTo(String.class)
                      .findOne())
          .map(Passkeys::userHandle);
    }

    @Override
    public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
      return db.jdbi()
          .withHandle(
              h ->
                  h.createQuery("SELECT name FROM users WHERE id = :id")
                      .bind("id", new String(userHandle.getBytes(), StandardCharsets.UTF_8))
                      .mapTo(String.class)
                      .findOne());
    }

    @Override
    public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
      return lookupAll(credentialId).stream()
          .filter(c -> c.getUserHandle().equals(userHandle))
          .findFirst();
    }

    @Override
    public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
      return db.jdbi()
          .withHandle(
              h ->
                  h.createQuery(
                          "SELECT f.user_id, w.public_key_cose, w.signature_count"
                              + " FROM mfa_webauthn_credentials w"
                              + " JOIN mfa_factors f ON f.id = w.factor_id"
                              + " WHERE w.credential_id = :c")
                      .bind("c", credentialId.getBase64Url())
                      .map(
                          (rs, c) ->
                              RegisteredCredential.builder()
                                  .credentialId(credentialId)
                                  .userHandle(userHandle(rs.getString(1)))
                                  .publicKeyCose(new ByteArray(rs.getBytes(2)))
                                  .signatureCount(rs.getLong(3))
                                  .build())
                      .set());
    }
  }
}
