package dev.portkeep.ssh;

import dev.portkeep.config.Hop;
import dev.portkeep.config.Login;
import dev.portkeep.error.AuthException;
import dev.portkeep.error.UsageException;
import dev.portkeep.ssh.agent.AgentClient;
import dev.portkeep.ssh.agent.AgentTransport;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One login to one server of the route: the identities to offer, in OpenSSH's order, asked of the
 * agent afresh for each connection; and what became of each (offered, refused, accepted, not
 * offered and why), for {@code -v} and for the message when the login fails.
 */
final class LoginAttempt implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoginAttempt.class);

  private final Hop hop;
  private final Login login;
  private final List<KeyFiles.Entry> files;
  private final Prompts prompts;
  private final List<Offer> refused = new CopyOnWriteArrayList<>();
  private final List<String> agentRefusals = new CopyOnWriteArrayList<>();
  private final List<String> notOffered = new CopyOnWriteArrayList<>();
  private final java.util.Set<String> triedOthers =
      java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());
  private volatile List<String> serverMethods = List.of();
  private final java.util.Set<String> offered = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile String lastOffered;
  private AgentClient agent; // opened by offers(), closed by close()

  LoginAttempt(Hop hop, Login login, List<KeyFiles.Entry> files, Prompts prompts) {
    this.hop = hop;
    this.login = login;
    this.files = files;
    this.prompts = prompts;
  }

  /** The identities to offer now, in order; asks the agent, if there is one, for its keys. */
  synchronized List<Offer> offers() {
    List<KeyOrder.AgentKey> agentKeys = agentKeys();
    List<Offer> offers = new ArrayList<>();
    for (KeyOrder.Choice choice : KeyOrder.order(files, agentKeys, login.identitiesOnly())) {
      offer(choice).filter(this::valid).ifPresent(offers::add);
    }
    return offers;
  }

  private Optional<Offer> offer(KeyOrder.Choice choice) {
    return switch (choice) {
      case KeyOrder.Choice.FileInAgent(KeyFiles.Entry e, KeyOrder.AgentKey k) ->
          Optional.of(Offer.signedByAgent(e.label() + " (agent)", e.key(), agent, k));
      case KeyOrder.Choice.AgentOnly(KeyOrder.AgentKey k) ->
          Optional.of(Offer.signedByAgent("agent key '" + k.comment() + "'", k.key(), agent, k));
      case KeyOrder.Choice.FromFile(KeyFiles.Entry e, Optional<KeyOrder.AgentKey> signer) ->
          signer.isPresent()
              ? Optional.of(
                  Offer.signedByAgent(e.label() + " (key in agent)", e.key(), agent, signer.get()))
              : fromFile(e);
    };
  }

  private Optional<Offer> fromFile(KeyFiles.Entry entry) {
    Optional<KeyFiles.Entry> signer =
        entry.privateFile().isPresent()
            ? Optional.of(entry)
            : files.stream()
                .filter(f -> !f.isCertificate() && f.privateFile().isPresent())
                .filter(f -> new Blob(f.blob()).equals(new Blob(KeyFiles.encode(entry.plainKey()))))
                .findFirst();
    if (signer.isEmpty()) {
      notOffered.add(entry.label() + ": no private key for it in the files or the agent");
      return Optional.empty();
    }
    try {
      return Optional.of(
          Offer.signedByFile(entry.label(), entry.key(), signer.get().load(prompts).getPrivate()));
    } catch (UsageException e) {
      log.warn("not offering {}: {}", entry.label(), e.getMessage());
      notOffered.add(entry.label() + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /** A certificate outside its validity period is never offered: the server would refuse it. */
  private boolean valid(Offer offer) {
    PublicKey key = offer.getKeyIdentity().getPublic();
    if (!(key instanceof OpenSshCertificate cert) || OpenSshCertificate.isValidNow(cert)) {
      return true;
    }
    Instant now = Instant.now();
    String why =
        Instant.ofEpochSecond(cert.getValidAfter()).isAfter(now)
            ? "not valid before " + Instant.ofEpochSecond(cert.getValidAfter())
            : "expired at " + Instant.ofEpochSecond(cert.getValidBefore());
    log.warn("not offering {}: {}", offer.description(), why);
    notOffered.add(offer.description() + " " + why);
    return false;
  }

  private List<KeyOrder.AgentKey> agentKeys() {
    if (login.agent().isEmpty()) {
      return List.of();
    }
    Login.Agent where = login.agent().get();
    try {
      closeAgent();
      agent = AgentClient.connect(AgentTransport.of(where.location()));
      List<KeyOrder.AgentKey> keys = new ArrayList<>();
      for (AgentClient.Key key : agent.identities()) {
        try {
          keys.add(
              new KeyOrder.AgentKey(
                  new Blob(key.blob()),
                  KeyFiles.parse(key.blob(), "the agent's key '" + key.comment() + "'"),
                  key.comment()));
        } catch (UsageException unsupported) {
          log.debug("agent key '{}' skipped: {}", key.comment(), unsupported.getMessage());
        }
      }
      log.info(
          "the agent at {} ({}) holds {} key{}",
          where.location(),
          where.namedBy(),
          keys.size(),
          keys.size() == 1 ? "" : "s");
      return keys;
    } catch (IOException e) {
      String message =
          "cannot use the agent at '"
              + where.location()
              + "' ("
              + where.namedBy()
              + "): "
              + describe(e)
              + "; using key files only";
      if (where.named()) {
        log.warn(message);
      } else {
        log.info(message);
      }
      closeAgent();
      return List.of();
    }
  }

  private static String describe(IOException e) {
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if ((e instanceof java.net.SocketException && text.contains("No such file"))
        || e instanceof java.nio.file.NoSuchFileException) {
      return "no such socket";
    }
    return text;
  }

  void offered(Offer offer, String algorithm) {
    offered.add(offer.description());
    lastOffered = offer.description();
    log.info("offering {} to {} ({})", offer.description(), hop.display(), algorithm);
  }

  void refused(Offer offer) {
    refused.add(offer);
    log.info("{} refused {}", hop.display(), offer.description());
  }

  /** The agent would not sign for {@code offer}; the next key is tried. */
  void agentRefused(Offer offer, AgentClient.AgentRefusal refusal) {
    String what = refusal.getMessage() + " with " + offer.description();
    agentRefusals.add(what);
    log.warn("{} for {}; trying the next key", what, hop.display());
  }

  void accepted(String method) {
    log.info("{} accepted {}", hop.display(), method);
  }

  /** A password or keyboard-interactive question was put to portkeep. */
  void tried(String method) {
    triedOthers.add(method);
  }

  /** Something that kept a method from working, for the failure message. */
  void problem(String what) {
    notOffered.add(what);
  }

  void serverMethods(List<String> methods) {
    serverMethods = List.copyOf(methods);
  }

  List<String> serverMethods() {
    return serverMethods;
  }

  List<String> notOffered() {
    return List.copyOf(notOffered);
  }

  /**
   * The user-facing failure: which methods were tried, which the server offers, and the culprit
   * when there is one (a refused or unusable certificate, an agent that would not sign).
   */
  AuthException failure(Throwable cause) {
    AgentClient.AgentRefusal refusal = find(cause, AgentClient.AgentRefusal.class);
    List<String> refusals = new ArrayList<>(agentRefusals);
    if (refusal != null) {
      refusals.add(refusal.getMessage() + " with " + lastOffered);
    }
    if (!refusals.isEmpty()) {
      return new AuthException(
          String.join("; ", refusals) + " for " + hop.display(),
          "a key added with ssh-add -c needs each use confirmed in the agent's prompt; confirm"
              + " it, or add the key again without -c",
          cause);
    }
    List<String> tried = new ArrayList<>();
    if (!offered.isEmpty()) {
      tried.add("publickey (" + offered.size() + (offered.size() == 1 ? " key)" : " keys)"));
    }
    tried.addAll(triedOthers);
    List<String> culprits = new ArrayList<>(notOffered);
    cannotAsk().ifPresent(culprits::add);
    refused.stream()
        .filter(Offer::isCertificate)
        .forEach(o -> culprits.add("the server refused " + o.description()));
    String message =
        "authentication failed for "
            + hop.display()
            + " (methods tried: "
            + (tried.isEmpty()
                ? "none: no key and no terminal for a password"
                : String.join(", ", tried))
            + (serverMethods.isEmpty()
                ? ""
                : "; the server offers " + String.join(",", serverMethods))
            + ")"
            + (culprits.isEmpty() ? "" : ": " + String.join("; ", culprits));
    return new AuthException(message, hint(tried.isEmpty(), culprits), cause);
  }

  /**
   * When the server would take a password or keyboard-interactive answers that nobody can give:
   * "the server offers password, but BatchMode forbids prompts".
   */
  private Optional<String> cannotAsk() {
    List<String> askable =
        serverMethods.stream()
            .filter(m -> m.equals("password") || m.equals("keyboard-interactive"))
            .filter(login.methods().enabled()::contains)
            .toList();
    if (askable.isEmpty()
        || login.methods().passwordCommand().isPresent()
        || (prompts != Prompts.NONE && login.methods().passwordPrompts() > 0)) {
      return Optional.empty();
    }
    String why =
        login.batchMode()
            ? "BatchMode forbids prompts"
            : login.methods().passwordPrompts() == 0
                ? "NumberOfPasswordPrompts is 0"
                : "there is no terminal to ask on";
    return Optional.of("the server offers " + String.join(" and ", askable) + ", but " + why);
  }

  /** The most specific advice first: a broken command or certificate before a missing prompt. */
  private String hint(boolean nothingTried, List<String> culprits) {
    if (culprits.stream().anyMatch(c -> c.startsWith("PasswordCommand"))) {
      return "run the PasswordCommand by hand: it must print the password on its first line and"
          + " exit 0";
    }
    if (culprits.stream()
        .anyMatch(c -> c.contains("expired at") || c.contains("not valid before"))) {
      return "have the certificate signed again for a period that includes now (ssh-keygen -s ... -V)";
    }
    if (refused.stream().anyMatch(Offer::isCertificate)) {
      return "check that the server trusts the certificate's CA (sshd's TrustedUserCAKeys) and"
          + " that its principals include '"
          + hop.user()
          + "' (ssh-keygen -L -f <cert>)";
    }
    if (culprits.stream().anyMatch(c -> c.contains("forbids prompts") || c.contains("terminal"))) {
      return "use a key (-i, or the agent), run portkeep in a terminal to type the password, or"
          + " give the tunnel a PasswordCommand (-o PasswordCommand='pass show gw')";
    }
    if (nothingTried) {
      return "give a private key with -i, add one to the agent (ssh-add), or run in a terminal"
          + " to type a password";
    }
    return "check that the server's authorized_keys holds one of these keys, and the user name (-l)";
  }

  static boolean refusedByAgent(Throwable e) {
    return find(e, AgentClient.AgentRefusal.class) != null;
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** What the agent holds now, quietly: empty when there is no agent or it cannot be asked. */
  static java.util.Set<Blob> agentHolds(Login login) {
    if (login.agent().isEmpty()) {
      return java.util.Set.of();
    }
    try (AgentClient client =
        AgentClient.connect(AgentTransport.of(login.agent().get().location()))) {
      return client.identities().stream()
          .map(k -> new Blob(k.blob()))
          .collect(java.util.stream.Collectors.toSet());
    } catch (IOException e) {
      return java.util.Set.of(); // reported when a connection asks again
    }
  }

  private void closeAgent() {
    if (agent != null) {
      agent.close();
      agent = null;
    }
  }

  @Override
  public synchronized void close() {
    closeAgent();
  }
}
