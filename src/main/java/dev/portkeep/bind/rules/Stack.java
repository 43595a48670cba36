package dev.portkeep.bind.rules;

/** One of the two port spaces a dual-stack bind may reserve. */
public enum Stack {
  IPV4,
  IPV6;

  String label() {
    return this == IPV4 ? "IPv4" : "IPv6";
  }
}
