package dev.residual.tensor.internal;

import dev.residual.tensor.Threads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits large kernel loops across {@link Threads#get()} threads. Work below a grain size runs on
 * the calling thread, so small tensors pay nothing.
 */
public final class Parallel {
  private Parallel() {}

  /** A loop body over the index range {@code [lo, hi)}. */
  @FunctionalInterface
  public interface Range {
    /** Processes indices {@code lo} (inclusive) to {@code hi} (exclusive). */
    void run(int lo, int hi);
  }

  private static final AtomicInteger IDS = new AtomicInteger();

  /** Whether the current thread is running a chunk of a split (nested splits then run inline). */
  private static final ThreadLocal<boolean[]> INSIDE =
      ThreadLocal.withInitial(() -> new boolean[1]);

  private static void runInside(Range body, int lo, int hi) {
    boolean[] inside = INSIDE.get();
    boolean was = inside[0];
    inside[0] = true;
    try {
      body.run(lo, hi);
    } finally {
      inside[0] = was;
    }
  }

  private static ExecutorService pool;
  private static int poolSize;

  /** Re-creates the worker pool for {@code n} threads (the caller is one of them). */
  public static synchronized void resize(int n) {
    if (pool != null) {
      pool.shutdown();
      pool = null;
    }
    poolSize = n - 1;
  }

  private static synchronized ExecutorService pool() {
    int want = Threads.get() - 1;
    if (pool == null || poolSize != want) {
      if (pool != null) {
        pool.shutdown();
      }
      poolSize = want;
      pool =
          Executors.newFixedThreadPool(
              Math.max(1, want),
              r -> {
                Thread t = new Thread(r, "residual-kernel-" + IDS.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
    return pool;
  }

  /**
   * Runs {@code body} over {@code [0, n)} in up to {@link Threads#get()} chunks of at least {@code
   * grain} indices; returns when all chunks are done. Exceptions from any chunk are rethrown.
   */
  public static void forRange(int n, int grain, Range body) {
    int t = Threads.get();
    boolean[] inside = INSIDE.get();
    if (t <= 1 || n < 2L * grain || inside[0]) {
      // Nested inside another split (on a worker or on the caller's own chunk): run inline, since
      // the other threads are busy and queueing behind them would serialise the work.
      body.run(0, n);
      return;
    }
    int chunks = (int) Math.min(t, n / (long) grain);
    int step = (n + chunks - 1) / chunks;
    ExecutorService ex = pool();
    @SuppressWarnings("unchecked")
    Future<?>[] fs = new Future<?>[chunks - 1];
    for (int c = 1; c < chunks; c++) {
      int lo = c * step;
      int hi = Math.min(n, lo + step);
      fs[c - 1] = ex.submit(() -> runInside(body, lo, hi));
    }
    runInside(body, 0, Math.min(n, step));
    for (Future<?> f : fs) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a kernel thread", e);
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException re) {
          throw re;
        }
        if (c instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(c);
      }
    }
  }
}
