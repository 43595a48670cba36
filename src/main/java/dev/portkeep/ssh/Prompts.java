package dev.portkeep.ssh;

import java.util.Optional;

/**
 * Questions portkeep may ask the user on a terminal. The command line implements it; without a
 * terminal (or with BatchMode) {@link #NONE} answers nothing and the caller fails with a clear
 * error.
 */
public interface Prompts {
  /** Asks a yes/no question; empty when nobody can answer. */
  Optional<Boolean> confirm(String question);

  /** Reads a secret without echo; empty when nobody can answer. */
  Optional<char[]> secret(String prompt);

  /**
   * Reads an answer shown as it is typed (a keyboard-interactive question the server marks for
   * echo, such as a user name); empty when nobody can answer.
   */
  Optional<String> answer(String prompt);

  Prompts NONE =
      new Prompts() {
        @Override
        public Optional<Boolean> confirm(String question) {
          return Optional.empty();
        }

        @Override
        public Optional<char[]> secret(String prompt) {
          return Optional.empty();
        }

        @Override
        public Optional<String> answer(String prompt) {
          return Optional.empty();
        }
      };
}
