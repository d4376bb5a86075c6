package dev.residual.evals;

/**
 * The model call a solver can make (inspect's {@code generate}): sends {@link TaskState#messages()}
 * with the state's config and tools, appends the assistant message and records the output.
 */
@FunctionalInterface
public interface Generate {
  /** Calls the model once and returns {@code state}. */
  TaskState generate(TaskState state);
}
