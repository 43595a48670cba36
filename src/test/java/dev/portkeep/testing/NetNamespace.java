package dev.portkeep.testing;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace of the test's own, joined to this host by a veth pair: a second "host" at
 * {@link #innerAddress()} that the host reaches at {@link #outerAddress()}'s side. {@link #cut()}
 * and {@link #heal()} take the link down and up. Needs root; names are unique per instance, and
 * {@link #close()} removes everything.
 */
public final class NetNamespace implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final String name;
  private final String hostSide;
  private final String subnet;

  private NetNamespace(String name, String hostSide, String subnet) {
    this.name = name;
    this.hostSide = hostSide;
    this.subnet = subnet;
  }

  /** Whether this process may create namespaces (root with the ip tool). */
  public static boolean available() {
    return "root".equals(System.getProperty("user.name"))
        && Command.run(Duration.ofSeconds(10), "ip", "netns", "list").exitCode() == 0;
  }

  public static NetNamespace create() {
    int id = ThreadLocalRandom.current().nextInt(0x1000, 0xffff);
    String name = "pk-" + Integer.toHexString(id);
    String hostSide = "pkh" + Integer.toHexString(id);
    String nsSide = "pkn" + Integer.toHexString(id);
    String subnet = "10.213." + (id & 0xff) + ".";
    NetNamespace ns = new NetNamespace(name, hostSide, subnet);
    try {
      ip("netns", "add", name);
      ip("link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
      ip("link", "set", nsSide, "netns", name);
      ip("addr", "add", subnet + "1/30", "dev", hostSide);
      ip("link", "set", hostSide, "up");
      ip("-n", name, "addr", "add", subnet + "2/30", "dev", nsSide);
      ip("-n", name, "link", "set", nsSide, "up");
      ip("-n", name, "link", "set", "lo", "up");
      return ns;
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  private static void ip(String... args) {
    String[] argv = new String[args.length + 1];
    argv[0] = "ip";
    System.arraycopy(args, 0, argv, 1, args.length);
    Command.run(TIMEOUT, argv).orThrow();
  }

  public String name() {
    return name;
  }

  /** The namespace's address, where its servers listen. */
  public String innerAddress() {
    return subnet + "2";
  }

  /** The host's address on the link. */
  public String outerAddress() {
    return subnet + "1";
  }

  /** The command prefix that runs a program inside the namespace. */
  public String[] exec() {
    return new String[] {"ip", "netns", "exec", name};
  }

  /** Takes the link down: packets in both directions are dropped, no FIN, no RST. */
  public void cut() {
    ip("link", "set", hostSide, "down");
  }

  public void heal() {
    ip("link", "set", hostSide, "up");
  }

  @Override
  public void close() {
    Command.run(TIMEOUT, "ip", "link", "del", hostSide);
    Command.run(TIMEOUT, "ip", "netns", "del", name);
  }
}
