package dev.portkeep.fuzz;

import dev.portkeep.forward.socks.SocksFuzzEntry;
import dev.portkeep.testing.Payloads;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** SOCKS 4, 4a and 5 CONNECT requests, as any local program may send them to a -D listener. */
final class SocksTarget implements FuzzTarget {
  @Override
  public String name() {
    return "socks";
  }

  @Override
  public List<byte[]> seeds() {
    HexFormat hex = HexFormat.of();
    return List.of(
        hex.parseHex("040101bb7f00000100"), // SOCKS4 CONNECT 127.0.0.1:443, empty user id
        hex.parseHex("0401005000000001616e6e00"), // SOCKS4a, user "ann", no host yet
        Payloads.concat(hex.parseHex("0401005000000001616e6e00"), bytes("db.internal\0")),
        hex.parseHex("050100"), // greeting: one method, no authentication
        Payloads.concat(
            hex.parseHex("05020200"), hex.parseHex("050100017f000001115c")), // then IPv4
        Payloads.concat(
            hex.parseHex("050100"),
            hex.parseHex("0501000310"),
            bytes("files.example.com"),
            hex.parseHex("01bd")),
        Payloads.concat(
            hex.parseHex("050100"),
            hex.parseHex("05010004"),
            new byte[15],
            new byte[] {1},
            hex.parseHex("0016")),
        hex.parseHex("050102")); // only GSSAPI offered
  }

  @Override
  public List<String> dictionary() {
    return List.of(
        "\u0004\u0001",
        "\u0005\u0001\u0000",
        "\u0000",
        "\u0000\u0000\u0000\u0001",
        "\u0003\u00ff",
        "\u0003\u0000",
        "\u0001",
        "\u0004",
        "localhost",
        "\u007f");
  }

  @Override
  public boolean binary() {
    return true;
  }

  @Override
  public int maxInput() {
    return SocksFuzzEntry.MAX_MESSAGE + 16;
  }

  @Override
  public void run(byte[] input) {
    SocksFuzzEntry.parse(input);
  }

  @Override
  public boolean documented(Throwable failure) {
    return false; // the parser answers every input with a Step
  }

  @Override
  public long fixedAllocation() {
    return 64 * 1024;
  }

  @Override
  public int perByteAllocation() {
    return 64;
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
