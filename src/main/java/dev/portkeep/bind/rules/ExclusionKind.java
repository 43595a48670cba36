package dev.portkeep.bind.rules;

/** Who reserved a Windows excluded port range, which decides whether it blocks explicit binds. */
public enum ExclusionKind {
  /** Reserved by a system component such as Hyper-V or WinNAT; explicit binds fail with 10013. */
  DYNAMIC,
  /** Added by an administrator ({@code *} in netsh); reported to block only the ephemeral pool. */
  ADMINISTERED
}
