package dev.residual.tensor;

import dev.residual.tensor.internal.MemoryScopes;

/**
 * A region of code whose tensors are freed deterministically when it closes, so that a training
 * loop runs in flat memory without waiting for the garbage collector:
 *
 * <pre>{@code
 * for (int step = 0; step < steps; step++) {
 *   try (MemoryScope scope = MemoryScope.open()) {
 *     Tensor loss = model.forward(x, y);
 *     loss.backward();                  // parameter gradients survive: they belong to the parameters
 *     optimizer.step();
 *     lossCurve.add(loss.item());       // read values inside the scope...
 *     last = scope.keep(logits);        // ...or keep the tensors you need afterwards
 *   }
 * }
 * }</pre>
 *
 * <p>On close, the native memory of every tensor created on this thread inside the scope is
 * returned to Residual's buffer pool, except tensors passed to {@link #keep} (which move to the
 * enclosing scope, if any), gradients stored in {@link Tensor#grad()}, and tensors exported to ND4J
 * through {@link Tensor#array()}. Using a released tensor throws {@link IllegalStateException}; it
 * never reads freed memory. Tensors created outside any scope are freed by the garbage collector as
 * usual. Scopes nest and are thread-confined.
 */
public final class MemoryScope implements AutoCloseable {
  private final MemoryScopes.Frame frame;

  private MemoryScope() {
    this.frame = MemoryScopes.push();
  }

  /** Opens a scope on the current thread. */
  public static MemoryScope open() {
    return new MemoryScope();
  }

  /**
   * Keeps {@code t} (and every tensor sharing its memory) alive past this scope; returns {@code t}.
   *
   * @throws IllegalStateException if the scope is closed
   */
  public Tensor keep(Tensor t) {
    MemoryScopes.keep(frame, t.storage());
    return t;
  }

  /**
   * Frees the scope's tensors.
   *
   * @throws IllegalStateException if an inner scope is still open
   */
  @Override
  public void close() {
    MemoryScopes.pop(frame);
  }
}
