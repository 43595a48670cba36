package dev.portkeep.smb;

/** Names and hints for the NTSTATUS codes an SMB server may put on a NEGOTIATE response. */
final class Ntstatus {
  static final int STATUS_INVALID_PARAMETER = 0xC000000D;
  static final int STATUS_ACCESS_DENIED = 0xC0000022;
  static final int STATUS_INSUFFICIENT_RESOURCES = 0xC000009A;
  static final int STATUS_NOT_SUPPORTED = 0xC00000BB;
  static final int STATUS_REQUEST_NOT_ACCEPTED = 0xC00000D0;

  private Ntstatus() {}

  /** "STATUS_NOT_SUPPORTED (0xC00000BB)", or just the hex code for one not named here. */
  static String describe(int status) {
    String name =
        switch (status) {
          case STATUS_INVALID_PARAMETER -> "STATUS_INVALID_PARAMETER";
          case STATUS_ACCESS_DENIED -> "STATUS_ACCESS_DENIED";
          case STATUS_INSUFFICIENT_RESOURCES -> "STATUS_INSUFFICIENT_RESOURCES";
          case STATUS_NOT_SUPPORTED -> "STATUS_NOT_SUPPORTED";
          case STATUS_REQUEST_NOT_ACCEPTED -> "STATUS_REQUEST_NOT_ACCEPTED";
          default -> null;
        };
    String hex = String.format("0x%08X", status);
    return name == null ? "status " + hex : name + " (" + hex + ")";
  }

  static String hint(int status) {
    return switch (status) {
      case STATUS_NOT_SUPPORTED ->
          "the server speaks none of SMB 2.0.2 to 3.1.1; check its minimum and maximum protocol settings";
      case STATUS_REQUEST_NOT_ACCEPTED -> "the server accepts no more connections; try again later";
      default -> "read the file server's log for why it refused";
    };
  }
}
