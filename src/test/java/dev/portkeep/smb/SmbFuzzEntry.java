package dev.portkeep.smb;

import java.util.HexFormat;

/**
 * The SMB2 NEGOTIATE decoder as the fuzzers in {@code dev.portkeep.fuzz} call it (it is
 * package-private). Its documented promise: it never throws on any input.
 */
public final class SmbFuzzEntry {
  /** Samba 4.17 answering portkeep's request with SMB 3.1.1 and two negotiate contexts. */
  public static final byte[] SAMBA_3_1_1 =
      HexFormat.of()
          .parseHex(
              "0000010cfe534d4240000000000000000000010001000000000000000000000000000000000000000000000000000000"
                  + "00000000000000000000000000000000000000004100010011030200766d000000000000000000000000000007000000"
                  + "000080000000800000008000d4358c3bbe7cdd01000000000000000080004a00d0000000604806062b0601050502a03e"
                  + "303ca00e300c060a2b06010401823702020aa32a3028a0261b246e6f745f646566696e65645f696e5f52464334313738"
                  + "40706c656173655f69676e6f7265000000000000010026000000000001002000010072793957935231f38648203eaf2c"
                  + "23f1665bc492f991b8c745810fb82223c4840000020004000000000001000200");

  private SmbFuzzEntry() {}

  /** What the probe does with an answer: asks how much is missing, then decodes it. */
  public static void decode(byte[] input) {
    Smb2Negotiate.missing(input, input.length);
    Smb2Negotiate.anyAnswer(input, input.length);
    ProbeResult result = Smb2Negotiate.decode("127.0.0.1:445", input, input.length);
    if (result.message() == null || result.message().isEmpty()) {
      throw new AssertionError("a result without a message: " + result);
    }
  }
}
