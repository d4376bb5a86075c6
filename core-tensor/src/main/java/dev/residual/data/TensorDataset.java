package dev.residual.data;

import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Several tensors that share their first dim, indexed along it, as PyTorch's {@code TensorDataset}:
 * example {@code i} is the list {@code [t0[i], t1[i], …]} of row slices.
 *
 * <p>A {@link DataLoader} over a {@code TensorDataset} with default collation gathers each batch
 * with one {@link Tensor#indexSelect} per tensor instead of stacking rows one by one.
 */
public final class TensorDataset implements Dataset<List<Tensor>> {
  private final List<Tensor> tensors;
  private final int size;

  /**
   * A dataset over {@code tensors}, e.g. images {@code [N, 1, 28, 28]} and labels {@code [N]}.
   *
   * @throws IllegalArgumentException if no tensor is given, a tensor is 0-d, or the tensors' dim-0
   *     sizes differ (every shape is named)
   */
  public TensorDataset(Tensor... tensors) {
    this(Arrays.asList(tensors));
  }

  /**
   * A dataset over {@code tensors}.
   *
   * @throws IllegalArgumentException if the list is empty, a tensor is 0-d, or the tensors' dim-0
   *     sizes differ (every shape is named)
   */
  public TensorDataset(List<Tensor> tensors) {
    if (tensors.isEmpty()) {
      throw new IllegalArgumentException("TensorDataset: needs at least one tensor");
    }
    List<String> shapes = new ArrayList<>();
    for (Tensor t : tensors) {
      shapes.add(Arrays.toString(t.shape()));
    }
    for (Tensor t : tensors) {
      if (t.dim() == 0) {
        throw new IllegalArgumentException(
            "TensorDataset: every tensor needs a dim 0 to index, got shapes " + shapes);
      }
      if (t.size(0) != tensors.get(0).size(0)) {
        throw new IllegalArgumentException(
            "TensorDataset: size mismatch between tensors along dim 0, got shapes " + shapes);
      }
    }
    long n = tensors.get(0).size(0);
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "TensorDataset: dim 0 has " + n + " rows, more than an int index can reach");
    }
    this.tensors = List.copyOf(tensors);
    this.size = (int) n;
  }

  @Override
  public int size() {
    return size;
  }

  /**
   * The row slices {@code [t0[index], t1[index], …]} (each tensor with dim 0 removed).
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   */
  @Override
  public List<Tensor> get(int index) {
    Dataset.checkIndex("TensorDataset.get", index, size);
    List<Tensor> row = new ArrayList<>(tensors.size());
    for (Tensor t : tensors) {
      row.add(t.select(0, index));
    }
    return Collections.unmodifiableList(row);
  }

  /** The tensors, in the order given. */
  public List<Tensor> tensors() {
    return tensors;
  }

  /**
   * The rows picked by {@code indices} from every tensor, each gathered with one {@link
   * Tensor#indexSelect} (shape {@code [indices.length, ...]}).
   *
   * @throws IndexOutOfBoundsException if an index is not in {@code [0, size())}
   */
  public List<Tensor> rows(int[] indices) {
    long[] idx = new long[indices.length];
    for (int k = 0; k < indices.length; k++) {
      idx[k] = Dataset.checkIndex("TensorDataset.rows", indices[k], size);
    }
    Tensor index = Tensor.of(idx);
    List<Tensor> out = new ArrayList<>(tensors.size());
    for (Tensor t : tensors) {
      out.add(t.indexSelect(0, index));
    }
    return Collections.unmodifiableList(out);
  }
}
