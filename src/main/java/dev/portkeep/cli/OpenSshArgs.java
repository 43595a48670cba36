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
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        return null;
      }
      if (!arg.startsWith("-") || arg.length() == 1) {
        return arg;
      }
      if (!arg.startsWith("--") && takesNextWord(arg)) {
        i++;
      }
    }
    return null;
  }

  static String[] normalize(String[] args, Set<String> subcommands) {
    boolean seenHost = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        return args;
      }
      if (arg.startsWith("-") && arg.length() > 1) {
        if (!arg.startsWith("--") && takesNextWord(arg)) {
          i++;
        }
        continue;
      }
      if (!seenHost) {
        if (subcommands.contains(arg)) {
          return args;
        }
        seenHost = true;
        continue;
      }
      List<String> out = new ArrayList<>(Arrays.asList(args).subList(0, i));
      out.add("--");
      out.addAll(Arrays.asList(args).subList(i, args.length));
      return out.toArray(String[]::new);
    }
    return args;
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
