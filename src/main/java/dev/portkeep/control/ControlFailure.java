package dev.portkeep.control;

/**
 * A request that cannot be served, as the error answer it becomes: a {@code kind} from {@link
 * Answer} or the handler's own (lower_snake_case), a message naming the culprit, and a hint. Thrown
 * by {@link Protocol} for bad requests and by a {@link ControlHandler} for its own refusals.
 */
public final class ControlFailure extends Exception {
  private final transient Answer.Failed answer;

  public ControlFailure(String kind, String message, String hint) {
    super(message);
    this.answer = new Answer.Failed(kind, message, hint);
  }

  public String kind() {
    return answer.kind();
  }

  public String hint() {
    return answer.hint();
  }

  /** The error answer this failure is sent as. */
  public Answer.Failed answer() {
    return answer;
  }
}
