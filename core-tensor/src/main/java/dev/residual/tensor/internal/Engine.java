package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The reverse-mode autograd engine: records nodes during the forward pass and walks them once, in
 * reverse topological order, during backward.
 *
 * <p>Grad mode and anomaly mode are thread-local, so separate threads can train separate models.
 */
public final class Engine {
  private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  private static final ThreadLocal<int[]> ANOMALY_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  private static final ThreadLocal<Object[]> BACKWARD_TAG =
      ThreadLocal.withInitial(() -> new Object[1]);

  /**
   * The tag of the backward pass running on this thread, or null. Storages allocated during a
   * backward pass carry its tag: the engine may free them as soon as no pending gradient refers to
   * them, since nothing outside the pass can hold them (hooks, retained and returned gradients are
   * excluded).
   */
  static Object currentBackwardTag() {
    return BACKWARD_TAG.get()[0];
  }

  private Engine() {}

  /** True unless the current thread is inside a no-grad scope. */
  public static boolean isGradEnabled() {
    return NO_GRAD_DEPTH.get()[0] == 0;
  }

  /** Enters a no-grad scope on this thread (nestable). */
  public static void pushNoGrad() {
    NO_GRAD_DEPTH.get()[0]++;
  }

  /** Leaves a no-grad scope. */
  public static void popNoGrad() {
    NO_GRAD_DEPTH.get()[0]--;
  }

  /** Sets the no-grad depth directly (used to re-enable grad inside a no-grad scope). */
  public static int swapNoGradDepth(int depth) {
    int[] d = NO_GRAD_DEPTH.get();
    int old = d[0];
    d[0] = depth;
    return old;
  }

  /** True inside an anomaly-detection scope. */
  public static boolean isAnomalyEnabled() {
    return ANOMALY_DEPTH.get()[0] > 0;
  }

  /** Enters an anomaly-detection scope on this thread. */
  public static void pushAnomaly() {
    ANOMALY_DEPTH.get()[0]++;
  }

  /** Leaves an anomaly-detection scope. */
  public static void popAnomaly() {
    ANOMALY_DEPTH.get()[0]--;
  }

  /** True if an op on these inputs must be recorded. */
  public static boolean needsRecord(Tensor... inputs) {
    if (!isGradEnabled()) {
      return false;
    }
    for (Tensor t : inputs) {
      if (t != null && t.requiresGrad()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Records {@code out} as the result of op {@code name} on {@code inputs}, if grad mode is on and
   * any input requires grad; returns {@code out}.
   *
   * @param saved tensors whose values the backward function reads: an in-place change to any of
   *     them before backward makes backward fail with a clear error
   */
  public static Tensor record(
      String name, Tensor out, Tensor[] inputs, Node.Backward fn, Tensor... saved) {
    if (!needsRecord(inputs)) {
      return out;
    }
    Object[] next = new Object[inputs.length];
    boolean[] needs = new boolean[inputs.length];
    for (int k = 0; k < inputs.length; k++) {
      Tensor in = inputs[k];
      if (in == null || !in.requiresGrad()) {
        continue;
      }
      needs[k] = true;
      next[k] = in.gradFn() != null ? in.gradFn() : in;
    }
    Storage[] savedStorages = new Storage[saved.length];
    for (int k = 0; k < saved.length; k++) {
      savedStorages[k] = saved[k].storage();
    }
    Node node =
        new Node(
            name,
            next,
            needs,
            out.shape(),
            out.dtype(),
            fn,
            savedStorages,
            isAnomalyEnabled() ? new Throwable("forward of '" + name + "'") : null);
    out.attachGradFn(node);
    Profiling.event(name, Profiling.FORWARD);
    return out;
  }

  /**
   * Hands {@code scratch}, a buffer that only the backward of the op that produced {@code out}
   * reads, to the tape: it is freed when the graph is released, or at once if {@code out} was not
   * recorded.
   */
  public static void freeOnRelease(Tensor out, Storage scratch) {
    Node n = out.gradFn();
    if (n == null) {
      scratch.release();
    } else {
      if (n.owned == null) {
        n.owned = new ArrayList<>(2);
      }
      n.owned.add(scratch);
    }
  }

  /**
   * Runs backward from {@code roots} with gradients {@code rootGrads}.
   *
   * @param inputs when non-null, the tensors whose gradients are returned (as {@code
   *     Autograd.grad}); leaves' {@code .grad} fields are then left untouched
   * @return gradients of {@code inputs} (null entries where an input is unreachable), or null when
   *     {@code inputs} is null
   */
  public static Tensor[] backward(
      Tensor[] roots, Tensor[] rootGrads, boolean retainGraph, Tensor[] inputs) {
    // Targets when computing Autograd.grad: leaves by identity, non-leaves by their node.
    Map<Object, Integer> targetIndex = new IdentityHashMap<>();
    Tensor[] results = inputs == null ? null : new Tensor[inputs.length];
    if (inputs != null) {
      for (int k = 0; k < inputs.length; k++) {
        Tensor in = inputs[k];
        if (!in.requiresGrad()) {
          throw new IllegalArgumentException(
              "Autograd.grad: input " + k + " does not require grad");
        }
        targetIndex.put(in.gradFn() != null ? in.gradFn() : in, k);
      }
    }

    // Dependency counts over the reachable graph.
    Map<Node, Integer> deps = new IdentityHashMap<>();
    ArrayDeque<Node> stack = new ArrayDeque<>();
    for (Tensor r : roots) {
      Node n = r.gradFn();
      if (n != null && !deps.containsKey(n)) {
        deps.put(n, 0);
        stack.push(n);
      }
    }
    while (!stack.isEmpty()) {
      Node n = stack.pop();
      checkUsable(n);
      for (Object o : n.next) {
        if (o instanceof Node m) {
          Integer c = deps.get(m);
          if (c == null) {
            deps.put(m, 1);
            stack.push(m);
          } else {
            deps.put(m, c + 1);
          }
        }
      }
    }

    Map<Node, Tensor> pending = new IdentityHashMap<>();
    Map<Tensor, Tensor> leafGrads = new IdentityHashMap<>();
    ArrayDeque<Node> ready = new ArrayDeque<>();
    Object tag = new Object();
    Refs refs = new Refs(tag);
    Object[] tagSlot = BACKWARD_TAG.get();
    Object savedTag = tagSlot[0];
    tagSlot[0] = tag;
    int saveDepth = swapNoGradDepth(1);
    try {
      for (int k = 0; k < roots.length; k++) {
        Tensor r = roots[k];
        Tensor g = rootGrads[k];
        if (r.gradFn() != null) {
          accumulate(pending, r.gradFn(), g, refs);
        } else {
          accumulateLeaf(leafGrads, r, g, refs);
        }
      }
      for (Tensor r : roots) {
        Node n = r.gradFn();
        if (n != null && deps.get(n) == 0 && !ready.contains(n)) {
          ready.add(n);
        }
      }
      List<Node> visited = new ArrayList<>();
      boolean anomaly = isAnomalyEnabled();
      while (!ready.isEmpty()) {
        Node n = ready.poll();
        visited.add(n);
        Tensor g = pending.remove(n);
        boolean keep = false;
        if (n.hooks != null) {
          keep = true;
          for (Function<Tensor, Tensor> h : n.hooks) {
            Tensor r = h.apply(g);
            if (r != null) {
              g = r;
            }
          }
        }
        if (n.retained != null && inputs == null) {
          keep = true;
          Tensor prev = n.retained.grad();
          n.retained.setGrad(prev == null ? g.detach() : prev.add(g));
        }
        Integer target = targetIndex.get(n);
        if (target != null) {
          keep = true;
          results[target] = g;
        }
        if (keep) {
          refs.protect(g.storage());
        }
        checkVersions(n);
        long t0 = Profiling.clock();
        Tensor[] grads = n.fn.apply(g, n.needs);
        if (anomaly) {
          checkFinite(n, grads);
        }
        for (int k = 0; k < n.next.length; k++) {
          Object o = n.next[k];
          if (o == null) {
            continue;
          }
          Tensor gk = grads[k];
          if (gk != null) {
            // Ops compute in the promoted type; each input receives a gradient of its own type.
            DType want = o instanceof Node m ? m.dtype : ((Tensor) o).dtype();
            if (gk.dtype() != want) {
              gk = Pointwise.cast(gk, want);
            }
          }
          if (o instanceof Node m) {
            if (gk != null) {
              accumulate(pending, m, gk, refs);
            }
            int c = deps.get(m) - 1;
            deps.put(m, c);
            if (c == 0) {
              if (pending.containsKey(m)) {
                ready.add(m);
              } else {
                // No gradient reached it (all contributions were null): skip its subtree.
                skipSubtree(m, deps, pending, ready, visited);
              }
            }
          } else if (gk != null) {
            accumulateLeaf(leafGrads, (Tensor) o, gk, refs);
          }
        }
        // The node's incoming gradient is consumed: free it unless something still refers to it.
        refs.drop(g.storage());
        if (t0 != 0) {
          Profiling.backwardDone(n.name, t0);
        }
      }
      for (Map.Entry<Tensor, Tensor> e : leafGrads.entrySet()) {
        Tensor leaf = e.getKey();
        Tensor g = e.getValue();
        if (leaf.hooks() != null) {
          refs.protect(g.storage());
          for (Function<Tensor, Tensor> h : leaf.hooks()) {
            Tensor r = h.apply(g);
            if (r != null) {
              g = r;
            }
          }
        }
        Integer target = targetIndex.get(leaf);
        if (inputs != null) {
          if (target != null) {
            results[target] = g;
            refs.protect(g.storage());
          }
        } else if (leaf.grad() == null && refs.exclusive(g.storage())) {
          // A gradient this pass made and nothing else holds becomes .grad without a copy.
          leaf.setGrad(g.storage() == leaf.storage() ? g.clone() : g);
          refs.protect(g.storage());
        } else {
          leaf.accumulateGrad(g);
        }
        refs.drop(e.getValue().storage());
      }
      if (!retainGraph) {
        for (Node n : visited) {
          n.fn = null;
          n.released = true;
          if (n.owned != null) {
            for (Storage s : n.owned) {
              s.release();
            }
            n.owned = null;
          }
        }
      }
    } finally {
      swapNoGradDepth(saveDepth);
      tagSlot[0] = savedTag;
    }
    return results;
  }

  /**
   * Reference counts of gradient storages held by the engine's pending maps during one backward
   * pass. A storage allocated by this pass is freed when its count drops to zero, unless it was
   * protected (handed to a hook, retained, or returned to the caller).
   */
  private static final class Refs {
    private final Object tag;
    private final Map<Storage, int[]> counts = new IdentityHashMap<>();

    Refs(Object tag) {
      this.tag = tag;
    }

    void add(Storage s) {
      if (s.backwardTag == tag) {
        counts.computeIfAbsent(s, k -> new int[1])[0]++;
      }
    }

    void protect(Storage s) {
      if (s.backwardTag == tag) {
        s.backwardTag = null;
        counts.remove(s);
      }
    }

    boolean exclusive(Storage s) {
      int[] c = counts.get(s);
      return s.backwardTag == tag && c != null && c[0] == 1;
    }

    void drop(Storage s) {
      int[] c = counts.get(s);
      if (c != null && --c[0] <= 0) {
        counts.remove(s);
        s.release();
      }
    }
  }

  private static void accumulateLeaf(
      Map<Tensor, Tensor> leafGrads, Tensor leaf, Tensor g, Refs refs) {
    Tensor prev = leafGrads.get(leaf);
    if (prev == null) {
      leafGrads.put(leaf, g);
      refs.add(g.storage());
    } else {
      Tensor sum = prev.add(g);
      leafGrads.put(leaf, sum);
      refs.add(sum.storage());
      refs.drop(prev.storage());
      refs.add(g.storage());
      refs.drop(g.storage());
    }
  }

  private static void skipSubtree(
      Node m,
      Map<Node, Integer> deps,
      Map<Node, Tensor> pending,
      ArrayDeque<Node> ready,
      List<Node> visited) {
    ArrayDeque<Node> walk = new ArrayDeque<>();
    walk.push(m);
    while (!walk.isEmpty()) {
      Node n = walk.pop();
      visited.add(n);
      for (Object o : n.next) {
        if (o instanceof Node c) {
          int left = deps.get(c) - 1;
          deps.put(c, left);
          if (left == 0) {
            if (pending.containsKey(c)) {
              ready.add(c);
            } else {
              walk.push(c);
            }
          }
        }
      }
    }
  }

  private static void accumulate(Map<Node, Tensor> pending, Node n, Tensor g, Refs refs) {
    Tensor prev = pending.get(n);
    if (prev == null) {
      pending.put(n, g);
      refs.add(g.storage());
    } else {
      Tensor sum = prev.add(g);
      pending.put(n, sum);
      refs.add(sum.storage());
      refs.drop(prev.storage());
      refs.add(g.storage());
      refs.drop(g.storage());
    }
  }

  private static void checkUsable(Node n) {
    if (n.released || n.fn == null) {
      throw new IllegalStateException(
          "backward through the graph a second time (op '"
              + n.name
              + "'): its saved values were freed by the first backward; "
              + "call backward(gradient, true) (retainGraph) the first time if you need to "
              + "backward twice");
    }
  }

  private static void checkVersions(Node n) {
    for (int k = 0; k < n.saved.length; k++) {
      if (n.saved[k].isReleased()) {
        throw new IllegalStateException(
            "a tensor saved for the backward of '"
                + n.name
                + "' was released (its memory scope closed before backward ran); run backward"
                + " inside the scope, or keep the tensors with MemoryScope.keep");
      }
      if (n.saved[k].version != n.savedVersions[k]) {
        throw new IllegalStateException(
            "a tensor saved for the backward of '"
                + n.name
                + "' was modified by an in-place operation (version "
                + n.saved[k].version
                + ", expected "
                + n.savedVersions[k]
                + "): clone it before modifying it in place");
      }
    }
  }

  private static void checkFinite(Node n, Tensor[] grads) {
    for (int k = 0; k < grads.length; k++) {
      Tensor g = grads[k];
      if (g != null && !g.isFinite()) {
        IllegalStateException e =
            new IllegalStateException(
                "anomaly: the backward of '"
                    + n.name
                    + "' produced NaN or Inf in the gradient of its input "
                    + k
                    + " (shape "
                    + Arrays.toString(g.shape())
                    + ")");
        if (n.createdAt != null) {
          e.initCause(n.createdAt);
        }
        throw e;
      }
    }
  }
}
