package dev.portkeep.ssh;

import java.util.Optional;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.session.ClientSession;

/** Password and keyboard-interactive authentication through {@link Prompts}; silent without one. */
final class PasswordPrompt implements UserInteraction {
  private final Prompts prompts;

  PasswordPrompt(Prompts prompts) {
    this.prompts = prompts;
  }

  @Override
  public boolean isInteractionAllowed(ClientSession session) {
    return prompts != Prompts.NONE;
  }

  @Override
  public String[] interactive(
      ClientSession session,
      String name,
      String instruction,
      String lang,
      String[] prompt,
      boolean[] echo) {
    String[] answers = new String[prompt.length];
    for (int i = 0; i < prompt.length; i++) {
      Optional<char[]> answer = prompts.secret(prompt[i]);
      if (answer.isEmpty()) {
        return null;
      }
      answers[i] = new String(answer.get());
    }
    return answers;
  }

  @Override
  public String getUpdatedPassword(ClientSession session, String prompt, String lang) {
    return null;
  }

  @Override
  public String resolveAuthPasswordAttempt(ClientSession session) {
    return prompts
        .secret(session.getUsername() + "@" + session.getConnectAddress() + "'s password: ")
        .map(String::new)
        .orElse(null);
  }
}
