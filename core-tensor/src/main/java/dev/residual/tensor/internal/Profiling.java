package dev.residual.tensor.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The autograd engine's side of {@link dev.residual.tensor.Profiler}: per-thread sessions that
 * collect wall time by op name. Not part of the public API.
 */
public final class Profiling {
  private Profiling() {}

  /** Phases, as column pairs (calls, nanos) of a row. */
  public static final int FORWARD = 0;

  /** Backward phase. */
  public static final int BACKWARD = 1;

  /** Time charged by an explicit mark. */
  public static final int MARK = 2;

  /** Number of threads with an open session; lets other threads skip the thread-local. */
  private static volatile int active;

  private static final ThreadLocal<Session> CURRENT = new ThreadLocal<>();

  /** One thread's collected rows: name → {calls, nanos} per phase. */
  public static final class Session {
    /** Rows in first-seen order. */
    public final Map<String, long[]> rows = new LinkedHashMap<>();

    long last = System.nanoTime();

    void add(String name, int phase, long nanos) {
      long[] r = rows.computeIfAbsent(name, k -> new long[6]);
      r[2 * phase]++;
      r[2 * phase + 1] += nanos;
    }
  }

  /**
   * Opens a session on this thread.
   *
   * @throws IllegalStateException if one is already open here
   */
  public static Session open() {
    if (CURRENT.get() != null) {
      throw new IllegalStateException("Profiler.start: this thread already has an active profiler");
    }
    Session s = new Session();
    CURRENT.set(s);
    synchronized (Profiling.class) {
      active++;
    }
    return s;
  }

  /** Closes this thread's session (if it is {@code s}). */
  public static void close(Session s) {
    if (CURRENT.get() != s) {
      return;
    }
    CURRENT.remove();
    synchronized (Profiling.class) {
      active--;
    }
  }

  private static Session current() {
    return active == 0 ? null : CURRENT.get();
  }

  /** Charges the time since the previous event to {@code name} in {@code phase}. */
  public static void event(String name, int phase) {
    Session s = current();
    if (s != null) {
      long now = System.nanoTime();
      s.add(name, phase, now - s.last);
      s.last = now;
    }
  }

  /** {@link System#nanoTime()} when this thread has a session, else 0. */
  static long clock() {
    return current() == null ? 0 : System.nanoTime();
  }

  /** Charges the time since {@code t0} (from {@link #clock()}) to the backward of {@code name}. */
  static void backwardDone(String name, long t0) {
    Session s = current();
    if (s != null) {
      long now = System.nanoTime();
      s.add(name, BACKWARD, now - t0);
      s.last = now;
    }
  }
}
