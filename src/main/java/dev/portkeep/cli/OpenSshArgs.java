package dev.portkeep.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * OpenSSH's argument order: options may come before and after the host, and the first word after
 * the host that is not an option starts the remote command. This marks that point with {@code --}
 * so the parser hands the command over whole (and portkeep can refuse it by name).
 */
final class OpenSshArgs {
  /** Short options that take a value, attached ({@code -L8080:h:80}) or as the next word. */
  static final String WITH_VALUE = "LpliobcDEeFIJmQRSWw";

  private OpenSshArgs() {}

  /**
   * The first word that is neither an option nor an option's value: the host, or a subcommand's
   * name; null when there is none, or when {@code --} comes first.
   */
  static @Nullable String firstWord(String[] args) {
    int at = wordAt(args, 0);
    return at < 0 ? null : args[at];
  }

  static String[] normalize(String[] args, Set<String> subcommands) {
    int host = wordAt(args, 0);
    if (host < 0 || subcommands.contains(args[host])) {
      return args;
    }
    int command = wordAt(args, host + 1);
    if (command < 0) {
      return args;
    }
    List<String> out = new ArrayList<>(Arrays.asList(args).subList(0, command));
    out.add("--");
    out.addAll(Arrays.asList(args).subList(command, args.length));
    return out.toArray(String[]::new);
  }

  /**
   * Where the first word from {@code from} on lies that is neither an option nor an option's value;
   * -1 when there is none, or when {@code --} comes first (what follows it is already whole).
   */
  private static int wordAt(String[] args, int from) {
    for (int i = from; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        return -1;
      }
      if (!arg.startsWith("-") || arg.length() == 1) {
        return i;
      }
      if (!arg.startsWith("--") && takesNextWord(arg)) {
        i++;
      }
    }
    return -1;
  }

  /** True when the cluster ends in an option whose value is the next word. */
  private static boolean takesNextWord(String cluster) {
    for (int j = 1; j < cluster.length(); j++) {
      if (WITH_VALUE.indexOf(cluster.charAt(j)) >= 0) {
        return j == cluster.length() - 1;
      }
    }
    return false;
  }
}
