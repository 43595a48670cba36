package dev.portkeep.fuzz;

import dev.portkeep.smb.SmbFuzzEntry;
import dev.portkeep.testing.Payloads;
import java.util.HexFormat;
import java.util.List;

/** SMB2 NEGOTIATE answers, as whatever listens on the file server's port may send them. */
final class SmbTarget implements FuzzTarget {
  @Override
  public String name() {
    return "smb2";
  }

  @Override
  public List<byte[]> seeds() {
    byte[] samba = SmbFuzzEntry.SAMBA_3_1_1;
    byte[] smb21 = samba.clone();
    smb21[4 + 64 + 4] = 0x10; // dialect 0x0210
    smb21[4 + 64 + 5] = 0x02;
    byte[] smb30 = samba.clone();
    smb30[4 + 64 + 4] = 0x00; // dialect 0x0300, no contexts read
    smb30[4 + 64 + 5] = 0x03;
    byte[] keepalive = Payloads.concat(HexFormat.of().parseHex("85000000"), samba);
    byte[] smb1 =
        HexFormat.of().parseHex("00000025ff534d4272000000008801c8000000000000000000000000");
    byte[] negative = HexFormat.of().parseHex("8300000182");
    byte[] status = samba.clone();
    status[4 + 8] = 0x22; // STATUS_ACCESS_DENIED
    status[4 + 11] = (byte) 0xC0;
    return List.of(samba, smb21, smb30, keepalive, smb1, negative, status);
  }

  @Override
  public List<String> dictionary() {
    return List.of(
        "\u00feSMB",
        "\u00ffSMB",
        "\u0000\u0000\u0001\u000c",
        "\u0011\u0003",
        "\u0002\u0002",
        "\u0001\u0000",
        "\u0002\u0000");
  }

  @Override
  public boolean binary() {
    return true;
  }

  @Override
  public int maxInput() {
    return 4096;
  }

  @Override
  public void run(byte[] input) {
    SmbFuzzEntry.decode(input);
  }

  @Override
  public boolean documented(Throwable failure) {
    return false; // "never throws on any input"
  }

  @Override
  public long fixedAllocation() {
    return 64 * 1024;
  }

  @Override
  public int perByteAllocation() {
    return 16;
  }
}
