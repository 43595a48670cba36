package dev.portkeep.bind.rules;

import dev.portkeep.bind.table.LinuxCaller;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A long-lived python3 process that makes real sockets on request, under one uid. */
final class BindHelper implements AutoCloseable {
  /** Which user and capabilities the helper runs with. */
  @SuppressWarnings("ImmutableEnumChecker") // every prefix is a List.of
  enum Role {
    SELF(List.of()),
    NOBODY(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")),
    SELF_WITHOUT_CAP_NET_BIND_SERVICE(
        List.of("setpriv", "--bounding-set=-net_bind_service", "--inh-caps=-net_bind_service"));

    final List<String> prefix;

    Role(List<String> prefix) {
      this.prefix = prefix;
    }
  }

  private final Process process;
  private final BufferedReader replies;
  private final Writer requests;
  private final Caller caller;

  private BindHelper(Process process) throws IOException {
    this.process = process;
    this.replies =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.requests = process.outputWriter(StandardCharsets.UTF_8);
    call("open 4 0 0 0"); // proves the helper runs before we read its status
    this.caller = LinuxCaller.ofProcess(process.pid());
  }

  static BindHelper start(Role role) throws IOException {
    List<String> command = new ArrayList<>(role.prefix);
    command.addAll(List.of(python(), "-c", script()));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new BindHelper(process);
  }

  /** Who the helper is, read from its own /proc status: uid and CAP_NET_BIND_SERVICE. */
  Caller caller() {
    return caller;
  }

  long pid() {
    return process.pid();
  }

  /** Sends one command and returns the reply words after "ok", or throws on "err". */
  String call(String command) throws IOException {
    requests.write(command + "\n");
    requests.flush();
    String reply = replies.readLine();
    if (reply == null) {
      throw new IOException("bind helper exited on '" + command + "'");
    }
    return reply;
  }

  /** Opens a socket, binds it and listens if asked; "OK" or the errno name of the failing step. */
  String bindAndListen(BindPoint at, SocketOptions options, boolean listen) throws IOException {
    int id = open(at.family(), options);
    try {
      String bound = result(call("bind " + id + " " + literal(at) + " " + at.port()));
      return bound.equals("OK") && listen ? result(call("listen " + id)) : bound;
    } finally {
      call("close " + id);
    }
  }

  int open(Family family, SocketOptions options) throws IOException {
    String reply =
        call(
            "open "
                + (family == Family.INET6 ? 6 : 4)
                + " "
                + bit(options.v6Only())
                + " "
                + bit(options.reuseAddr())
                + " "
                + bit(options.reusePort()));
    return Integer.parseInt(reply.split(" ")[1]);
  }

  static String result(String reply) {
    return reply.equals("ok") ? "OK" : reply.replaceFirst("^err ", "");
  }

  static String literal(BindPoint at) {
    String text = AddressLiteral.format(at.address());
    return at.isMapped() ? "::ffff:" + text : text;
  }

  private static int bit(TriState state) {
    return state == TriState.YES ? 1 : 0;
  }

  private static String python() {
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  private static String script() {
    try (InputStream in = BindHelper.class.getResourceAsStream("bind_helper.py")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
  }
}
