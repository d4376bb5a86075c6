package dev.residual.tensor;

import dev.residual.tensor.internal.Parallel;
import java.util.function.IntConsumer;
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
    if (singleThreadedBlasDepth == 0) {
      openblas.blas_set_num_threads(n); // else applied when the single-threaded section ends
    }
    blasApplied = true;
    Parallel.resize(n);
  }

  private static int singleThreadedBlasDepth;

  /**
   * Runs {@code body} with BLAS limited to one thread, for kernels that split independent matrix
   * products over Residual's own threads (one BLAS thread per worker beats several workers each
   * asking BLAS for all threads). Nested and concurrent calls are counted: BLAS gets the configured
   * count back when the last one returns, even if {@code body} throws.
   */
  public static void withSingleThreadedBlas(Runnable body) {
    ensureBlasConfigured();
    synchronized (Threads.class) {
      if (singleThreadedBlasDepth++ == 0) {
        openblas.blas_set_num_threads(1);
      }
    }
    try {
      body.run();
    } finally {
      synchronized (Threads.class) {
        if (--singleThreadedBlasDepth == 0) {
          openblas.blas_set_num_threads(threads);
        }
      }
    }
  }

  /**
   * Runs {@code task.accept(i)} for {@code i = 0 … n−1}, in contiguous runs over {@link #get()}
   * threads (the caller is one of them), and returns when all are done; the first failure is
   * rethrown. While the tasks run, BLAS is single-threaded and Residual's kernels do not split any
   * further, so coarse independent work (batches of samples, evaluation shards) keeps every core
   * busy instead of contending for them. Tasks must not depend on one another or on the order in
   * which they run; each task's tensors belong to the thread that runs it.
   *
   * @throws IllegalArgumentException if {@code n} is negative or {@code task} is null
   */
  public static void parallelFor(int n, IntConsumer task) {
    if (n < 0 || task == null) {
      throw new IllegalArgumentException(
          "Threads.parallelFor: needs n >= 0 and a task, got n = " + n + ", task " + task);
    }
    Parallel.Range body =
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            task.accept(i);
          }
        };
    if (n < 2 || threads <= 1) {
      body.run(0, n);
      return;
    }
    withSingleThreadedBlas(() -> Parallel.forRange(n, 1, body));
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
