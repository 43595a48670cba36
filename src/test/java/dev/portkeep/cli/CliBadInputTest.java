package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad input that needs no server: one line naming the value, a hint, exit 2. */
class CliBadInputTest {
  @TempDir Path home;

  private CliRun run(String... args) {
    return CliRun.run(home, args);
  }

  private static void assertUsageError(CliRun run, String message) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .contains("portkeep: " + message.substring(0, Math.min(message.length(), 200)));
    assertThat(run.err()).contains("hint: ");
    assertThat(run.err()).doesNotContain("at dev.portkeep").doesNotContain("Exception");
    assertThat(run.err().lines().count()).isLessThanOrEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource({
    "65536:h:80, invalid port '65536' in '-L 65536:h:80' (must be 0-65535)",
    "-1:h:80, invalid port '-1' in '-L -1:h:80'",
    "80x:h:80, invalid port '80x' in '-L 80x:h:80'",
    "8080:h, bad forwarding spec '-L 8080:h': expected [bind_address:]port:host:hostport",
    "::1:8080:h:80, ambiguous IPv6 address in '-L ::1:8080:h:80'",
  })
  void localForward_badSpec_exits2NamingTheValue(String spec, String message) {
    CliRun run = run("-L", spec, "gw");
    assertUsageError(run, message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-R | 8080:h | bad forwarding spec '-R 8080:h'",
        "-R | 70000:h:80 | invalid port '70000' in '-R 70000:h:80'",
        "-R | ::1:80:h:80 | ambiguous IPv6 address in '-R ::1:80:h:80'",
        "-D | 1080:x:y | bad forwarding spec '-D 1080:x:y': expected [bind_address:]port",
        "-D | ::1:1080 | ambiguous IPv6 address in '-D ::1:1080'",
        "-D | socks | invalid port 'socks' in '-D socks'",
        "-J | , | bad jump list ',': empty entry",
        "-J | host:99999 | invalid port '99999' in 'host:99999'",
        "-J | @host | bad destination '@host'",
      })
  void otherForwardsAndJumps_badSpec_exit2NamingTheValue(String flag, String spec, String message) {
    assertUsageError(run(flag, spec, "gw"), message);
  }

  @Test
  void duplicateRemoteForwards_exit2() {
    assertUsageError(
        run("-R", "9000:a:1", "-R", "9000:b:2", "gw"), "duplicate forward on localhost:9000");
  }

  @Test
  void dynamicAndLocalOnTheSameListenAddress_exit2() {
    assertUsageError(
        run("-L", "1080:a:1", "-D", "1080", "gw"),
        "duplicate forward on localhost:1080: '-L 1080:a:1' and '-D 1080'");
  }

  @ParameterizedTest
  @CsvSource({
    "ServerAliveInterval=often, invalid value 'often' for ServerAliveInterval",
    "ServerAliveCountMax=0, invalid value '0' for ServerAliveCountMax",
    "Reconnect=maybe, invalid value 'maybe' for Reconnect",
    "ReconnectHold=-1, invalid value '-1' for ReconnectHold",
  })
  void keepaliveAndReconnectOptions_badValue_exit2(String option, String message) {
    assertUsageError(run("-o", option, "-L", "1:h:2", "gw"), message);
  }

  @Test
  void localForward_unbracketedIpv6_hintShowsTheBracketedForm() {
    assertThat(run("-L", "::1:8080:h:80", "gw").err())
        .contains("hint: write it as -L [::1]:8080:h:80");
  }

  @Test
  void localForward_attachedValue_isParsedLikeOpenSsh() {
    CliRun run = run("-L65536:h:80", "gw");
    assertUsageError(run, "invalid port '65536'");
  }

  @Test
  void twoForwardsOnTheSameListenAddress_exit2() {
    assertUsageError(
        run("-L", "3301:a:1", "-L", "3301:b:2", "gw"), "duplicate forward on localhost:3301");
  }

  @Test
  void unknownDashOKey_exit2NamingIt() {
    assertUsageError(
        run("-o", "Frobnicate=yes", "-L", "1:h:2", "gw"), "unknown option 'Frobnicate'");
  }

  @Test
  void unknownFlag_exit2NamingIt() {
    CliRun run = run("-X", "-L", "1:h:2", "gw");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("unknown option: '-X'").contains("hint: see portkeep --help");
  }

  @Test
  void missingIdentityFile_exit2NamingIt() {
    assertUsageError(
        run("-i", "/nonexistent/key", "-L", "1:h:2", "gw"),
        "identity file '/nonexistent/key' does not exist");
  }

  @Test
  void remoteCommand_exit2() {
    assertUsageError(
        run("-L", "1:h:2", "gw", "ls", "-l"), "portkeep does not run remote commands: 'ls -l'");
  }

  @Test
  void noServer_exit2() {
    assertUsageError(run("-L", "1:h:2"), "no server given");
  }

  @Test
  void nothingToForward_exit2() {
    assertUsageError(run("gw"), "nothing to forward");
  }

  @Test
  void bothFamilies_exit2() {
    assertUsageError(run("-4", "-6", "-L", "1:h:2", "gw"), "-4 and -6 were both given");
  }

  @Test
  void badPortFlag_exit2() {
    assertUsageError(run("-p", "70000", "-L", "1:h:2", "gw"), "invalid port '70000' for -p");
  }

  @Test
  void keyReadableByOthers_refusedInOpenSshWords(@TempDir Path keys) throws Exception {
    Path key = sshKeygen(keys, "id_ed25519", "");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    CliRun run = run("-i", key.toString(), "-L", "0:h:2", "127.0.0.1");
    assertUsageError(
        run, "UNPROTECTED PRIVATE KEY FILE: Permissions 0644 for '" + key + "' are too open");
    assertThat(run.err()).contains("chmod 600");
  }

  @Test
  void encryptedKeyWithoutTerminal_exit2NamingTheFile(@TempDir Path keys) throws Exception {
    Path key = sshKeygen(keys, "id_enc", "secret phrase");
    CliRun run = run("-i", key.toString(), "-L", "0:h:2", "127.0.0.1");
    assertUsageError(
        run,
        "identity file '"
            + key
            + "' is encrypted and there is no terminal to ask for its passphrase");
  }

  @Test
  void listenPortHeldByAnotherSocket_exit5NamingTheAddress() throws IOException {
    try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = holder.getLocalPort();
      CliRun run = run("-L", "127.0.0.1:" + port + ":h:80", "127.0.0.1");
      assertThat(run.exitCode()).as(run.err()).isEqualTo(5);
      assertThat(run.err())
          .contains("cannot listen on 127.0.0.1:" + port)
          .contains("Address already in use")
          .contains("hint: ");
    }
  }

  @Test
  void exitOnForwardFailureNo_everyListenerTaken_stillExit5() throws IOException {
    try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CliRun run =
          run(
              "-o",
              "ExitOnForwardFailure=no",
              "-L",
              "127.0.0.1:" + holder.getLocalPort() + ":h:80",
              "127.0.0.1");
      assertThat(run.exitCode()).isEqualTo(5);
      assertThat(run.err()).contains("portkeep: no forward could listen");
    }
  }

  static Path sshKeygen(Path dir, String name, String passphrase)
      throws IOException, InterruptedException {
    return sshKeygen(dir, name, passphrase, "ed25519");
  }

  static Path sshKeygenType(Path dir, String name, String type)
      throws IOException, InterruptedException {
    return sshKeygen(dir, name, "", type);
  }

  private static Path sshKeygen(Path dir, String name, String passphrase, String type)
      throws IOException, InterruptedException {
    Path key = dir.resolve(name);
    Process p =
        new ProcessBuilder("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-f", key.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
    return key;
  }
}
