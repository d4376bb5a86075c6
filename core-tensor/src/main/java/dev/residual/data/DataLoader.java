package dev.residual.data;

import dev.residual.tensor.Generator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;

/**
 * Batches a {@link Dataset} for one epoch per {@link #iterator()} call, as PyTorch's {@code
 * DataLoader} (single process).
 *
 * <pre>{@code
 * DataLoader<List<Tensor>> loader =
 *     DataLoader.builder(new TensorDataset(images, labels))
 *         .batchSize(64).shuffle(new Generator(0)).dropLast(true).build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *   for (List<Tensor> batch : loader) { ... batch.get(0) is [64, 1, 28, 28] ... }
 * }
 * }</pre>
 *
 * <p>With shuffling, each epoch visits the dataset in a fresh permutation drawn from the {@link
 * Generator} by Fisher-Yates when the epoch's iterator is created, so a run is reproduced by its
 * seed. Without it, examples come in index order. The last batch is smaller when the dataset size
 * is not a multiple of the batch size, unless drop-last discards it.
 *
 * <p>Default collation is {@link Collate#collate}; over a {@link TensorDataset} it is done by one
 * {@link dev.residual.tensor.Tensor#indexSelect} per tensor ({@link TensorDataset#rows}), giving
 * the same values without building and stacking per-row slices.
 *
 * @param <B> the batch type
 */
public final class DataLoader<B> implements Iterable<B> {
  private final Dataset<?> dataset;
  private final int batchSize;
  private final Generator generator;
  private final boolean dropLast;
  private final Function<int[], B> batcher;

  private DataLoader(
      Dataset<?> dataset,
      int batchSize,
      Generator generator,
      boolean dropLast,
      Function<int[], B> batcher) {
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.generator = generator;
    this.dropLast = dropLast;
    this.batcher = batcher;
  }

  /**
   * A builder over {@code dataset} with batch size 1, no shuffling, no drop-last and default
   * collation.
   */
  public static <T> Builder<T, T> builder(Dataset<T> dataset) {
    return new Builder<>(Objects.requireNonNull(dataset, "dataset"), null);
  }

  /**
   * A loader over {@code dataset} in index order with default collation, keeping a smaller last
   * batch.
   *
   * @throws IllegalArgumentException if {@code batchSize < 1}
   */
  public static <T> DataLoader<T> of(Dataset<T> dataset, int batchSize) {
    return builder(dataset).batchSize(batchSize).build();
  }

  /**
   * The batches of one epoch; each call starts a new epoch (and draws a new permutation when
   * shuffling).
   */
  @Override
  public Iterator<B> iterator() {
    int n = dataset.size();
    int[] order;
    if (generator != null) {
      order = generator.permutation(n);
    } else {
      order = new int[n];
      for (int k = 0; k < n; k++) {
        order[k] = k;
      }
    }
    int batches = numBatches();
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < batches;
      }

      @Override
      public B next() {
        if (next >= batches) {
          throw new NoSuchElementException("DataLoader: epoch has only " + batches + " batches");
        }
        int from = next * batchSize;
        int to = Math.min(from + batchSize, n);
        int[] indices = new int[to - from];
        System.arraycopy(order, from, indices, 0, indices.length);
        next++;
        return batcher.apply(indices);
      }
    };
  }

  /**
   * Batches per epoch: {@code floor(size / batchSize)} with drop-last, {@code ceil(size /
   * batchSize)} without.
   */
  public int numBatches() {
    int n = dataset.size();
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  /** The batch size (the last batch may be smaller unless {@link #dropLast()}). */
  public int batchSize() {
    return batchSize;
  }

  /** Whether a last batch smaller than {@link #batchSize()} is dropped. */
  public boolean dropLast() {
    return dropLast;
  }

  /** Whether each epoch visits the examples in a random permutation. */
  public boolean shuffles() {
    return generator != null;
  }

  /** The dataset batched. */
  public Dataset<?> dataset() {
    return dataset;
  }

  /**
   * Configures a {@link DataLoader}.
   *
   * @param <T> the example type
   * @param <B> the batch type
   */
  public static final class Builder<T, B> {
    private final Dataset<T> dataset;
    private final Function<? super List<T>, ? extends B> collate;
    private int batchSize = 1;
    private Generator generator;
    private boolean dropLast;

    private Builder(Dataset<T> dataset, Function<? super List<T>, ? extends B> collate) {
      this.dataset = dataset;
      this.collate = collate;
    }

    /**
     * Examples per batch.
     *
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    public Builder<T, B> batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException(
            "DataLoader: batchSize must be at least 1, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Shuffles every epoch with permutations drawn from {@code generator} (which the loader then
     * advances); {@code null} turns shuffling off.
     */
    public Builder<T, B> shuffle(Generator generator) {
      this.generator = generator;
      return this;
    }

    /** Whether to drop a last batch smaller than the batch size. */
    public Builder<T, B> dropLast(boolean dropLast) {
      this.dropLast = dropLast;
      return this;
    }

    /** Collates each batch's examples (in batch order) with {@code collate} instead. */
    public <C> Builder<T, C> collate(Function<? super List<T>, ? extends C> collate) {
      Builder<T, C> b = new Builder<>(dataset, Objects.requireNonNull(collate, "collate"));
      b.batchSize = batchSize;
      b.generator = generator;
      b.dropLast = dropLast;
      return b;
    }

    /** The loader. */
    @SuppressWarnings("unchecked")
    public DataLoader<B> build() {
      Function<int[], B> batcher;
      if (collate == null && dataset instanceof TensorDataset) {
        TensorDataset td = (TensorDataset) dataset;
        batcher = indices -> (B) td.rows(indices);
      } else {
        Function<? super List<T>, ? extends B> f =
            collate != null ? collate : items -> (B) Collate.collate(items);
        batcher =
            indices -> {
              List<T> items = new ArrayList<>(indices.length);
              for (int index : indices) {
                items.add(dataset.get(index));
              }
              return f.apply(items);
            };
      }
      return new DataLoader<>(dataset, batchSize, generator, dropLast, batcher);
    }
  }
}
