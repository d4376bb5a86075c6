package dev.residual.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * An indexed list of sub-modules (PyTorch's {@code nn.ModuleList}) whose children are named by
 * index, so that parameters read {@code blocks.0.attn.W_Q}. It has no forward; its owner iterates
 * it.
 *
 * @param <M> the element type
 */
public class ModuleList<M extends Module> extends Module implements Iterable<M> {
  private final List<M> items = new ArrayList<>();

  /** An empty list. */
  public ModuleList() {}

  /**
   * A list holding {@code modules} in order.
   *
   * @throws IllegalArgumentException if an element is null
   */
  public ModuleList(List<? extends M> modules) {
    for (M m : modules) {
      add(m);
    }
  }

  /**
   * Appends {@code module} under the next index; returns this.
   *
   * @throws IllegalArgumentException if {@code module} is null
   */
  public ModuleList<M> add(M module) {
    registerModule(Integer.toString(items.size()), module);
    items.add(module);
    return this;
  }

  /**
   * The element at {@code index} (negative counts from the end).
   *
   * @throws IndexOutOfBoundsException if the index is out of range
   */
  public M get(int index) {
    int i = index < 0 ? index + items.size() : index;
    if (i < 0 || i >= items.size()) {
      throw new IndexOutOfBoundsException(
          "ModuleList: index " + index + " out of range for " + items.size() + " modules");
    }
    return items.get(i);
  }

  /** The number of elements. */
  public int size() {
    return items.size();
  }

  /** The elements in order (read-only). */
  @Override
  public Iterator<M> iterator() {
    return Collections.unmodifiableList(items).iterator();
  }
}
