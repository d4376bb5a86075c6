package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One recorded operation on the autograd tape: the function that maps the gradient of the op's
 * output to the gradients of its inputs, and the edges to the inputs' own nodes (or to leaf
 * tensors, which accumulate into {@link Tensor#grad()}).
 *
 * <p>A node holds only what its backward needs (captured by {@link #fn}) and edges, never the input
 * tensors themselves, so intermediates nobody saved can be freed during the forward pass. After a
 * backward pass without {@code retainGraph} the node is released: {@link #fn} is dropped, which
 * frees everything it captured.
 */
public final class Node {
  /** The backward function of an op. */
  @FunctionalInterface
  public interface Backward {
    /**
     * Gradients with respect to each input, given the gradient of the output.
     *
     * @param grad gradient of the output, same shape and type as the output
     * @param needs which inputs need a gradient (compute only those; return null for the others)
     * @return one gradient per input (null where not needed), each of that input's shape
     */
    Tensor[] apply(Tensor grad, boolean[] needs);
  }

  /** The op's name, used in error messages and anomaly reports. */
  public final String name;

  /** Per input: a {@link Node}, a leaf {@link Tensor} that requires grad, or null. */
  public final Object[] next;

  /** Which inputs need a gradient. */
  public final boolean[] needs;

  /** Shape of the output. */
  public final long[] shape;

  /** Type of the output. */
  public final DType dtype;

  /** The backward function; null once released. */
  public Backward fn;

  /** Storages saved for backward and their versions when saved. */
  public final Storage[] saved;

  /** Versions of {@link #saved} at record time. */
  public final int[] savedVersions;

  /** Gradient hooks registered on the output tensor (applied in order), or null. */
  public List<Function<Tensor, Tensor>> hooks;

  /** The output tensor when {@code retainGrad()} was called on it, else null. */
  public Tensor retained;

  /** True once a backward pass without retainGraph went through this node. */
  public boolean released;

  /** Buffers only this node's backward reads (freed when the node is released), or null. */
  public List<Storage> owned;

  /** Forward stack trace, recorded only in anomaly-detection mode. */
  public final Throwable createdAt;

  /** Creates a node; see {@link Engine#record}. */
  Node(
      String name,
      Object[] next,
      boolean[] needs,
      long[] shape,
      DType dtype,
      Backward fn,
      Storage[] saved,
      Throwable createdAt) {
    this.name = name;
    this.next = next;
    this.needs = needs;
    this.shape = shape;
    this.dtype = dtype;
    this.fn = fn;
    this.saved = saved;
    this.savedVersions = new int[saved.length];
    for (int k = 0; k < saved.length; k++) {
      savedVersions[k] = saved[k].version;
    }
    this.createdAt = createdAt;
  }

  /** Adds a gradient hook. */
  public void addHook(Function<Tensor, Tensor> hook) {
    if (hooks == null) {
      hooks = new ArrayList<>();
    }
    hooks.add(hook);
  }
}
