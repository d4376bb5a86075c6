package dev.residual.tensor;

import dev.residual.tensor.internal.Parallel;
import org.bytedeco.openblas.global.openblas;

/**
 * The one place where Residual's thread counts are set: the threads BLAS uses for matrix products
 * and the threads Residual's own kernels split large elementwise and row-wise work across.
 *
 * <p>The initial count comes from the system property {@code residual.threads}, else the
 * environment variable {@code OMP_NUM_THREADS}, else the number of available processors. Tests run
 * with {@code OMP_NUM_THREADS=1}. On small shared machines one thread is often fastest: measure.
 */
public final class Threads {
  private static volatile int threads = initial();
  private static volatile boolean blasApplied;

  private Threads() {}

  private static int initial() {
    String p = System.getProperty("residual.threads");
    String env = System.getenv("OMP_NUM_THREADS");
    for (String s : new String[] {p, env}) {
      if (s != null && !s.isBlank()) {
        try {
          int n = Integer.parseInt(s.trim());
          if (n > 0) {
            return n;
          }
        } catch (NumberFormatException ignored) {
          // Fall through to the next source.
        }
      }
    }
    return Runtime.getRuntime().availableProcessors();
  }

  /** The current thread count (at least 1). */
  public static int get() {
    return threads;
  }

  /**
   * Sets the thread count for BLAS and Residual's kernels.
   *
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public static synchronized void set(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("Threads.set: thread count must be >= 1, got " + n);
    }
    threads = n;
    openblas.blas_set_num_threads(n);
    blasApplied = true;
    Parallel.resize(n);
  }

  /** Applies the configured count to BLAS once, before the first matrix product. */
  public static void ensureBlasConfigured() {
    if (!blasApplied) {
      synchronized (Threads.class) {
        if (!blasApplied) {
          openblas.blas_set_num_threads(threads);
          blasApplied = true;
        }
      }
    }
  }
}
