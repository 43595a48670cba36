package dev.portkeep.config.sshconfig;

/**
 * Where a line of configuration came from: the file as the user would write it ({@code
 * ~/.ssh/config} rather than {@code /home/ann/.ssh/config}) and the 1-based line number.
 */
record Source(String file, int line) {
  /** {@code file:line}, the form {@link HostConfig#where} hands out. */
  @Override
  public String toString() {
    return file + ":" + line;
  }

  /** {@code file: line n:}, OpenSSH's prefix for configuration errors. */
  String prefix() {
    return file + ": line " + line + ":";
  }
}
