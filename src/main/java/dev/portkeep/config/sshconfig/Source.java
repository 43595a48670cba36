package dev.portkeep.config.sshconfig;

/**
 * Where a line of configuration came from: the file as the user would write it ({@code
 * ~/.ssh/config} rather than {@code /home/ann/.ssh/config}) and the 1-based line number.
 */
record Source(String file, int line) {
  /** Values given with {@code -o}, expanded as the file's would be. */
  static final Source COMMAND_LINE = new Source("command line", 0);

  /** {@code file:line}, the form {@link HostConfig#where} hands out. */
  @Override
  public String toString() {
    return file + ":" + line;
  }

  /** {@code file: line n:}, OpenSSH's prefix for configuration errors. */
  String prefix() {
    return line == 0 ? file + ":" : file + ": line " + line + ":";
  }
}
