package dev.residual.tensor;

import dev.residual.tensor.internal.Profiling;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wall time by op, for finding where a training step goes (a small {@code torch.profiler}).
 *
 * <pre>{@code
 * try (Profiler prof = Profiler.start()) {
 *   for (...) {
 *     Tensor loss = model.forward(x, y).loss();
 *     loss.backward();
 *     Profiler.mark("backward (other)");
 *     opt.step();
 *     Profiler.mark("optimizer");
 *   }
 *   System.out.println(prof.table());
 * }
 * }</pre>
 *
 * <p>How time is attributed, on the thread that called {@link #start()}:
 *
 * <ul>
 *   <li><b>forward</b>: every op that autograd records (one that has an input requiring grad, with
 *       grad mode on) is charged the wall time since the previous recorded op or {@link #mark}.
 *       That is the op's own kernel plus whatever plain Java ran between the two ops (usually
 *       nothing; call {@link #mark} after other work so it is not charged to the next op). Ops run
 *       without grad are not seen.
 *   <li><b>backward</b>: each node's backward function, including adding its gradients into the
 *       pending sums and leaf {@code .grad}s, is timed on its own.
 *   <li><b>marks</b>: {@link #mark(String)} charges the time since the previous event to its label.
 * </ul>
 *
 * <p>Overhead is two {@link System#nanoTime()} calls per op while a profiler is active and one
 * static field read per op otherwise. Times are in milliseconds in {@link #table()} and nanoseconds
 * in {@link Entry}.
 */
public final class Profiler implements AutoCloseable {
  private final Thread owner = Thread.currentThread();
  private final Profiling.Session session;
  private final long startNanos = System.nanoTime();
  private long stopNanos = -1;

  private Profiler() {
    session = Profiling.open();
  }

  /**
   * Starts profiling on the current thread.
   *
   * @throws IllegalStateException if this thread already has an active profiler
   */
  public static Profiler start() {
    return new Profiler();
  }

  /**
   * Charges the wall time since the previous op or mark to {@code label} (a no-op without an active
   * profiler on this thread).
   */
  public static void mark(String label) {
    Profiling.event(label, Profiling.MARK);
  }

  /**
   * One row of the profile.
   *
   * @param name the op's name (as in {@code grad_fn} names) or a mark's label
   * @param forwardCalls times the op was recorded
   * @param forwardNanos wall time charged to its forward
   * @param backwardCalls times its backward ran
   * @param backwardNanos wall time of its backward
   * @param markCalls times the label was marked
   * @param markNanos wall time charged to the label
   */
  public record Entry(
      String name,
      long forwardCalls,
      long forwardNanos,
      long backwardCalls,
      long backwardNanos,
      long markCalls,
      long markNanos) {
    /** Forward + backward + mark time, in nanoseconds. */
    public long totalNanos() {
      return forwardNanos + backwardNanos + markNanos;
    }
  }

  /** The rows, largest total time first. */
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : session.rows.entrySet()) {
      long[] r = e.getValue();
      out.add(new Entry(e.getKey(), r[0], r[1], r[2], r[3], r[4], r[5]));
    }
    out.sort(Comparator.comparingLong(Entry::totalNanos).reversed());
    return out;
  }

  /**
   * Wall time from {@link #start()} to {@link #close()} (or to now, while open), in nanoseconds.
   */
  public long elapsedNanos() {
    return (stopNanos >= 0 ? stopNanos : System.nanoTime()) - startNanos;
  }

  /**
   * A text table: per row forward/backward/mark milliseconds, calls and the share of the elapsed
   * time; the last line gives the time no row accounts for.
   */
  public String table() {
    long elapsed = elapsedNanos();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-28s %10s %8s %10s %8s %10s %7s%n",
            "op",
            "fwd ms",
            "calls",
            "bwd ms",
            "calls",
            "total ms",
            "share"));
    long covered = 0;
    for (Entry e : entries()) {
      covered += e.totalNanos();
      sb.append(
          String.format(
              Locale.ROOT,
              "%-28s %10.2f %8d %10.2f %8d %10.2f %6.1f%%%n",
              e.name(),
              (e.forwardNanos() + e.markNanos()) / 1e6,
              e.forwardCalls() + e.markCalls(),
              e.backwardNanos() / 1e6,
              e.backwardCalls(),
              e.totalNanos() / 1e6,
              100.0 * e.totalNanos() / Math.max(1, elapsed)));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%-28s %10s %8s %10s %8s %10.2f %6.1f%%%n",
            "(unattributed)",
            "",
            "",
            "",
            "",
            (elapsed - covered) / 1e6,
            100.0 * (elapsed - covered) / Math.max(1, elapsed)));
    return sb.toString();
  }

  /**
   * Stops profiling; the rows stay readable.
   *
   * @throws IllegalStateException if called from another thread than {@link #start()}'s
   */
  @Override
  public void close() {
    if (stopNanos >= 0) {
      return;
    }
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(
          "Profiler.close: must be closed on the thread that started it");
    }
    stopNanos = System.nanoTime();
    Profiling.close(session);
  }
}
