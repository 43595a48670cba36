package dev.portkeep.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How portkeep proves who it is: the key files and certificates to offer, the SSH agent to ask,
 * whether only the named identities may be offered (IdentitiesOnly), the authentication methods and
 * where passwords come from, and whether it may ask anything on a terminal ({@code batchMode}
 * forbids every prompt, as OpenSSH's BatchMode does).
 */
public record Login(
    IdentitySource identities,
    List<Path> certificateFiles,
    Optional<Agent> agent,
    boolean identitiesOnly,
    Methods methods,
    boolean batchMode) {

  public Login {
    Objects.requireNonNull(identities, "identities");
    certificateFiles = List.copyOf(certificateFiles);
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(methods, "methods");
  }

  /** Public keys from these files only, no agent, never a prompt: for settings built by hand. */
  public static Login keys(List<Path> files) {
    return new Login(
        new IdentitySource.Explicit(files),
        List.of(),
        Optional.empty(),
        false,
        Methods.DEFAULT,
        true);
  }

  /**
   * The authentication methods in the order to try them (PreferredAuthentications, less what
   * PasswordAuthentication or KbdInteractiveAuthentication turn off), how many times to ask for a
   * password (NumberOfPasswordPrompts), and the PasswordCommand that gives one without a terminal.
   */
  public record Methods(
      List<String> preferred,
      boolean password,
      boolean keyboardInteractive,
      int passwordPrompts,
      Optional<String> passwordCommand) {
    /** The methods portkeep has, in OpenSSH's default order. */
    public static final List<String> KNOWN =
        List.of("publickey", "keyboard-interactive", "password");

    public static final Methods DEFAULT = new Methods(KNOWN, true, true, 3, Optional.empty());

    public Methods {
      preferred = List.copyOf(preferred);
      Objects.requireNonNull(passwordCommand, "passwordCommand");
      if (passwordPrompts < 0) {
        throw new IllegalArgumentException("passwordPrompts " + passwordPrompts);
      }
    }

    /** The methods to try, in order: preferred ones portkeep has and was not told to skip. */
    public List<String> enabled() {
      return preferred.stream()
          .filter(KNOWN::contains)
          .filter(m -> password || !m.equals("password"))
          .filter(m -> keyboardInteractive || !m.equals("keyboard-interactive"))
          .distinct()
          .toList();
    }
  }

  /**
   * Where the agent listens (a socket path or a Windows pipe name) and what named it, for messages:
   * {@code IdentityAgent} when the user did, else the {@code SSH_AUTH_SOCK} variable or Windows'
   * default pipe.
   */
  public record Agent(String location, String namedBy) {
    /** Where Windows' OpenSSH agent (and 1Password's, in its place) listens. */
    public static final String WINDOWS_PIPE = "\\\\.\\pipe\\openssh-ssh-agent";

    public Agent {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(namedBy, "namedBy");
    }

    /** Whether the user named it with IdentityAgent (then a dead agent is worth a warning). */
    public boolean named() {
      return namedBy.startsWith("IdentityAgent");
    }
  }
}
