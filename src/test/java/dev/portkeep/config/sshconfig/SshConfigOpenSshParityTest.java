package dev.portkeep.config.sshconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.config.Environment;
import dev.portkeep.config.sshconfig.OpenSshKeywords.Role;
import dev.portkeep.error.UsageException;
import dev.portkeep.testing.Command;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * portkeep's resolution against the real OpenSSH client: every sample config under {@code parity/}
 * is resolved by {@code ssh -G -F} and by {@link SshConfig} for each host its {@code # host:} lines
 * name (with any -l, -p or -o HostName= before the host), and the keywords portkeep uses must come
 * out the same, after {@link GOutput}'s normalisation. {@code # error:} hosts must fail in both.
 */
class SshConfigOpenSshParityTest {
  private static final Path SSH = Path.of("/usr/bin/ssh");

  /**
   * Keywords this table accepts that OpenSSH 9.2, the version Debian 12 ships, does not know yet.
   */
  private static final Set<String> NEWER_THAN_9_2 =
      Set.of(
          "channeltimeout", "obscurekeystroketiming", "tag", "refuseconnection", "warnweakcrypto");

  @TempDir static Path samples;
  static Environment env;

  @BeforeAll
  static void copySamplesAndLearnTheUser() throws IOException, URISyntaxException {
    assumeTrue(
        Files.isExecutable(SSH),
        "needs OpenSSH's ssh at " + SSH + " (apt-get install openssh-client)");
    Path source = Path.of(SshConfigOpenSshParityTest.class.getResource("parity").toURI());
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path target = samples.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.writeString(target, Files.readString(file).replace("@DIR@", samples.toString()));
        }
      }
    }
    // ssh takes the home directory and user from the password database, not $HOME: ask it.
    String probe =
        ssh("-G", "-F", "/dev/null", "-o", "UserKnownHostsFile=%d %u", "probe").orThrow().stdout();
    List<String> homeAndUser = GOutput.parse(probe).all("userknownhostsfile");
    env = new Environment(Path.of(homeAndUser.get(0)), homeAndUser.get(1), false);
  }

  @TestFactory
  Stream<DynamicTest> everySampleHost_resolvesAsSshDashG() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> files = Files.list(samples)) {
      for (Path config : files.filter(f -> f.toString().endsWith(".conf")).sorted().toList()) {
        for (String line : Files.readAllLines(config)) {
          if (line.startsWith("# host: ")) {
            Invocation call = Invocation.parse(line.substring("# host: ".length()));
            tests.add(
                DynamicTest.dynamicTest(
                    config.getFileName() + " " + call, () -> agrees(config, call)));
          } else if (line.startsWith("# error: ")) {
            Invocation call = Invocation.parse(line.substring("# error: ".length()));
            tests.add(
                DynamicTest.dynamicTest(
                    config.getFileName() + " " + call + " fails", () -> bothFail(config, call)));
          }
        }
      }
    }
    assertThat(tests).hasSizeGreaterThanOrEqualTo(40);
    return tests.stream();
  }

  private static void agrees(Path config, Invocation call) {
    Command.Result result = ssh(call.argv(config)).orThrow();
    assertThat(result.stderr()).as("ssh's complaints").doesNotContain("Bad configuration option");
    GOutput theirs = GOutput.parse(result.stdout());
    HostConfig ours = SshConfig.load(config, env).resolve(call.host(), call.overrides());
    Map<String, List<String>> expected = new TreeMap<>();
    Map<String, List<String>> actual = new TreeMap<>();
    for (String key : GOutput.COMPARED) {
      expected.put(key, theirs.normalized(key, env));
      actual.put(key, GOutput.effective(key, ours, call, env));
    }
    assertThat(actual).as("portkeep vs ssh -G for " + call).isEqualTo(expected);
  }

  private static void bothFail(Path config, Invocation call) {
    Command.Result result = ssh(call.argv(config));
    assertThat(result.exitCode()).as("ssh exit code; stdout:\n" + result.stdout()).isNotZero();
    Matcher line = Pattern.compile("line (\\d+)").matcher(result.stderr());
    String sshLine = line.find() ? "line " + line.group(1) + ":" : "";
    assertThatThrownBy(() -> SshConfig.load(config, env).resolve(call.host(), call.overrides()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(sshLine);
  }

  @Test
  void everyKeywordInTheTable_isAcceptedBySsh() throws IOException {
    // One ssh run per keyword: a bad value may be fatal and hide the keywords after it.
    List<String> rejected = new ArrayList<>();
    for (var entry : new TreeMap<>(OpenSshKeywords.all()).entrySet()) {
      if (entry.getValue().role() == Role.STRUCTURE || NEWER_THAN_9_2.contains(entry.getKey())) {
        continue;
      }
      Path config =
          Files.writeString(
              samples.resolve("keyword.txt"), "Host nomatch-at-all\n  " + entry.getKey() + " x\n");
      if (ssh("-G", "-F", config.toString(), "host")
          .stderr()
          .contains("Bad configuration option")) {
        rejected.add(entry.getKey());
      }
    }
    assertThat(rejected).isEmpty();
  }

  @Test
  void wordsOutsideTheTable_areRejectedBySshToo() throws IOException {
    for (String word : List.of("Reconnect", "ReconnectHold", "UseKeychain", "ServerAlive")) {
      assertThat(OpenSshKeywords.lookup(word)).as(word).isEmpty();
      Path config = Files.writeString(samples.resolve("unknown.txt"), word + " x\n");
      assertThat(ssh("-G", "-F", config.toString(), "host").stderr())
          .as(word)
          .contains("Bad configuration option");
    }
  }

  static Command.Result ssh(String... argv) {
    return ssh(List.of(argv));
  }

  static Command.Result ssh(List<String> argv) {
    List<String> command = new ArrayList<>(List.of(SSH.toString()));
    command.addAll(argv);
    return Command.run(Duration.ofSeconds(20), command);
  }

  /** A {@code # host:} line: optional -l, -p and -o HostName= flags, then the host. */
  record Invocation(List<String> flags, String host, Overrides overrides) {
    static Invocation parse(String text) {
      List<String> words = List.of(text.strip().split("\\s+"));
      Overrides overrides = Overrides.NONE;
      for (int i = 0; i + 1 < words.size() - 1; i += 2) {
        String value = words.get(i + 1);
        overrides =
            switch (words.get(i)) {
              case "-l" -> overrides.withUser(value);
              case "-p" -> overrides.withPort(value);
              case "-o" -> overrides.withHostName(value.substring("HostName=".length()));
              default -> throw new IllegalArgumentException("unsupported flag in sample: " + text);
            };
      }
      return new Invocation(
          words.subList(0, words.size() - 1), words.get(words.size() - 1), overrides);
    }

    List<String> argv(Path config) {
      List<String> argv = new ArrayList<>(List.of("-G", "-F", config.toString()));
      argv.addAll(flags);
      argv.add(host);
      return argv;
    }

    @Override
    public String toString() {
      return String.join(" ", flags) + (flags.isEmpty() ? "" : " ") + host;
    }
  }
}
