package dev.portkeep.config;

/** Which IP families listeners and connections may use ({@code -4}, {@code -6}, or both). */
public enum AddressFamily {
  ANY,
  INET,
  INET6;

  public boolean allowsInet() {
    return this != INET6;
  }

  public boolean allowsInet6() {
    return this != INET;
  }
}
