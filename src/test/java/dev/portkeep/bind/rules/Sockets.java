package dev.portkeep.bind.rules;

/** Short ways to write sockets and planned binds in tests. */
final class Sockets {
  static final int PORT = 8080;
  static final Principal ROOT = new Principal.LinuxUser(0, "root");
  static final Principal NOBODY = new Principal.LinuxUser(65534, "nobody");
  static final Caller ROOT_CALLER = new Caller(ROOT, Privilege.PRIVILEGED);
  static final Caller NOBODY_CALLER = new Caller(NOBODY, Privilege.UNPRIVILEGED);
  static final ProcessRef NGINX = new ProcessRef.Seen(812, "nginx", "nginx: master process");

  private Sockets() {}

  /** A point whose family follows the literal: a colon means INET6, so mapped stays mapped. */
  static BindPoint at(String literal, int port) {
    return BindPoint.of(literal.contains(":") ? Family.INET6 : Family.INET, literal, port);
  }

  static SocketOptions options(boolean v6Only, boolean reuseAddr, boolean reusePort) {
    return SocketOptions.NONE.withV6Only(v6Only).withReuseAddr(reuseAddr).withReusePort(reusePort);
  }

  static SocketEntry entry(String literal, TcpState state, SocketOptions options, Principal owner) {
    return new SocketEntry(at(literal, PORT), state, options, owner, NGINX);
  }

  static PlannedBind plan(String literal, SocketOptions options, Caller caller) {
    return new PlannedBind(at(literal, PORT), options, caller);
  }
}
