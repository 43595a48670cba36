package dev.portkeep.demo;

import dev.portkeep.Tunnel;
import dev.portkeep.bind.Listeners;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.config.SessionSettings;
import dev.portkeep.config.StrictHostKeyChecking;
import dev.portkeep.config.TunnelPlan;
import dev.portkeep.forward.ForwardStats;
import dev.portkeep.ssh.DemoServer;
import dev.portkeep.ssh.Prompts;
import dev.portkeep.status.TunnelEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code portkeep demo}: a complete tunnel on this machine with no setup. An embedded SSH server,
 * an echo service behind it, and a real portkeep tunnel through which the demo sends traffic.
 */
public final class Demo implements AutoCloseable {
  static final int PAYLOAD_BYTES = 4 * 1024 * 1024;
  public static final int ROUND_TRIPS = 101;

  private final Path dir;
  private final EchoService echo;
  private final DemoServer server;
  private final Tunnel tunnel;

  private Demo(Path dir, EchoService echo, DemoServer server, Tunnel tunnel) {
    this.dir = dir;
    this.echo = echo;
    this.server = server;
    this.tunnel = tunnel;
  }

  /** What the demo's traffic showed. */
  public record Exchange(
      InetSocketAddress via,
      Duration firstByte,
      int bytes,
      boolean intact,
      Duration medianRoundTrip,
      Duration slowestRoundTrip,
      ForwardStats stats) {}

  /** Starts the server, the echo service and a tunnel {@code localhost:0 -> echo} through it. */
  public static Demo start(Listeners listeners) throws IOException {
    return start(listeners, Optional.empty());
  }

  /** {@link #start(Listeners)} with a server that offers only {@code cipher}, if one is given. */
  static Demo start(Listeners listeners, Optional<String> cipher) throws IOException {
    Path dir = Files.createTempDirectory("portkeep-demo");
    EchoService echo = null;
    DemoServer server = null;
    try {
      echo = new EchoService();
      server = DemoServer.start(dir, echo.address(), cipher);
      SessionSettings session =
          SessionSettings.direct(
              "127.0.0.1",
              server.port(),
              "demo",
              List.of(server.clientKey()),
              List.of(server.knownHosts()),
              StrictHostKeyChecking.YES);
      TunnelPlan plan =
          new TunnelPlan(
              session,
              List.of(ForwardSyntax.parseLocal("0:127.0.0.1:" + echo.address().getPort())));
      Tunnel tunnel = Tunnel.open(plan, Prompts.NONE, listeners, TunnelEvents.NONE);
      return new Demo(dir, echo, server, tunnel);
    } catch (IOException | RuntimeException e) {
      closeQuietly(server, e);
      closeQuietly(echo, e);
      deleteTree(dir);
      throw e;
    }
  }

  public Tunnel tunnel() {
    return tunnel;
  }

  public DemoServer server() {
    return server;
  }

  public InetSocketAddress target() {
    return echo.address();
  }

  /** Sends a payload through the tunnel and times one-byte round trips. */
  public Exchange exercise() throws IOException {
    InetSocketAddress via = tunnel.bound().get(0).address();
    byte[] payload = new byte[PAYLOAD_BYTES];
    new Random(42).nextBytes(payload);
    try (Socket socket = new Socket(via.getAddress(), via.getPort())) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      long[] rtts = roundTrips(socket);
      boolean intact = bulk(socket, payload);
      Duration first = Duration.ofNanos(rtts[0]);
      long[] rest = Arrays.copyOfRange(rtts, 1, rtts.length);
      Arrays.sort(rest);
      Duration median = Duration.ofNanos(rest[rest.length / 2]);
      Duration slowest = Duration.ofNanos(rest[rest.length - 1]);
      return new Exchange(
          via, first, payload.length, intact, median, slowest, tunnel.forwarders().get(0).stats());
    }
  }

  private static long[] roundTrips(Socket socket) throws IOException {
    long[] rtts = new long[ROUND_TRIPS];
    OutputStream out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    for (int i = 0; i < ROUND_TRIPS; i++) {
      long start = System.nanoTime();
      out.write(i);
      out.flush();
      if (in.read() != i) {
        throw new IOException("the echo came back wrong");
      }
      rtts[i] = System.nanoTime() - start;
    }
    return rtts;
  }

  /**
   * Writes {@code payload} on a virtual thread while reading the echo back; whether all of it came
   * back unchanged.
   */
  static boolean bulk(Socket socket, byte[] payload) throws IOException {
    OutputStream out = socket.getOutputStream();
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    out.write(payload);
                    out.flush();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
    byte[] back = socket.getInputStream().readNBytes(payload.length);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Arrays.equals(sha256(back), sha256(payload));
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    tunnel.close(Duration.ofSeconds(1));
    closeQuietly(server, null);
    closeQuietly(echo, null);
    deleteTree(dir);
  }

  private static void closeQuietly(AutoCloseable c, Exception primary) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      if (primary != null) {
        primary.addSuppressed(e);
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temporary folder left behind is harmless.
    }
  }
}
