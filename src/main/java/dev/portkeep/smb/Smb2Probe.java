package dev.portkeep.smb;

import dev.portkeep.config.IpLiterals;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Proves that an SMB server answers over a TCP connection: sends one SMB2 NEGOTIATE offering SMB
 * 2.0.2 to 3.1.1 and reads the answer into a {@link ProbeResult}. It never logs in, so it needs no
 * credentials and leaves no session on the server. The caller typically points it at the local end
 * of a tunnel; it never throws for anything the peer or the network does.
 */
public final class Smb2Probe {
  private static final int FIRST_READ = 1024;

  private Smb2Probe() {}

  /**
   * Connects to {@code address} and probes it; connecting and answering share one {@code timeout}.
   * An unresolved address is looked up first, outside the timeout.
   */
  public static ProbeResult probe(InetSocketAddress address, Duration timeout) {
    return probe(address, timeout, new SecureRandom());
  }

  /**
   * As {@link #probe(InetSocketAddress, Duration)}, over {@code unconnected}: a new socket the
   * caller may have bound to a source address first, to know the connection when it arrives. The
   * socket is closed when the probe is done.
   */
  public static ProbeResult probe(Socket unconnected, InetSocketAddress address, Duration timeout) {
    return probe(unconnected, address, timeout, new SecureRandom());
  }

  /**
   * As {@link #probe(InetSocketAddress, Duration)}, with the client GUID and salt drawn from {@code
   * random}.
   */
  static ProbeResult probe(InetSocketAddress address, Duration timeout, RandomGenerator random) {
    return probe(new Socket(), address, timeout, random);
  }

  private static ProbeResult probe(
      Socket unconnected, InetSocketAddress address, Duration timeout, RandomGenerator random) {
    String peer = peer(address);
    try (Socket socket = unconnected) {
      long deadline = deadline(timeout);
      InetSocketAddress target =
          address.isUnresolved()
              ? new InetSocketAddress(address.getHostString(), address.getPort())
              : address;
      if (target.isUnresolved()) {
        return new ProbeResult.Failed(
            peer,
            "cannot resolve host '" + address.getHostString() + "'",
            "check the host name, or use an IP address");
      }
      try {
        socket.connect(target, remainingMillis(deadline));
      } catch (SocketTimeoutException e) {
        return new ProbeResult.TimedOut(peer, ProbeResult.TimedOut.Stage.CONNECT, timeout);
      } catch (ConnectException e) {
        if (String.valueOf(e.getMessage()).contains("refused")) {
          return new ProbeResult.Refused(peer);
        }
        return new ProbeResult.Failed(
            peer, "cannot connect: " + e.getMessage(), "check the host and port");
      }
      return exchange(socket, peer, deadline, timeout, random);
    } catch (IOException e) {
      return new ProbeResult.Failed(
          peer, "cannot connect: " + e.getMessage(), "check the host and port");
    }
  }

  /**
   * Probes over a socket that is already connected, such as one accepted by a tunnel; the socket is
   * left open for the caller to close, but after the probe it carries nothing useful.
   */
  public static ProbeResult probe(Socket connected, Duration timeout) {
    if (!connected.isConnected()) {
      throw new IllegalArgumentException("socket is not connected: " + connected);
    }
    String peer =
        connected.getRemoteSocketAddress() instanceof InetSocketAddress a
            ? peer(a)
            : String.valueOf(connected.getRemoteSocketAddress());
    return exchange(connected, peer, deadline(timeout), timeout, new SecureRandom());
  }

  private static ProbeResult exchange(
      Socket socket, String peer, long deadline, Duration timeout, RandomGenerator random) {
    byte[] salt = new byte[Smb2Negotiate.SALT_LENGTH];
    random.nextBytes(salt);
    byte[] request = Smb2Negotiate.request(new UUID(random.nextLong(), random.nextLong()), salt);
    try {
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
    } catch (IOException e) {
      // The peer may have spoken and hung up already (an SSH banner, say): what it sent still
      // tells.
    }
    byte[] received = new byte[FIRST_READ];
    int length = 0;
    try {
      InputStream in = socket.getInputStream();
      for (int need; (need = Smb2Negotiate.missing(received, length)) > 0; ) {
        if (length + need > received.length) {
          received = Arrays.copyOf(received, length + need);
        }
        socket.setSoTimeout(remainingMillis(deadline));
        int n = in.read(received, length, received.length - length);
        if (n < 0) {
          return Smb2Negotiate.anyAnswer(received, length)
              ? Smb2Negotiate.decode(peer, received, length)
              : new ProbeResult.ClosedWithoutAnswer(peer, false);
        }
        length += n;
      }
      return Smb2Negotiate.decode(peer, received, length);
    } catch (SocketTimeoutException e) {
      return Smb2Negotiate.anyAnswer(received, length)
          ? Smb2Negotiate.decode(peer, received, length)
          : new ProbeResult.TimedOut(peer, ProbeResult.TimedOut.Stage.ANSWER, timeout);
    } catch (IOException e) {
      return Smb2Negotiate.anyAnswer(received, length)
          ? Smb2Negotiate.decode(peer, received, length)
          : new ProbeResult.ClosedWithoutAnswer(peer, true);
    }
  }

  private static long deadline(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, not " + timeout);
    }
    return System.nanoTime() + timeout.toNanos();
  }

  /**
   * Milliseconds left before {@code deadline}, at least 1: 0 would mean "wait forever" to a socket.
   */
  private static int remainingMillis(long deadline) throws SocketTimeoutException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }

  static String peer(InetSocketAddress address) {
    return IpLiterals.hostPort(address.getHostString(), address.getPort());
  }
}
