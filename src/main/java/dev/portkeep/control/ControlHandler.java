package dev.portkeep.control;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the running {@code up} does with a request. Called on the connection's own virtual thread,
 * so calls may overlap; {@code ping} never reaches it. {@link ControlServer#close()} interrupts a
 * call still running and waits up to 5 s for it.
 */
@FunctionalInterface
public interface ControlHandler {
  /**
   * Serves {@code request} ({@link Request.Status}, {@link Request.Start}, {@link Request.Stop},
   * {@link Request.Restart} or {@link Request.Reload}).
   *
   * @return the fields that follow {@code "ok":true} in the answer (not {@code "ok"} itself)
   * @throws ControlFailure to answer with an error of its kind, message and hint; anything else
   *     thrown is logged and answered as {@link Answer#INTERNAL}
   */
  ObjectNode handle(Request request) throws ControlFailure;
}
