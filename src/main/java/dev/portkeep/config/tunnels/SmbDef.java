package dev.portkeep.config.tunnels;

import dev.portkeep.config.BindAddress;
import dev.portkeep.config.Destination;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.error.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An SMB tunnel's choices, those of {@code portkeep smb}.
 *
 * @param fileserver the file server as the gateway sees it, {@code host:port} (written {@code
 *     host[:port]}, port 445 unless given; default {@code localhost:445}, the gateway itself)
 * @param netbios also forward port 139 on the same address ({@code --netbios})
 * @param listen {@code address:port} to listen on ({@code --listen}); empty: portkeep chooses
 * @param share the share name shown in the client commands ({@code --share})
 */
public record SmbDef(String fileserver, boolean netbios, Optional<String> listen, String share) {
  public static final String DEFAULT_FILESERVER = "localhost:445";
  public static final String DEFAULT_SHARE = "share";
  static final int SMB_PORT = 445;
  static final int NETBIOS_PORT = 139;

  /**
   * @throws UsageException for a file server, listen address or share {@code portkeep smb} would
   *     refuse
   */
  public SmbDef {
    fileserver = target(Objects.requireNonNull(fileserver, "fileserver"));
    listen = Objects.requireNonNull(listen, "listen").map(SmbDef::listenSpec);
    Objects.requireNonNull(share, "share");
    if (share.isBlank() || share.chars().anyMatch(c -> "/\\".indexOf(c) >= 0 || c < ' ')) {
      throw new UsageException(
          "bad share name " + Quote.of(share),
          "give the share's name alone, e.g. share = \"data\"");
    }
  }

  /** {@code host:port} for a file server written {@code host[:port]}; IPv6 in brackets. */
  public static String target(String fileserver) {
    Destination d = Destination.parse(fileserver);
    if (d.user().isPresent()) {
      throw new UsageException(
          "bad file server " + Quote.of(fileserver) + ": no user name here",
          "give the file server as host[:port]; the SMB user name goes to the SMB client");
    }
    String host = d.host().indexOf(':') >= 0 ? "[" + d.host() + "]" : d.host();
    return host + ":" + d.port().orElse(SMB_PORT);
  }

  /**
   * {@code address:port} for a listen address written as {@code --listen} takes it: an IP address
   * (port 445), an address and port, or a port alone (on 127.0.0.1).
   */
  public static String listenSpec(String text) {
    String spec;
    if (text.matches("\\d+")) {
      spec = "127.0.0.1:" + text;
    } else if (text.startsWith("[")) {
      spec = text.contains("]:") ? text : text + ":" + SMB_PORT;
    } else {
      spec = text.indexOf(':') < 0 ? text + ":" + SMB_PORT : text;
    }
    ForwardSyntax.Listen parsed = ForwardSyntax.parseListen(spec);
    if (!(parsed.bind() instanceof BindAddress.Literal literal)) {
      throw new UsageException(
          "bad SMB listen address "
              + Quote.of(text)
              + ": give an IP address, e.g. 127.0.0.5 or [::1]:1445",
          "the SMB listener must be one address that clients can name");
    }
    return literal + ":" + parsed.port();
  }

  /**
   * The {@code -L} specs of this SMB tunnel once its listener is known ({@code listenSpec} as
   * {@code address:port}): the file server's port, and 139 on both sides with {@code netbios}.
   */
  public List<String> forwards(String listenSpec) {
    List<String> specs = new ArrayList<>(List.of(listenSpec + ":" + fileserver));
    if (netbios) {
      specs.add(
          listenSpec.replaceFirst(":\\d+$", ":" + NETBIOS_PORT)
              + ":"
              + fileserver.replaceFirst(":\\d+$", ":" + NETBIOS_PORT));
    }
    return specs;
  }
}
