package dev.portkeep.forward.socks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Client-side SOCKS messages, byte for byte, for tests. */
final class SocksBytes {
  private SocksBytes() {}

  static byte[] socks4(int command, int[] ipv4, int port, String userId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(4);
    out.write(command);
    out.write(port >> 8);
    out.write(port);
    for (int b : ipv4) {
      out.write(b);
    }
    out.writeBytes(userId.getBytes(StandardCharsets.UTF_8));
    out.write(0);
    return out.toByteArray();
  }

  static byte[] socks4Connect(String ipv4, int port) {
    String[] parts = ipv4.split("\\.");
    int[] ip = new int[4];
    for (int i = 0; i < 4; i++) {
      ip[i] = Integer.parseInt(parts[i]);
    }
    return socks4(1, ip, port, "portkeep");
  }

  static byte[] socks4a(int command, String host, int port) {
    return concat(
        socks4(command, new int[] {0, 0, 0, 1}, port, "portkeep"),
        host.getBytes(StandardCharsets.UTF_8),
        new byte[] {0});
  }

  static byte[] greeting(int... methods) {
    byte[] out = new byte[2 + methods.length];
    out[0] = 5;
    out[1] = (byte) methods.length;
    for (int i = 0; i < methods.length; i++) {
      out[2 + i] = (byte) methods[i];
    }
    return out;
  }

  static byte[] socks5(int command, int addressType, byte[] address, int port) {
    return concat(
        new byte[] {5, (byte) command, 0, (byte) addressType},
        address,
        new byte[] {(byte) (port >> 8), (byte) port});
  }

  static byte[] socks5Ipv4(int command, int port) {
    return socks5(command, 1, new byte[] {127, 0, 0, 1}, port);
  }

  static byte[] socks5Domain(int command, String host, int port) {
    byte[] name = host.getBytes(StandardCharsets.UTF_8);
    return socks5(command, 3, concat(new byte[] {(byte) name.length}, name), port);
  }

  static byte[] socks5Ipv6Loopback(int command, int port) {
    byte[] address = new byte[16];
    address[15] = 1;
    return socks5(command, 4, address, port);
  }

  /** The greeting offering "no authentication" followed by a CONNECT request, as one buffer. */
  static byte[] socks5Connect(byte[] request) {
    return concat(greeting(0), request);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static byte[] socks5Reply(int code) {
    return new byte[] {5, (byte) code, 0, 1, 0, 0, 0, 0, 0, 0};
  }

  static byte[] socks4Reply(int code) {
    return new byte[] {0, (byte) code, 0, 0, 0, 0, 0, 0};
  }
}
