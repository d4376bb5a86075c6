package dev.residual.transformer.tokenizer;

import java.util.Arrays;

/**
 * Open-addressing hash map from a token pair {@code (left, right)} to a packed {@code (rank << 32)
 * | mergedId}. BPE looks pairs up millions of times per megabyte, so this avoids boxing a {@code
 * Long} key per lookup as a {@code HashMap} would.
 */
final class PairTable {

  private static final long EMPTY = -1L;

  private long[] keys;
  private long[] values;
  private int size;
  private int mask;

  PairTable(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
    keys = new long[cap];
    values = new long[cap];
    Arrays.fill(keys, EMPTY);
    mask = cap - 1;
  }

  private static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xffffffffL);
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & mask;
  }

  /** Adds the pair unless present; returns false if it was already there. */
  boolean putIfAbsent(int left, int right, int rank, int merged) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    long k = key(left, right);
    int i = slot(k, mask);
    while (keys[i] != EMPTY) {
      if (keys[i] == k) {
        return false;
      }
      i = (i + 1) & mask;
    }
    keys[i] = k;
    values[i] = ((long) rank << 32) | merged;
    size++;
    return true;
  }

  /** Returns {@code (rank << 32) | mergedId} for the pair, or -1 if the pair never merges. */
  long get(int left, int right) {
    long k = key(left, right);
    int i = slot(k, mask);
    long cur;
    while ((cur = keys[i]) != EMPTY) {
      if (cur == k) {
        return values[i];
      }
      i = (i + 1) & mask;
    }
    return -1L;
  }

  int size() {
    return size;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new long[oldKeys.length * 2];
    Arrays.fill(keys, EMPTY);
    mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != EMPTY) {
        int i = slot(oldKeys[j], mask);
        while (keys[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        values[i] = oldValues[j];
      }
    }
  }
}
