package dev.portkeep.bind.rules;

/** The bind rules of one operating system, as a pure function of a table, a plan and the host. */
public sealed interface RuleSet permits LinuxRules, WindowsRules {

  /** Predicts whether {@code plan} would bind (and listen) given the sockets in {@code table}. */
  Verdict verdict(SocketTable table, PlannedBind plan, HostFacts host);
}
