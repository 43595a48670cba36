package dev.portkeep.ssh;

import dev.portkeep.config.Hop;
import dev.portkeep.config.Login;
import java.io.IOException;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractive;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.auth.password.UserAuthPassword;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Answers the server's password and keyboard-interactive questions for one login: from the
 * PasswordCommand when there is one (its password, once per login, to a password request or a
 * single hidden keyboard-interactive prompt), else on the terminal (at most NumberOfPasswordPrompts
 * times; never under BatchMode), else not at all. Tells the {@link LoginAttempt} what was tried.
 */
final class Answers implements UserInteraction {
  private final Hop hop;
  private final Login.Methods methods;
  private final Prompts prompts;
  private final LoginAttempt attempt;
  private boolean commandUsed;
  private int asked;

  Answers(Hop hop, Login.Methods methods, Prompts prompts, LoginAttempt attempt) {
    this.hop = hop;
    this.methods = methods;
    this.prompts = methods.passwordPrompts() == 0 ? Prompts.NONE : prompts;
    this.attempt = attempt;
  }

  /** Where answers come from, for -v and messages. */
  String source() {
    return methods.passwordCommand().isPresent() ? "from PasswordCommand" : "typed on the terminal";
  }

  @Override
  public boolean isInteractionAllowed(ClientSession session) {
    return methods.passwordCommand().isPresent() || prompts != Prompts.NONE;
  }

  @Override
  public String resolveAuthPasswordAttempt(ClientSession session) {
    attempt.tried("password");
    if (methods.passwordCommand().isPresent()) {
      return commandUsed ? null : fromCommand();
    }
    return ask(hop.user() + "@" + hop.host() + "'s password: ", false);
  }

  @Override
  public String[] interactive(
      ClientSession session,
      String name,
      String instruction,
      String lang,
      String[] prompt,
      boolean[] echo) {
    attempt.tried("keyboard-interactive");
    if (prompt.length == 0) {
      return new String[0];
    }
    if (methods.passwordCommand().isPresent()) {
      boolean onePasswordPrompt = prompt.length == 1 && !echo[0];
      return onePasswordPrompt && !commandUsed ? new String[] {fromCommand()} : null;
    }
    String header =
        (name.isBlank() ? "" : name + "\n") + (instruction.isBlank() ? "" : instruction + "\n");
    String[] answers = new String[prompt.length];
    for (int i = 0; i < prompt.length; i++) {
      answers[i] = ask((i == 0 ? header : "") + prompt[i], echo.length > i && echo[i]);
      if (answers[i] == null) {
        return null;
      }
    }
    return answers;
  }

  /** Asks on the terminal, showing what is typed only when the server said so ({@code shown}). */
  private String ask(String question, boolean shown) {
    if (asked >= methods.passwordPrompts()) {
      return null;
    }
    asked++;
    return shown
        ? prompts.answer(question).orElse(null)
        : prompts.secret(question).map(String::new).orElse(null);
  }

  private String fromCommand() {
    commandUsed = true;
    String command = methods.passwordCommand().orElseThrow();
    try {
      return PasswordCommand.run(command);
    } catch (IOException e) {
      attempt.problem("PasswordCommand '" + command + "' " + e.getMessage());
      return null;
    }
  }

  @Override
  public String getUpdatedPassword(ClientSession session, String prompt, String lang) {
    return null; // a password change is not portkeep's to make
  }

  /** MINA's password method, telling the attempt when it succeeded. */
  UserAuthPasswordFactory passwordFactory() {
    return new UserAuthPasswordFactory() {
      @Override
      public UserAuthPassword createUserAuth(ClientSession session) {
        return new UserAuthPassword() {
          @Override
          public void signalAuthMethodSuccess(ClientSession s, String service, Buffer buffer)
              throws Exception {
            attempt.accepted("password " + source());
            super.signalAuthMethodSuccess(s, service, buffer);
          }
        };
      }
    };
  }

  /** MINA's keyboard-interactive method, telling the attempt when it succeeded. */
  UserAuthKeyboardInteractiveFactory keyboardInteractiveFactory() {
    return new UserAuthKeyboardInteractiveFactory() {
      @Override
      public UserAuthKeyboardInteractive createUserAuth(ClientSession session) {
        return new UserAuthKeyboardInteractive() {
          @Override
          public void signalAuthMethodSuccess(ClientSession s, String service, Buffer buffer)
              throws Exception {
            attempt.accepted("keyboard-interactive " + source());
            super.signalAuthMethodSuccess(s, service, buffer);
          }
        };
      }
    };
  }
}
