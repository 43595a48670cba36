package dev.portkeep.config.tunnels;

import dev.portkeep.config.Endpoint;
import dev.portkeep.config.SmbAddresses;
import dev.portkeep.error.UsageException;
import java.util.Objects;
import java.util.Optional;

/**
 * An SMB tunnel's choices, those of {@code portkeep smb}; {@link SmbAddresses} owns their forms.
 *
 * @param fileserver the file server as the gateway sees it (written {@code host[:port]}, port 445
 *     unless given; {@code localhost:445}, the gateway itself, when not written)
 * @param netbios also forward port 139 on the same address ({@code --netbios})
 * @param listen where to listen, as written ({@code --listen}: an IP address, with a port or not,
 *     or a port alone); empty: chosen as {@code portkeep smb} chooses
 * @param share the share named in the client commands ({@code --share}); empty when the file does
 *     not name one, and the commands then list the shares instead of guessing a name
 */
public record SmbDef(
    Endpoint fileserver, boolean netbios, Optional<String> listen, Optional<String> share) {

  /** How the listen address is named in messages. */
  static final String LISTEN_OPTION = "listen";

  /**
   * @throws UsageException for a listen address or share {@code portkeep smb} would refuse
   */
  public SmbDef {
    Objects.requireNonNull(fileserver, "fileserver");
    Objects.requireNonNull(listen, "listen").ifPresent(l -> SmbAddresses.listen(l, LISTEN_OPTION));
    Objects.requireNonNull(share, "share").ifPresent(SmbDef::checkShare);
  }

  private static void checkShare(String share) {
    if (share.isBlank() || share.chars().anyMatch(c -> "/\\".indexOf(c) >= 0 || c < ' ')) {
      throw new UsageException(
          "bad share name " + Quote.of(share),
          "give the share's name alone, e.g. share = \"data\"");
    }
  }

  /** The file server when {@code fileserver} is not written: the gateway itself. */
  public static Endpoint defaultFileServer() {
    return SmbAddresses.fileServer(null);
  }

  /** The address {@code listen} names; empty when it is to be chosen. */
  public Optional<SmbAddresses.Listen> listenAddress() {
    return listen.map(l -> SmbAddresses.listen(l, LISTEN_OPTION));
  }
}
