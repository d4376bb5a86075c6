package dev.residual.tensor.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** The thread-local stack of memory scopes behind {@code dev.residual.tensor.MemoryScope}. */
public final class MemoryScopes {
  private MemoryScopes() {}

  /** One open scope: the storages allocated while it was innermost. */
  public static final class Frame {
    private final List<Storage> owned = new ArrayList<>();
    private final Set<Storage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;
  }

  private static final ThreadLocal<ArrayDeque<Frame>> STACK =
      ThreadLocal.withInitial(ArrayDeque::new);

  /** Records a new storage in the innermost open scope of this thread, if any. */
  static void register(Storage s) {
    Frame f = STACK.get().peek();
    if (f != null) {
      f.owned.add(s);
    }
  }

  /** Opens a scope on this thread. */
  public static Frame push() {
    Frame f = new Frame();
    STACK.get().push(f);
    return f;
  }

  /** Marks a storage to survive {@code f}'s close (it moves to the enclosing scope, if any). */
  public static void keep(Frame f, Storage s) {
    if (f.closed) {
      throw new IllegalStateException("MemoryScope.keep: the scope is already closed");
    }
    f.kept.add(s);
  }

  /**
   * Marks a storage as held by something longer-lived than any scope (a parameter's gradient): no
   * scope will release it.
   */
  public static void escape(Storage s) {
    s.escaped = true;
  }

  /**
   * Closes {@code f}: releases every storage allocated in it that was neither kept nor escaped.
   *
   * @throws IllegalStateException if {@code f} is not the innermost open scope of this thread
   */
  public static void pop(Frame f) {
    if (f.closed) {
      return;
    }
    ArrayDeque<Frame> stack = STACK.get();
    if (stack.peek() != f) {
      throw new IllegalStateException(
          "MemoryScope.close: scopes must be closed in the reverse order they were opened, on the"
              + " thread that opened them");
    }
    stack.pop();
    f.closed = true;
    Frame parent = stack.peek();
    for (Storage s : f.owned) {
      if (s.escaped || f.kept.contains(s)) {
        if (parent != null && !s.escaped) {
          parent.owned.add(s);
        }
      } else {
        s.release();
      }
    }
    f.owned.clear();
  }
}
