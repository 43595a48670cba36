package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.smb.SmbClients;
import dev.portkeep.status.SessionInfo;
import dev.portkeep.status.StatusJson;
import dev.portkeep.status.TunnelObserver;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The plain-text status, rendered from the JSON the status document makes of a real observer. */
class StatusTextTest {
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private final TunnelObserver observer =
      new TunnelObserver("files", Clock.fixed(T0, ZoneOffset.UTC), change -> {});
  private final ForwardSpec.Local smb = ForwardSyntax.parseLocal("127.0.0.2:4455:fs:445");
  private final ForwardSpec.Local db = ForwardSyntax.parseLocal("5432:db:5432");

  private void up() {
    observer.starting("alice@gw:22", List.of(smb, db));
    observer.connected("alice@gw:22", new SessionInfo("SSH-2.0-OpenSSH_9.2", "aes128-gcm"));
  }

  /** What the SMB forward's listener tells clients, as {@code up} hands it to the observer. */
  private void smbListening(Optional<String> share) {
    observer.smb(smb, SmbClients.access(new InetSocketAddress("127.0.0.2", 4455), share));
  }

  private List<String> render() {
    return StatusText.render(StatusJson.document(List.of(observer.snapshot())), T0);
  }

  @Test
  void smbForward_namedShare_showsTheShareAndEachCommandAloneAfterItsOs() {
    up();
    smbListening(Optional.of("data"));
    List<String> lines = render();

    int forward = indexOf(lines, "-L 127.0.0.2:4455:fs:445");
    assertThat(lines.subList(forward + 1, forward + 6))
        .containsExactly(
            "      smb share data",
            "        windows  net use \\\\127.0.0.2\\data /TCPPORT:4455",
            "                 a port other than 445 needs Windows 11 24H2 or Windows Server 2025"
                + " (net use /TCPPORT)",
            "        macos    open smb://127.0.0.2:4455/data",
            "        linux    smbclient //127.0.0.2/data -p 4455");
    assertThat(lines.get(forward + 6)).startsWith("  -L 5432:db:5432 ");
  }

  @Test
  void smbForward_noShare_saysSoAndNotesWhatEachCommandLeavesToTheUser() {
    up();
    smbListening(Optional.empty());
    List<String> lines = render();

    int forward = indexOf(lines, "-L 127.0.0.2:4455:fs:445");
    assertThat(lines.get(forward + 1)).isEqualTo("      smb: no share named in the tunnels file");
    assertThat(lines.subList(forward + 2, forward + 8))
        .containsExactly(
            "        windows  net use \\\\127.0.0.2\\<share> /TCPPORT:4455",
            "                 put the name of a share on the file server in place of <share> (net"
                + " use needs one; name it with share in the tunnel's smb table to see it here);"
                + " a port other than 445 needs Windows 11 24H2 or Windows Server 2025 (net use"
                + " /TCPPORT)",
            "        macos    open smb://127.0.0.2:4455/",
            "                 Finder connects and offers the shares",
            "        linux    smbclient -L //127.0.0.2 -p 4455",
            "                 lists the shares; open one with smbclient //127.0.0.2/NAME -p 4455");
    assertThat(lines.get(forward + 8)).startsWith("  -L 5432:db:5432 ");
  }

  @Test
  void forwardsOfNoSmbTunnel_haveNoSmbLines() {
    up();
    assertThat(render()).hasSize(3).noneMatch(l -> l.contains("smb"));
  }

  private static int indexOf(List<String> lines, String spec) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("  " + spec + " ")) {
        return i;
      }
    }
    throw new AssertionError("no line for " + spec + " in " + lines);
  }
}
