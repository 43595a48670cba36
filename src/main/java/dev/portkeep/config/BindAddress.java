package dev.portkeep.config;

import java.util.Objects;

/**
 * Where a local listener binds, in the forms OpenSSH accepts: nothing or {@code localhost} means
 * loopback in every family, {@code *} or an empty address means every interface, otherwise one IP
 * literal or a host name that is resolved only when binding.
 */
public sealed interface BindAddress {

  /** Loopback only: 127.0.0.1 and ::1, one socket per family. */
  record Loopback() implements BindAddress {
    @Override
    public String toString() {
      return "localhost";
    }
  }

  /** Every interface: one dual-stack socket holding the port on both stacks. */
  record AllInterfaces() implements BindAddress {
    @Override
    public String toString() {
      return "*";
    }
  }

  /** An IP address literal exactly as written (IPv6 without brackets). */
  record Literal(String address, AddressFamily family) implements BindAddress {
    public Literal {
      Objects.requireNonNull(address, "address");
      if (family == AddressFamily.ANY) {
        throw new IllegalArgumentException("a literal has one family");
      }
    }

    @Override
    public String toString() {
      return IpLiterals.bracketed(address);
    }
  }

  /** A host name other than localhost; every address it resolves to is bound. */
  record HostName(String name) implements BindAddress {
    public HostName {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Parses the bind part of a spec; {@code null} means none was given. */
  static BindAddress parse(String text) {
    if (text == null || text.equalsIgnoreCase("localhost")) {
      return new Loopback();
    }
    if (text.isEmpty() || text.equals("*")) {
      return new AllInterfaces();
    }
    if (IpLiterals.isIpv4(text)) {
      return new Literal(text, AddressFamily.INET);
    }
    if (IpLiterals.isIpv6(text)) {
      return new Literal(text, AddressFamily.INET6);
    }
    return new HostName(text);
  }
}
