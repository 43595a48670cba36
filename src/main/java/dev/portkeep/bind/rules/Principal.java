package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/** Who owns a socket or makes a bind: a Linux uid, a Windows account, or someone we cannot tell. */
public sealed interface Principal {
  /** The principal of a socket whose owner the table does not show. */
  Principal UNKNOWN = new Unknown();

  /** Whether both are the same user, as the kernel compares them. */
  TriState sameAs(Principal other);

  /** A short human label: {@code uid 0 (root)}, {@code account NT AUTHORITY\SYSTEM}. */
  String describe();

  /** A Linux user; {@code name} is null when /etc/passwd does not list the uid. */
  record LinuxUser(int uid, @Nullable String name) implements Principal {
    public LinuxUser {
      if (uid < 0) {
        throw new IllegalArgumentException("uid " + uid + " is negative");
      }
    }

    public static LinuxUser of(int uid) {
      return new LinuxUser(uid, null);
    }

    @Override
    public TriState sameAs(Principal other) {
      return other instanceof LinuxUser user ? TriState.of(user.uid == uid) : TriState.UNKNOWN;
    }

    @Override
    public String describe() {
      return name == null ? "uid " + uid : "uid " + uid + " (" + name + ")";
    }
  }

  /** A Windows account, compared case-insensitively as Windows does. */
  record WindowsAccount(String name) implements Principal {
    /** The account of the kernel and of pid 4. */
    public static final WindowsAccount SYSTEM = new WindowsAccount("NT AUTHORITY\\SYSTEM");

    public WindowsAccount {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("a Windows account name cannot be blank");
      }
    }

    @Override
    public TriState sameAs(Principal other) {
      return other instanceof WindowsAccount account
          ? TriState.of(account.name.equalsIgnoreCase(name))
          : TriState.UNKNOWN;
    }

    @Override
    public String describe() {
      return "account " + name;
    }
  }

  /** An owner the socket table does not reveal. */
  record Unknown() implements Principal {
    @Override
    public TriState sameAs(Principal other) {
      return TriState.UNKNOWN;
    }

    @Override
    public String describe() {
      return "an unknown user";
    }
  }
}
