package dev.portkeep.fuzz;

import dev.portkeep.config.Environment;
import dev.portkeep.config.sshconfig.SshConfig;
import dev.portkeep.config.tunnels.TunnelsFileReader;
import dev.portkeep.error.UsageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The tunnels file (TOML), hand-edited and sometimes generated. The ssh_config it names is replaced
 * by an empty one, so the fuzzer reads nothing else from disk.
 */
final class TunnelsFileTarget implements FuzzTarget {
  private final Environment env;

  TunnelsFileTarget(Path home) {
    this.env = new Environment(home, "ann", false);
  }

  @Override
  public String name() {
    return "tunnels_file";
  }

  @Override
  public List<byte[]> seeds() {
    return FuzzTarget.utf8(
        "# portkeep tunnels\nssh_config = \"~/.ssh/config\"\nhook_timeout = 10\n"
            + "log_file = \"~/portkeep.log\"\nlog_max_size = \"512K\"\nlog_keep = 5\n"
            + "metrics = \"127.0.0.1:9724\"\nui = 9723\n\n[tunnel.files]\n"
            + "host = \"alice@gw.example.com:2222\"\nlocal = [\"127.0.0.2:445:fileserver:445\"]\n"
            + "remote = [\"0:localhost:22\"]\ndynamic = [\"1080\"]\n"
            + "options = { ServerAliveInterval = \"10\", IdentityFile = \"~/.ssh/id_ed25519\" }\n"
            + "enabled = true\n\n[tunnel.db]\nhost = \"db-gateway\"\n",
        "[tunnel.fs]\nhost = \"gw.example.com\"\n"
            + "smb = { fileserver = \"files.internal:1445\", netbios = true, "
            + "listen = \"127.0.0.5\", share = \"data\" }\n",
        "[tunnel.all-keys]\nhost = \"ann@[2001:db8::1]:2222\"\n"
            + "local = [\"8080:web:80\", \"[::1]:8443:web:443\"]\n"
            + "remote = [\"9000:localhost:9000\"]\ndynamic = [\"127.0.0.1:1080\"]\n"
            + "options.ServerAliveCountMax = 5\noptions.BatchMode = true\n"
            + "options.IdentityFile = [\"~/.ssh/a\", \"~/.ssh/b\"]\n"
            + "options.LocalForward = \"7000 db:7000\"\naddress_family = \"inet6\"\n"
            + "password_command = \"pass show gw\"\nenabled = false\nprobe = 15\n"
            + "on_change = \"logger portkeep\"\n",
        "[tunnel.'quoted name']\nhost = '''gw'''\nlocal = [ \"\"\"1:h:2\"\"\", ]\n"
            + "[tunnel.x]\nhost = \"x\"\nlocal = [\"1:h:2\"]\n");
  }

  @Override
  public List<String> dictionary() {
    return List.of(
        "[tunnel.",
        "[[tunnel]]",
        "]",
        "[",
        "=",
        "\"",
        "'''",
        "\"\"\"",
        "\\u0000",
        "\\U0010FFFF",
        "\\",
        "{",
        "}",
        ",",
        ".",
        "host",
        "local",
        "remote",
        "dynamic",
        "options",
        "smb",
        "enabled",
        "probe",
        "ui",
        "metrics",
        "log_max_size",
        "\"9999999999G\"",
        "1979-05-27",
        "1979-05-27T07:32:00Z",
        "9999-99-99",
        "inf",
        "nan",
        "0x7fffffffffffffff",
        "99999999999999999999",
        "1e400",
        "-0",
        "true",
        "\n",
        "#");
  }

  @Override
  public int maxInput() {
    return 8192;
  }

  @Override
  public void run(byte[] input) {
    TunnelsFileReader.parse(
        Path.of("tunnels.toml"),
        new String(input, StandardCharsets.UTF_8),
        env,
        setting -> SshConfig.empty(env));
  }

  @Override
  public boolean documented(Throwable failure) {
    return failure instanceof UsageException;
  }

  @Override
  public long fixedAllocation() {
    return 2 * 1024 * 1024;
  }

  @Override
  public int perByteAllocation() {
    return 2048;
  }
}
