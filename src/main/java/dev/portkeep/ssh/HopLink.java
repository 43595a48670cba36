package dev.portkeep.ssh;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.Hop;
import dev.portkeep.error.UnreachableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;

/**
 * How the SSH connection to one server of the route travels: TCP to the server, a {@code
 * direct-tcpip} channel of the previous hop's session ({@code -J}), or a ProxyCommand's standard
 * input and output; the last two through a {@link LoopbackBridge}, since MINA only connects to
 * socket addresses. It also words what went wrong on the way, naming the route.
 */
final class HopLink {
  private final Hop hop;
  private final Hop viaHop;
  private final AddressFamily family;
  private final LoopbackBridge bridge;
  private final ProxyCommand proxy;

  private HopLink(
      Hop hop, Hop viaHop, AddressFamily family, LoopbackBridge bridge, ProxyCommand proxy) {
    this.hop = hop;
    this.viaHop = viaHop;
    this.family = family;
    this.bridge = bridge;
    this.proxy = proxy;
  }

  /**
   * Connects {@code client} to {@code hop}: through {@code via} (the previous hop's session) when
   * there is one, else through {@code proxyCommand} when given, else by TCP to each of the server's
   * addresses of {@code family} in turn, as OpenSSH does. Returns the session; what it opens is
   * added to {@code chain}, to be closed with the session. {@link #failure} and {@link
   * #unreachable} explain a failure later in the handshake.
   */
  static HopLink open(
      Hop hop,
      Hop viaHop,
      AddressFamily family,
      Optional<String> proxyCommand,
      List<AutoCloseable> chain) {
    if (viaHop == null && proxyCommand.isEmpty()) {
      return new HopLink(hop, null, family, null, null);
    }
    ProxyCommand proxy = null;
    if (viaHop == null) {
      try {
        proxy = ProxyCommand.start(proxyCommand.get());
      } catch (IOException e) {
        throw new UnreachableException(
            "cannot start ProxyCommand '" + proxyCommand.get() + "': " + e.getMessage(),
            "check that /bin/sh can run it",
            e);
      }
      chain.add(proxy);
    }
    HopLink link = new HopLink(hop, viaHop, family, null, proxy);
    try {
      LoopbackBridge bridge = LoopbackBridge.listen();
      chain.add(bridge);
      return new HopLink(hop, viaHop, family, bridge, proxy);
    } catch (IOException e) {
      throw link.unreachable(e);
    }
  }

  /** Connects and, through a bridge, admits the connection to the jump channel or the command. */
  ClientSession connect(
      SshClient client, ClientSession via, Duration timeout, List<AutoCloseable> chain) {
    ClientSession session;
    try {
      session =
          bridge == null
              ? connectDirect(client, timeout)
              : client.connect(hop.user(), "127.0.0.1", bridge.port()).verify(timeout).getSession();
    } catch (IOException | UnresolvedAddressException e) {
      throw unreachable(e);
    }
    chain.add(() -> session.close(true));
    if (bridge != null) {
      int clientPort = ((InetSocketAddress) session.getIoSession().getLocalAddress()).getPort();
      if (proxy != null) {
        bridge.admit(clientPort, proxy, e -> "the ProxyCommand's connection broke: " + e);
        session.addCloseFutureListener(f -> Thread.ofVirtual().start(proxy::close));
      } else {
        JumpChannel jump = new JumpChannel(via, hop);
        bridge.admit(clientPort, jump, jump::describe);
      }
    }
    return session;
  }

  /**
   * Tries the server's addresses of the family in the resolver's order, each with the whole
   * timeout, and returns the first session; a server that listens on only one of its addresses is
   * reached as with OpenSSH. The last address's failure is the one reported.
   */
  private ClientSession connectDirect(SshClient client, Duration timeout) throws IOException {
    List<InetAddress> addresses =
        Arrays.stream(InetAddress.getAllByName(hop.host()))
            .filter(a -> a instanceof Inet4Address ? family.allowsInet() : family.allowsInet6())
            .toList();
    if (addresses.isEmpty()) {
      boolean v4 = family == AddressFamily.INET;
      throw new UnreachableException(
          "cannot reach ssh server "
              + hop.host()
              + ":"
              + hop.port()
              + ": it has no "
              + (v4 ? "IPv4" : "IPv6")
              + " address, and "
              + (v4 ? "-4" : "-6")
              + " allows no other",
          "drop " + (v4 ? "-4" : "-6") + ", or name the server by an address of that family",
          null);
    }
    IOException last = null;
    for (InetAddress address : addresses) {
      // Without its name, so that MINA, which connects by name, cannot resolve it again.
      InetAddress literal = InetAddress.getByAddress(address.getAddress());
      try {
        return client
            .connect(hop.user(), new InetSocketAddress(literal, hop.port()))
            .verify(timeout)
            .getSession();
      } catch (IOException e) {
        last = e;
      }
    }
    throw Objects.requireNonNull(last);
  }

  /** Why the way to the server failed, when it did: a broken jump, an exited ProxyCommand. */
  Optional<String> failure() {
    if (proxy != null) {
      Optional<String> exited = proxy.exited(Duration.ofSeconds(1));
      if (exited.isPresent()) {
        return exited;
      }
    }
    return Optional.ofNullable(bridge == null ? null : bridge.failure());
  }

  UnreachableException unreachable(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String where =
        "ssh server "
            + hop.host()
            + ":"
            + hop.port()
            + (viaHop != null
                ? " through " + viaHop.display()
                : proxy != null ? " through ProxyCommand '" + proxy.command() + "'" : "");
    Optional<String> failure = failure();
    if (failure.isPresent()) {
      return new UnreachableException(
          "cannot reach " + where + ": " + failure.get(),
          proxy != null
              ? "run the ProxyCommand by hand to see why; its standard input and output must carry"
                  + " the SSH connection"
              : "check the host and port of the next hop, and that the jump host may connect to it",
          e);
    }
    if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
      return new UnreachableException(
          "cannot resolve " + where + ": unknown host name", "check the host name", e);
    }
    if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
      return new UnreachableException(
          "cannot reach " + where + ": " + root.getMessage(),
          "check the host and port (-p), and that an SSH server runs there",
          e);
    }
    String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return new UnreachableException(
        "cannot set up a session with " + where + ": " + why,
        "check that the port is an SSH server's; -v shows the exchange",
        e);
  }
}
