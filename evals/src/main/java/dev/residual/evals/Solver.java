package dev.residual.evals;

/**
 * One step of a task's solver chain (inspect's {@code Solver}): reads and changes the state, and
 * may call the model through {@code generate}. A custom solver is a lambda:
 *
 * <pre>{@code
 * Solver shout = (state, generate) -> {
 *   state.messages().add(ChatMessage.user("Answer in capitals."));
 *   return generate.generate(state);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Solver {
  /** Works on {@code state} and returns it. */
  TaskState solve(TaskState state, Generate generate);
}
