package dev.portkeep.cli;

import dev.portkeep.bind.BindCheck;
import dev.portkeep.bind.CheckReport;
import dev.portkeep.bind.HostStacks;
import dev.portkeep.bind.ListenerPolicy;
import dev.portkeep.bind.SocketCheck;
import dev.portkeep.bind.SocketPlan;
import dev.portkeep.bind.rules.Holder;
import dev.portkeep.bind.rules.Principal;
import dev.portkeep.bind.rules.SocketEntry;
import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.error.BindRefusal;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UsageException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portkeep check [--json] [-4|-6] [bind_address:]port}: would a listener bind, and if not,
 * why.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Checks whether portkeep could listen on an address: plans exactly the sockets a -L forward would",
      "open, with its socket options, and for each says whether it binds, which sockets hold the port",
      "(address, state, pid, process, user), the rule that decides it, and what to do instead.",
      "Exit 0 when every socket would bind, 5 when not."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  portkeep check 445",
      "  portkeep check 127.0.0.2:445",
      "  portkeep check --json '*:8080'"
    })
final class CheckCommand implements Callable<Integer> {
  private final Invocation invocation;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(names = "-4", description = "IPv4 only.")
  boolean ipv4;

  @Option(names = "-6", description = "IPv6 only.")
  boolean ipv6;

  @Parameters(
      index = "0",
      paramLabel = "[bind_address:]port",
      description = "The listen address, in -L's forms; * is the dual-stack wildcard.")
  String address;

  CheckCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public Integer call() {
    try {
      if (ipv4 && ipv6) {
        throw new UsageException(
            "-4 and -6 were both given", "use one of them, or neither for both families");
      }
      AddressFamily family =
          ipv4 ? AddressFamily.INET : ipv6 ? AddressFamily.INET6 : AddressFamily.ANY;
      ForwardSyntax.Listen listen = ForwardSyntax.parseListen(address);
      List<SocketPlan> plans =
          ListenerPolicy.plan(listen.bind(), listen.port(), family, HostStacks.detect());
      CheckReport report = BindCheck.system().check(address, plans);
      if (json) {
        invocation.out().println(Json.write(toJson(report)));
      } else {
        print(report, invocation.out());
      }
      return report.bindable() ? ExitCode.OK.code() : ExitCode.FORWARD_FAILED.code();
    } catch (PortkeepException e) {
      return invocation.fail(e);
    }
  }

  private void print(CheckReport report, PrintStream out) {
    out.println(
        (report.bindable() ? "can listen on " : "cannot listen on ") + report.address() + ":");
    for (SocketCheck s : report.sockets()) {
      out.printf(
          "  %-28s %s%n", s.plan().display(), s.bindable() ? "binds" : "fails: " + failure(s));
      for (Holder h : s.holders()) {
        out.println(
            "      held by "
                + holder(h.entry())
                + (h.stack() == null ? "" : " [" + h.stack() + " stack]"));
      }
      if (!s.bindable() || invocation.verbosity() > 0) {
        out.println("      rule " + s.rule() + ": " + s.explanation());
      }
      if (invocation.verbosity() > 0 && s.verdict() != null) {
        s.verdict().assumptions().forEach(a -> out.println("      assumed: " + a));
      }
    }
    report.hints().forEach(h -> out.println("hint: " + h));
    if (!report.bindable() || invocation.verbosity() > 0) {
      report.notes().forEach(n -> out.println("note: " + n));
    }
  }

  private static String failure(SocketCheck s) {
    return s.verdict() == null || s.verdict().error().osMessage().isEmpty()
        ? s.rule()
        : s.verdict().error().osMessage();
  }

  private static String holder(SocketEntry e) {
    String user = e.owner() instanceof Principal.Unknown ? "" : ", " + e.owner().describe();
    return e.state() + " " + e.local() + ", " + e.process().describe() + user;
  }

  private static Map<String, Object> toJson(CheckReport report) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("verdict", report.bindable() ? "bindable" : "not bindable");
    root.put("address", report.address());
    List<Object> sockets = new ArrayList<>();
    for (SocketCheck s : report.sockets()) {
      Map<String, Object> m = new LinkedHashMap<>();
      boolean v6 = s.plan().family() == StandardProtocolFamily.INET6;
      m.put("family", v6 ? "inet6" : "inet");
      m.put("address", s.plan().address().getHostAddress());
      m.put("port", s.plan().port());
      m.put("v6only", v6 ? (s.plan().dualStack() ? false : null) : null);
      m.put(
          "reuseaddr",
          s.planned() == null ? null : s.planned().options().reuseAddr().name().equals("YES"));
      m.put("reuseport", false);
      m.put("bindable", s.bindable());
      m.put("rule", s.rule());
      m.put("explanation", s.explanation());
      List<Object> holders = new ArrayList<>();
      for (BindRefusal.Holder h : s.holderData()) {
        holders.add(holderJson(h));
      }
      m.put("holders", holders);
      sockets.add(m);
    }
    root.put("sockets", sockets);
    root.put("hints", report.hints());
    root.put("notes", report.notes());
    return root;
  }

  static Map<String, Object> holderJson(BindRefusal.Holder h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("local", h.local());
    m.put("state", h.state());
    m.put("pid", h.pid().orElse(null));
    m.put("process", h.process().orElse(null));
    m.put("uid", h.uid().orElse(null));
    m.put("user", h.user().orElse(null));
    return m;
  }
}
