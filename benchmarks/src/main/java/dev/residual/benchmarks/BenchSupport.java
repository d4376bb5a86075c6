package dev.residual.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Shared plumbing for the benchmark mains: {@code --key value} options, medians, a sink that keeps
 * results alive so the JIT cannot drop the measured work, BLAS thread control and the resident set
 * size of this process.
 */
final class BenchSupport {
  /** Written by every measured call so that its result counts as used. */
  static volatile Object sink;

  private BenchSupport() {}

  /** Options given as {@code --name value} (or a bare {@code --flag}, read as "true"). */
  static final class Options {
    private final Map<String, String> values = new HashMap<>();

    Options(String[] args) {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("--")) {
          throw new IllegalArgumentException("unexpected argument '" + a + "' (options: --name v)");
        }
        String key = a.substring(2);
        int eq = key.indexOf('=');
        if (eq >= 0) {
          values.put(key.substring(0, eq), key.substring(eq + 1));
        } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          values.put(key, args[++i]);
        } else {
          values.put(key, "true");
        }
      }
    }

    int integer(String key, int fallback) {
      String v = values.get(key);
      return v == null ? fallback : Integer.parseInt(v);
    }

    double real(String key, double fallback) {
      String v = values.get(key);
      return v == null ? fallback : Double.parseDouble(v);
    }

    boolean flag(String key) {
      return Boolean.parseBoolean(values.getOrDefault(key, "false"));
    }

    String text(String key, String fallback) {
      return values.getOrDefault(key, fallback);
    }
  }

  /** Median of the values (the mean of the two middle ones for an even count). */
  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** The value at quantile {@code q} (nearest rank) of the values. */
  static double quantile(double[] xs, double q) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int i = (int) Math.round(q * (s.length - 1));
    return s[Math.max(0, Math.min(s.length - 1, i))];
  }

  /**
   * Sets the number of OpenBLAS threads for this process (the library bytedeco's presets load,
   * which ND4J's native backend shares) and returns the count now in force. ND4J's own OpenMP loops
   * follow {@code OMP_NUM_THREADS}, which only the launching environment can set.
   */
  static int setBlasThreads(int threads) {
    if (threads > 0) {
      org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(threads);
    }
    int now = org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads();
    if (now > 0) {
      return now;
    }
    // Not queryable before the first call into OpenBLAS: report what the environment asks for.
    String env = System.getenv("OPENBLAS_NUM_THREADS");
    try {
      return env == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(env);
    } catch (NumberFormatException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** Resident set size of this process in kB ({@code VmRSS} of /proc/self/status), or -1. */
  static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Minor page faults of this process so far (field 10 of /proc/self/stat), or -1. */
  static long minorFaults() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[7]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Garbage collections so far and the milliseconds they took, over all collectors. */
  static long[] gcCountAndMillis() {
    long count = 0;
    long ms = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, b.getCollectionCount());
      ms += Math.max(0, b.getCollectionTime());
    }
    return new long[] {count, ms};
  }

  /** CPU time of the calling thread in nanoseconds. */
  static long threadCpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** One line naming the machine state the figures were taken in. */
  static String environment(int blasThreads) {
    return String.format(
        Locale.ROOT,
        "java %s, %d cpus, OpenBLAS threads %d, OMP_NUM_THREADS=%s, OPENBLAS_NUM_THREADS=%s",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        blasThreads,
        System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"),
        System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "(unset)"));
  }

  /** A unit of measured work. */
  @FunctionalInterface
  interface Work {
    void run() throws Exception;
  }

  /** Seconds taken by {@code calls} back-to-back runs of {@code w}. */
  static double time(Work w, int calls) throws Exception {
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      w.run();
    }
    return (System.nanoTime() - t0) * 1e-9;
  }

  /**
   * Calls per timed batch so that one batch lasts about {@code targetSeconds}, estimated from a few
   * probe runs after warming {@code w} for {@code warmSeconds}.
   */
  static int calibrate(Work w, double warmSeconds, double targetSeconds) throws Exception {
    long end = System.nanoTime() + (long) (warmSeconds * 1e9);
    int probes = 0;
    while (System.nanoTime() < end || probes < 3) {
      w.run();
      probes++;
    }
    double per = time(w, 3) / 3;
    return (int) Math.max(1, Math.min(1_000_000, Math.round(targetSeconds / per)));
  }
}
