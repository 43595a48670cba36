package dev.portkeep.bind.rules;

/** The error a refused bind returns: a Linux errno or a Winsock code, with the text users see. */
public enum BindError {
  NONE(0, "no error", ""),
  EADDRINUSE(98, "Address already in use", "Address already in use"),
  EACCES(13, "Permission denied", "Permission denied"),
  EADDRNOTAVAIL(99, "Cannot assign requested address", "Cannot assign requested address"),
  EINVAL(22, "Invalid argument", "Invalid argument"),
  EAFNOSUPPORT(97, "Address family not supported by protocol", "Protocol family unavailable"),
  WSAEADDRINUSE(
      10048,
      "Only one usage of each socket address is normally permitted",
      "Address already in use: bind"),
  /** The JDK rewrites this one to WSAEADDRINUSE at bind, so Java reports it as "in use". */
  WSAEACCES(
      10013,
      "An attempt was made to access a socket in a way forbidden by its access" + " permissions",
      "Address already in use: bind"),
  WSAEADDRNOTAVAIL(
      10049,
      "The requested address is not valid in its context",
      "Cannot assign requested address: bind"),
  WSAEAFNOSUPPORT(
      10047,
      "An address incompatible with the requested protocol was used",
      "Protocol family unavailable");

  private final int code;
  private final String osMessage;
  private final String javaMessage;

  BindError(int code, String osMessage, String javaMessage) {
    this.code = code;
    this.osMessage = osMessage;
    this.javaMessage = javaMessage;
  }

  /** The errno (Linux x86-64) or Winsock error number. */
  public int code() {
    return code;
  }

  /** The operating system's own text for this error. */
  public String osMessage() {
    return osMessage;
  }

  /** The message of the {@code java.net.BindException} a JDK listener gets for this error. */
  public String javaMessage() {
    return javaMessage;
  }
}
