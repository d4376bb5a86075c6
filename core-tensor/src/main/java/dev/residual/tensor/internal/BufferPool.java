package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * Native buffers freed by the engine or a memory scope, kept for reuse by the next allocation of
 * the same type and length. A training step allocates the same shapes every time, so after the
 * first step nearly every buffer comes from here: warm in cache and free of the page faults a fresh
 * allocation costs (measured at ~2.5 us per 4 KiB page on our machines, which made a fresh GEMM
 * output cost as much as half the GEMM).
 *
 * <p>At most {@code residual.poolBytes} bytes (default 1 GiB) are kept; beyond that, freed buffers
 * go straight back to the system. Thread-safe.
 */
final class BufferPool {
  private static final long LIMIT = Long.getLong("residual.poolBytes", 1L << 30);
  private static final Map<Long, ArrayDeque<Pointer>> FREE = new HashMap<>();
  private static long pooledBytes;

  private BufferPool() {}

  private static long key(DType dtype, long capacity) {
    return capacity * 8 + dtype.ordinal();
  }

  /** A pooled buffer of exactly {@code capacity} elements of {@code dtype}, or null. */
  static synchronized Pointer take(DType dtype, long capacity) {
    ArrayDeque<Pointer> q = FREE.get(key(dtype, capacity));
    if (q == null || q.isEmpty()) {
      return null;
    }
    pooledBytes -= capacity * dtype.byteSize();
    return q.pop();
  }

  /**
   * Offers a buffer no storage uses any more; returns false (and keeps nothing) when the pool is
   * full, in which case the caller frees it.
   */
  static synchronized boolean give(DType dtype, long capacity, Pointer p) {
    long bytes = capacity * dtype.byteSize();
    if (pooledBytes + bytes > LIMIT) {
      return false;
    }
    FREE.computeIfAbsent(key(dtype, capacity), k -> new ArrayDeque<>()).push(p);
    pooledBytes += bytes;
    return true;
  }

  /** Bytes currently held for reuse. */
  static synchronized long pooledBytes() {
    return pooledBytes;
  }

  /** Frees every pooled buffer. */
  static synchronized void clear() {
    for (ArrayDeque<Pointer> q : FREE.values()) {
      for (Pointer p : q) {
        p.deallocate();
      }
    }
    FREE.clear();
    pooledBytes = 0;
  }
}
