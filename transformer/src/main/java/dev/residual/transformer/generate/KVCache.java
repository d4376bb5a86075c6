package dev.residual.transformer.generate;

import java.util.Arrays;

/**
 * Keys and values of every layer for the tokens a {@link Decoder} has already encoded, so that each
 * generation step only runs the new token through the model.
 *
 * <p>Per layer, keys and values are stored as {@code [batch, nHead, capacity, headSize]} float
 * arrays; {@link #length()} columns (token positions) are filled, the same number for every row.
 * Rows of different lengths are left-padded: {@link #start(int)} is the first real column of a row,
 * and columns before it are masked out of attention and do not count as positions. Storage grows by
 * doubling up to {@link #maxLength()} (the model's block size), so short generations stay small.
 *
 * <p>Not thread-safe; one cache belongs to one generation.
 */
public final class KVCache {
  private final int nLayer;
  private final int nHead;
  private final int headSize;
  private final int maxLength;
  private int batch;
  private int capacity;
  private int length;
  private int[] start;
  float[][] keys;
  float[][] values;

  /**
   * An empty cache.
   *
   * @param batch rows (sequences)
   * @param nLayer layers of the model
   * @param nHead attention heads per layer
   * @param headSize width of one head
   * @param maxLength most columns it can hold (the model's block size)
   * @throws IllegalArgumentException if a size is not positive
   */
  public KVCache(int batch, int nLayer, int nHead, int headSize, int maxLength) {
    if (batch < 1 || nLayer < 1 || nHead < 1 || headSize < 1 || maxLength < 1) {
      throw new IllegalArgumentException(
          "KVCache: sizes must be positive, got batch "
              + batch
              + ", nLayer "
              + nLayer
              + ", nHead "
              + nHead
              + ", headSize "
              + headSize
              + ", maxLength "
              + maxLength);
    }
    this.batch = batch;
    this.nLayer = nLayer;
    this.nHead = nHead;
    this.headSize = headSize;
    this.maxLength = maxLength;
    this.start = new int[batch];
    this.keys = new float[nLayer][];
    this.values = new float[nLayer][];
    allocate(Math.min(maxLength, 64));
  }

  private void allocate(int cap) {
    float[][] nk = new float[nLayer][];
    float[][] nv = new float[nLayer][];
    for (int l = 0; l < nLayer; l++) {
      nk[l] = new float[batch * nHead * cap * headSize];
      nv[l] = new float[batch * nHead * cap * headSize];
      if (keys[l] != null && length > 0) {
        for (int bh = 0; bh < batch * nHead; bh++) {
          System.arraycopy(
              keys[l], bh * capacity * headSize, nk[l], bh * cap * headSize, length * headSize);
          System.arraycopy(
              values[l], bh * capacity * headSize, nv[l], bh * cap * headSize, length * headSize);
        }
      }
    }
    keys = nk;
    values = nv;
    capacity = cap;
  }

  /**
   * Makes room for {@code total} columns.
   *
   * @throws IllegalArgumentException if {@code total} exceeds {@link #maxLength()}
   */
  void ensure(int total) {
    if (total > maxLength) {
      throw new IllegalArgumentException(
          "KVCache: "
              + total
              + " positions exceed the model's block size "
              + maxLength
              + "; crop the context and re-encode it (Generation does this)");
    }
    if (total > capacity) {
      int cap = capacity;
      while (cap < total) {
        cap = Math.min(maxLength, cap * 2);
      }
      allocate(cap);
    }
  }

  /** Filled columns (the same for every row, padding included). */
  public int length() {
    return length;
  }

  void advance(int n) {
    length += n;
  }

  /** Number of rows. */
  public int batch() {
    return batch;
  }

  /** Most columns the cache can hold (the model's block size). */
  public int maxLength() {
    return maxLength;
  }

  /** Allocated columns per row (grows by doubling up to {@link #maxLength()}). */
  int capacity() {
    return capacity;
  }

  int nHead() {
    return nHead;
  }

  int headSize() {
    return headSize;
  }

  int nLayer() {
    return nLayer;
  }

  /** The first real (non-padding) column of {@code row}. */
  public int start(int row) {
    return start[row];
  }

  /**
   * Sets the first real column of each row (left padding), before anything is encoded.
   *
   * @throws IllegalArgumentException if the array's length is not the batch size or a value is
   *     negative
   * @throws IllegalStateException if the cache is not empty
   */
  public void setStarts(int[] starts) {
    if (length != 0) {
      throw new IllegalStateException("KVCache.setStarts: the cache already holds " + length);
    }
    if (starts.length != batch) {
      throw new IllegalArgumentException(
          "KVCache.setStarts: " + starts.length + " starts for a batch of " + batch);
    }
    for (int s : starts) {
      if (s < 0) {
        throw new IllegalArgumentException(
            "KVCache.setStarts: negative start in " + Arrays.toString(starts));
      }
    }
    start = starts.clone();
  }

  /** Empties the cache (keeping its memory and the row starts). */
  public void reset() {
    length = 0;
  }

  /**
   * Drops every column from {@code newLength} on.
   *
   * @throws IllegalArgumentException if {@code newLength} is negative or above {@link #length()}
   */
  public void crop(int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException(
          "KVCache.crop: length " + newLength + " outside [0, " + length + "]");
    }
    length = newLength;
  }

  /**
   * Reselects rows, as beam search does when it keeps the best continuations: new row {@code r} is
   * a copy of old row {@code rows[r]}. The batch size becomes {@code rows.length}.
   *
   * @throws IllegalArgumentException if {@code rows} is empty or names a row that does not exist
   */
  public void reorder(int[] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("KVCache.reorder: no rows");
    }
    for (int r : rows) {
      if (r < 0 || r >= batch) {
        throw new IllegalArgumentException(
            "KVCache.reorder: row "
                + r
                + " outside [0, "
                + batch
                + ") in "
                + Arrays.toString(rows));
      }
    }
    boolean identity = rows.length == batch;
    for (int r = 0; identity && r < rows.length; r++) {
      identity = rows[r] == r;
    }
    if (identity) {
      return;
    }
    // Only the filled columns of each (row, head) are copied.
    int headStride = capacity * headSize;
    int filled = length * headSize;
    for (int l = 0; l < nLayer; l++) {
      float[] nk = new float[rows.length * nHead * headStride];
      float[] nv = new float[rows.length * nHead * headStride];
      for (int r = 0; r < rows.length; r++) {
        for (int h = 0; h < nHead; h++) {
          int from = (rows[r] * nHead + h) * headStride;
          int to = (r * nHead + h) * headStride;
          System.arraycopy(keys[l], from, nk, to, filled);
          System.arraycopy(values[l], from, nv, to, filled);
        }
      }
      keys[l] = nk;
      values[l] = nv;
    }
    int[] ns = new int[rows.length];
    for (int r = 0; r < rows.length; r++) {
      ns[r] = start[rows[r]];
    }
    start = ns;
    batch = rows.length;
  }

  /** Bytes of key/value storage currently allocated. */
  public long bytes() {
    return 2L * nLayer * batch * nHead * capacity * headSize * Float.BYTES;
  }
}
