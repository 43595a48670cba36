package dev.portkeep.fuzz;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.Environment;
import dev.portkeep.config.Flags;
import dev.portkeep.config.Plans;
import dev.portkeep.config.TunnelPlan;
import dev.portkeep.config.sshconfig.SshConfig;
import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ssh_config files (often copied from elsewhere, and Included from folders others fill), read the
 * way {@code portkeep up} reads them: the file through Include and Match into a whole plan for a
 * destination. The home folder is a temporary one holding two files to Include. Inputs that would
 * Include anything outside it (absolute paths, {@code ~}, {@code ..}) are not run.
 */
final class SshConfigTarget implements FuzzTarget {
  private static final Pattern ESCAPES =
      Pattern.compile("(?s).*(/\\.\\.|\\.\\./|[\\s=\"']/|\\\\|~|^/|[A-Za-z]:).*");

  private final Path home;
  private final Path config;
  private final Environment env;

  SshConfigTarget(Path home) throws IOException {
    this.home = home;
    Path ssh = Files.createDirectories(home.resolve(".ssh"));
    Files.createDirectories(ssh.resolve("conf.d/empty"));
    Files.writeString(
        ssh.resolve("conf.d/10-gw.conf"),
        "Host gw\n  HostName gw.example.com\n  Port 2222\n  LocalForward 8080 web:80\n");
    Files.writeString(
        ssh.resolve("conf.d/20-match.conf"),
        "Match host gw.example.com user ann\n  ServerAliveInterval 15\n"
            + "Match final\n  ConnectTimeout 5\n");
    this.config = ssh.resolve("config");
    this.env = new Environment(home, "ann", false);
  }

  @Override
  public String name() {
    return "ssh_config";
  }

  @Override
  public List<byte[]> seeds() {
    return FuzzTarget.utf8(
        "Host gw\n  HostName gw.example.com\n  User ann\n  Port 2222\n"
            + "  LocalForward 5432 db.internal:5432\n  DynamicForward 1080\n",
        "Include conf.d/*.conf\nHost *\n  ServerAliveInterval 30\n  ServerAliveCountMax 3\n",
        "Match host gw.example.com,!*.internal user ann\n  IdentityFile ~/.ssh/id_ed25519\n"
            + "Match originalhost gw exec \"true\"\n  Port 22\nMatch all\n  BatchMode yes\n",
        "Host gw bastion\n  ProxyJump ann@bastion:22\nHost bastion\n  HostName [::1]\n"
            + "  ProxyCommand nc %h %p\n",
        "IgnoreUnknown UseKeychain,AddKeys*\nUseKeychain yes\nHost=gw\n"
            + "  HostName=%h.example.com\n  RemoteForward 9000 localhost:9000\n",
        "CanonicalizeHostname yes\nHost gw*\n  StrictHostKeyChecking accept-new\n"
            + "  UserKnownHostsFile ~/.ssh/known_hosts ~/.ssh/known_hosts2\n"
            + "Match canonical final host gw\n  ExitOnForwardFailure no\n",
        "Host \"gw\" # quoted\n\tPort\t\"2222\"\n  LocalForward [::1]:8443 [2001:db8::1]:443\n");
  }

  @Override
  public List<String> dictionary() {
    return List.of(
        "Host",
        "Match",
        "Include",
        "HostName",
        "Port",
        "User",
        "LocalForward",
        "RemoteForward",
        "DynamicForward",
        "ProxyJump",
        "ProxyCommand",
        "IgnoreUnknown",
        "CanonicalizeHostname",
        "Sessions",
        "ServerAliveInterval",
        "final",
        "canonical",
        "all",
        "exec",
        "host",
        "originalhost",
        "user",
        "localuser",
        "!",
        "*",
        "?",
        ",",
        "=",
        "\"",
        "'",
        "#",
        "%h",
        "%p",
        "%%",
        "%",
        "conf.d/*.conf",
        "conf.d/*",
        "conf.d",
        "*a*a*a*a*a*a*a*a*a*a*a*b",
        "[::1]",
        "\n",
        "\n  ",
        "gw",
        "65536");
  }

  @Override
  public int maxInput() {
    return 4096;
  }

  @Override
  public void run(byte[] input) throws IOException {
    String text = new String(input, StandardCharsets.UTF_8);
    if (text.toLowerCase(Locale.ROOT).contains("include") && ESCAPES.matcher(text).matches()) {
      return; // would read outside the temporary home folder
    }
    Files.write(config, input);
    Flags flags =
        new Flags(
            "gw",
            Optional.empty(),
            Optional.empty(),
            List.of(),
            AddressFamily.ANY,
            List.of(),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.of(config.toString()),
            List.of());
    try {
      SshConfig.load(config, env).hasHostBlockFor("bastion");
      TunnelPlan plan = Plans.fromFlags(flags, env);
      List<String> shown = new java.util.ArrayList<>();
      shown.add(plan.session().destination().display());
      plan.session().jumps().forEach(jump -> shown.add(jump.display()));
      plan.forwards().forEach(f -> shown.add(f.targetText()));
      for (String s : shown) {
        // "[[...]]" is a bracketed literal bracketed again; a HostName that is no literal at all
        // ("[::1]x", "a::1]") gets one pair around it, with its own stray bracket left as written.
        if (s.contains("[[") && s.contains("]]")) {
          throw new AssertionError("doubled brackets in '" + s + "'");
        }
      }
    } catch (UsageException expected) {
      // the documented answer
    }
  }

  @Override
  public boolean documented(Throwable failure) {
    return failure instanceof UsageException;
  }

  @Override
  public int shortIterations() {
    return 250; // each call writes and reads a file
  }

  @Override
  public long fixedAllocation() {
    return 2 * 1024 * 1024;
  }

  @Override
  public int perByteAllocation() {
    return 1024;
  }

  @Override
  public void close() throws IOException {
    try (var files = Files.walk(home)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
