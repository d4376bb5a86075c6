package dev.residual.data;

/**
 * A finite, indexable collection of examples, as PyTorch's map-style {@code Dataset}.
 *
 * <p>Implementations must return the same example for the same index every time (a {@link
 * DataLoader} may visit an index once per epoch in any order) and should be cheap to call from one
 * thread at a time; they need not be thread-safe.
 *
 * @param <T> the example type: a {@code Tensor}, a {@code List<Tensor>}, a record of tensors, …
 */
public interface Dataset<T> {

  /** The number of examples. */
  int size();

  /**
   * The example at {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   */
  T get(int index);

  /**
   * Checks {@code index} against {@code size}, for implementations of {@link #get}.
   *
   * @return {@code index}
   * @throws IndexOutOfBoundsException naming {@code what}, the index and the size when {@code
   *     index} is not in {@code [0, size)}
   */
  static int checkIndex(String what, int index, int size) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(
          what + ": index " + index + " out of range for dataset of size " + size);
    }
    return index;
  }
}
