package dev.portkeep.bind;

import dev.portkeep.config.BindAddress;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.error.UsageException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where one of portkeep's own HTTP services listens (the metrics endpoint, the web page): one
 * socket, loopback unless the user named another address. A port alone or {@code localhost} is
 * 127.0.0.1, {@code *} every interface; host names are refused where the address is read, so none
 * is looked up here.
 */
public final class ServiceAddress {
  private ServiceAddress() {}

  /** The socket address {@code listen} means. */
  public static InetSocketAddress of(ForwardSyntax.Listen listen) {
    return switch (listen.bind()) {
      case BindAddress.Loopback l ->
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port(listen));
      case BindAddress.AllInterfaces a -> new InetSocketAddress(port(listen));
      case BindAddress.Literal lit -> new InetSocketAddress(literal(lit.address()), port(listen));
      case BindAddress.HostName h ->
          throw new UsageException(
              "not an IP address: '" + h.name() + "'",
              "write [address:]port with an IP address, e.g. 127.0.0.1:" + listen.port());
    };
  }

  private static int port(ForwardSyntax.Listen listen) {
    return listen.port();
  }

  private static InetAddress literal(String address) {
    try {
      return InetAddress.getByName(address); // an IP literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an IP literal did not parse: " + address, e);
    }
  }

  /**
   * Parses {@code [address:]port} as given on the command line for {@code option}, refusing host
   * names (they would be looked up, and the page's Host check needs the address itself).
   */
  public static ForwardSyntax.Listen parse(String text, String option) {
    ForwardSyntax.Listen listen;
    try {
      listen = ForwardSyntax.parseListen(text);
    } catch (UsageException e) {
      throw new UsageException(
          "bad address for " + option + ": '" + text + "'",
          "write [address:]port, IPv6 in brackets, e.g. " + option + " 127.0.0.1:9724",
          e);
    }
    if (listen.bind() instanceof BindAddress.HostName) {
      throw new UsageException(
          "not an IP address for " + option + ": '" + text + "'",
          "write [address:]port with an IP address, e.g. "
              + option
              + " 127.0.0.1:"
              + listen.port()
              + "; names are not looked up here");
    }
    return listen;
  }
}
