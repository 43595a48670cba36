package dev.portkeep.smb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.status.SmbAccess;
import dev.portkeep.status.SmbAccess.ClientCommand;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SmbClientsTest {
  private static SmbAccess at(String literal, int port, String share) throws Exception {
    return SmbClients.access(
        new InetSocketAddress(InetAddress.getByName(literal), port), Optional.ofNullable(share));
  }

  private static ClientCommand command(SmbAccess access, String os) {
    return access.commands().stream().filter(c -> c.os().equals(os)).findFirst().orElseThrow();
  }

  @Test
  void access_highPortWithShare_eachClientNamesThePort() throws Exception {
    SmbAccess a = at("127.0.0.1", 1445, "data");
    assertThat(a.share()).contains("data");
    assertThat(a.commands())
        .extracting(ClientCommand::os)
        .containsExactly("windows", "macos", "linux");
    assertThat(command(a, "linux").command()).isEqualTo("smbclient //127.0.0.1/data -p 1445");
    assertThat(command(a, "linux").note()).isEmpty();
    assertThat(command(a, "macos").command()).isEqualTo("open smb://127.0.0.1:1445/data");
    assertThat(command(a, "windows").command())
        .isEqualTo("net use \\\\127.0.0.1\\data /TCPPORT:1445");
    assertThat(command(a, "windows").note()).get().asString().contains("Windows 11 24H2");
  }

  @Test
  void access_port445_noClientNamesAPort() throws Exception {
    SmbAccess a = at("127.0.0.2", 445, "data");
    assertThat(command(a, "linux").command()).isEqualTo("smbclient //127.0.0.2/data");
    assertThat(command(a, "macos").command()).isEqualTo("open smb://127.0.0.2/data");
    assertThat(command(a, "windows").command()).isEqualTo("net use \\\\127.0.0.2\\data");
    assertThat(command(a, "windows").note()).isEmpty();
  }

  @Test
  void access_noShare_listsOrOpensTheServerAndNeverMakesUpAName() throws Exception {
    SmbAccess a = at("127.0.0.1", 1445, null);
    assertThat(a.share()).isEmpty();
    assertThat(command(a, "linux").command()).isEqualTo("smbclient -L //127.0.0.1 -p 1445");
    assertThat(command(a, "macos").command()).isEqualTo("open smb://127.0.0.1:1445/");
    assertThat(command(a, "windows").command())
        .isEqualTo("net use \\\\127.0.0.1\\<share> /TCPPORT:1445");
    assertThat(command(a, "windows").note())
        .get()
        .asString()
        .contains("in place of <share>")
        .contains("Windows 11 24H2");
    assertThat(a.commands())
        .extracting(ClientCommand::command)
        .noneMatch(c -> c.contains("/share"));
  }

  /** smbclient refuses {@code //[::1]/data} (NT_STATUS_NOT_FOUND) and takes {@code //::1/data}. */
  @Test
  void access_ipv6_eachClientWritesTheLiteralItsOwnWay() throws Exception {
    SmbAccess a = at("::1", 1445, "data");
    assertThat(command(a, "linux").command()).isEqualTo("smbclient //::1/data -p 1445");
    assertThat(command(a, "macos").command()).isEqualTo("open 'smb://[::1]:1445/data'");
    assertThat(command(a, "windows").command())
        .isEqualTo("net use \\\\0--1.ipv6-literal.net\\data /TCPPORT:1445");
    SmbAccess none = at("::1", 445, null);
    assertThat(command(none, "linux").command()).isEqualTo("smbclient -L //::1");
    assertThat(command(none, "macos").command()).isEqualTo("open 'smb://[::1]/'");
  }

  @Test
  void uncName_zerosAtEitherEnd_areWrittenOut() {
    assertThat(SmbClients.uncName("::1")).isEqualTo("0--1.ipv6-literal.net");
    assertThat(SmbClients.uncName("fd00::")).isEqualTo("fd00--0.ipv6-literal.net");
    assertThat(SmbClients.uncName("fe80::1%4")).isEqualTo("fe80--1s4.ipv6-literal.net");
  }

  @Test
  void access_shareWithSpaceAndQuote_isQuotedForEachShell() throws Exception {
    SmbAccess a = at("127.0.0.1", 1445, "bob's files");
    assertThat(command(a, "linux").command())
        .isEqualTo("smbclient '//127.0.0.1/bob'\\''s files' -p 1445");
    assertThat(command(a, "macos").command())
        .isEqualTo("open smb://127.0.0.1:1445/bob%27s%20files");
    assertThat(command(a, "windows").command())
        .isEqualTo("net use \"\\\\127.0.0.1\\bob's files\" /TCPPORT:1445");
  }

  @Test
  void access_wildcardListener_clientsHereUseLoopback() throws Exception {
    assertThat(command(at("0.0.0.0", 1445, "data"), "linux").command())
        .isEqualTo("smbclient //127.0.0.1/data -p 1445");
    assertThat(command(at("::", 1445, "data"), "linux").command())
        .isEqualTo("smbclient //::1/data -p 1445");
  }
}
