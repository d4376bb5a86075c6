package dev.residual.tensor.internal;

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
    return out;
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
    int saveDepth = swapNoGradDepth(1);
    try {
      for (int k = 0; k < roots.length; k++) {
        Tensor r = roots[k];
        Tensor g = rootGrads[k];
        if (r.gradFn() != null) {
          accumulate(pending, r.gradFn(), g);
        } else {
          leafGrads.merge(r, g, Tensor::add);
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
        if (n.hooks != null) {
          for (Function<Tensor, Tensor> h : n.hooks) {
            Tensor r = h.apply(g);
            if (r != null) {
              g = r;
            }
          }
        }
        if (n.retained != null && inputs == null) {
          Tensor prev = n.retained.grad();
          n.retained.setGrad(prev == null ? g.detach() : prev.add(g));
        }
        Integer target = targetIndex.get(n);
        if (target != null) {
          results[target] = g;
        }
        checkVersions(n);
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
          if (o instanceof Node m) {
            if (gk != null) {
              accumulate(pending, m, gk);
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
            leafGrads.merge((Tensor) o, gk, Tensor::add);
          }
        }
      }
      for (Map.Entry<Tensor, Tensor> e : leafGrads.entrySet()) {
        Tensor leaf = e.getKey();
        Tensor g = e.getValue();
        if (leaf.hooks() != null) {
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
          }
        } else {
          leaf.accumulateGrad(g);
        }
      }
      if (!retainGraph) {
        for (Node n : visited) {
          n.fn = null;
          n.released = true;
        }
      }
    } finally {
      swapNoGradDepth(saveDepth);
    }
    return results;
  }

  private static void skipSubtree(
      Node m, Map<Node, Integer> deps, Map<Node, Tensor> pending, ArrayDeque<Node> ready,
      List<Node> visited) {
    ArrayDeque<Node> todo = new ArrayDeque<>();
    todo.push(m);
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      visited.add(n);
      for (Object o : n.next) {
        if (o instanceof Node c) {
          int left = deps.get(c) - 1;
          deps.put(c, left);
          if (left == 0) {
            if (pending.containsKey(c)) {
              ready.add(c);
            } else {
              todo.push(c);
            }
          }
        }
      }
    }
  }

  private static void accumulate(Map<Node, Tensor> pending, Node n, Tensor g) {
    Tensor prev = pending.get(n);
    pending.put(n, prev == null ? g : prev.add(g));
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
