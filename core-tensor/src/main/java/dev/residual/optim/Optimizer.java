package dev.residual.optim;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.MemoryScopes;
import dev.residual.tensor.internal.Storage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base class of the gradient-descent optimizers: parameter groups, per-parameter state, {@link
 * #step()}, {@link #zeroGrad()} and a flat, serialisable {@link #stateDict()}.
 *
 * <p>Parameters are leaf tensors of type FLOAT32 or FLOAT64 (normally with {@code
 * requiresGrad(true)}); a parameter whose {@code grad()} is null at a step is skipped and its state
 * left untouched, as in PyTorch. Updates are written directly into the parameters' memory, outside
 * autograd, and bump each updated parameter's version counter like any in-place op. State buffers
 * have the parameter's shape and type and are never freed by a {@link
 * dev.residual.tensor.MemoryScope}.
 *
 * <p>Parameter indices in the state are global: the parameters of group 0 in order, then those of
 * group 1, and so on (PyTorch's numbering).
 */
public abstract class Optimizer {
  private final String name;
  private final Map<String, Object> defaults;
  private final List<ParamGroup> groups = new ArrayList<>();
  private final Map<Tensor, ParamState> state = new IdentityHashMap<>();

  /** The state an optimizer keeps for one parameter: a step count and named buffers. */
  public static final class ParamState {
    /** Number of updates applied to this parameter so far. */
    public long step;

    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    /** The buffer {@code name}, or null if it was not created yet. */
    public Tensor buffer(String name) {
      return buffers.get(name);
    }

    /** The buffer {@code name}, created filled with zeros in the shape and type of {@code like}. */
    public Tensor bufferOrZeros(String name, Tensor like) {
      Tensor b = buffers.get(name);
      if (b == null) {
        b = Tensor.zeros(like.dtype(), like.shape());
        MemoryScopes.escape(b.storage());
        buffers.put(name, b);
      }
      return b;
    }

    /** The buffers held by name, in creation order (unmodifiable; the tensors are live). */
    public Map<String, Tensor> buffers() {
      return Collections.unmodifiableMap(buffers);
    }
  }

  /**
   * Creates an optimizer; every group gets the options it does not set from {@code defaults}.
   *
   * @param name the optimizer's name, used in error messages and stored in the state
   * @param groups the parameter groups (at least one)
   * @param defaults every option this optimizer knows, with its default value
   * @throws IllegalArgumentException if there is no group, a group is empty, a parameter is not a
   *     FLOAT32/FLOAT64 leaf or appears twice, a group sets an unknown option, or an option value
   *     is invalid (the message names the option)
   */
  protected Optimizer(String name, List<ParamGroup> groups, Map<String, Object> defaults) {
    this.name = name;
    this.defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
    if (groups == null || groups.isEmpty()) {
      throw new IllegalArgumentException(name + ": optimizer got an empty parameter list");
    }
    for (ParamGroup g : groups) {
      addParamGroup(g);
    }
  }

  /** The optimizer's name ({@code "SGD"}, {@code "Adam"}, …). */
  public String name() {
    return name;
  }

  /** The default options (unmodifiable). */
  public Map<String, Object> defaults() {
    return defaults;
  }

  /** The parameter groups, in order (unmodifiable list; the groups' options may be changed). */
  public List<ParamGroup> paramGroups() {
    return Collections.unmodifiableList(groups);
  }

  /**
   * Adds a parameter group, filling its missing options from the defaults.
   *
   * @throws IllegalArgumentException as the constructor
   */
  public void addParamGroup(ParamGroup group) {
    if (group == null || group.params().isEmpty()) {
      throw new IllegalArgumentException(
          name + ": parameter group " + groups.size() + " has no parameters");
    }
    for (String key : group.options().keySet()) {
      if (!defaults.containsKey(key)) {
        throw new IllegalArgumentException(
            name
                + ": unknown option '"
                + key
                + "' in parameter group "
                + groups.size()
                + " (known: "
                + defaults.keySet()
                + ")");
      }
    }
    IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
    for (ParamGroup g : groups) {
      for (Tensor p : g.params()) {
        seen.put(p, true);
      }
    }
    for (Tensor p : group.params()) {
      if (!p.dtype().isFloatingPoint()) {
        throw new IllegalArgumentException(
            name
                + ": can only optimize FLOAT32 or FLOAT64 tensors, got "
                + p.dtype()
                + " of shape "
                + Arrays.toString(p.shape()));
      }
      if (!p.isLeaf()) {
        throw new IllegalArgumentException(
            name + ": can't optimize a non-leaf tensor (output of '" + p.gradFnName() + "')");
      }
      if (seen.put(p, true) != null) {
        throw new IllegalArgumentException(
            name
                + ": a parameter of shape "
                + Arrays.toString(p.shape())
                + " appears in more than one place in the parameter groups");
      }
    }
    group.fillDefaults(defaults);
    validate(group);
    groups.add(group);
  }

  /**
   * Checks a group's option values.
   *
   * @throws IllegalArgumentException naming the optimizer and the offending option
   */
  protected abstract void validate(ParamGroup group);

  /**
   * Applies one update to {@code param} from {@code grad} (same shape and type) with the group's
   * options. Called with grad mode off; must write through the storages directly.
   */
  protected abstract void update(ParamGroup group, Tensor param, Tensor grad, ParamState state);

  /**
   * Performs one optimization step on every parameter that has a gradient.
   *
   * @throws IllegalArgumentException if a group's options became invalid, or a gradient's type
   *     differs from its parameter's
   */
  public void step() {
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (ParamGroup g : groups) {
        validate(g);
        for (Tensor p : g.params()) {
          Tensor grad = p.grad();
          if (grad == null) {
            continue;
          }
          if (grad.dtype() != p.dtype()) {
            throw new IllegalArgumentException(
                name
                    + ": gradient type "
                    + grad.dtype()
                    + " differs from parameter type "
                    + p.dtype()
                    + " (shape "
                    + Arrays.toString(p.shape())
                    + ")");
          }
          ParamState s = state.computeIfAbsent(p, k -> new ParamState());
          update(g, p, grad, s);
          p.storage().bumpVersion();
        }
      }
    }
  }

  /** Clears every parameter's gradient (sets it to null, PyTorch's {@code set_to_none=True}). */
  public void zeroGrad() {
    zeroGrad(true);
  }

  /**
   * Clears every parameter's gradient: {@code setToNone} drops it (the next backward allocates a
   * new one); otherwise it is filled with zeros in place, keeping its memory.
   */
  public void zeroGrad(boolean setToNone) {
    for (ParamGroup g : groups) {
      for (Tensor p : g.params()) {
        Tensor grad = p.grad();
        if (grad == null) {
          continue;
        }
        if (setToNone) {
          p.setGrad(null);
        } else {
          Storage s = grad.storage();
          switch (s.dtype) {
            case FLOAT32 -> {
              for (int i = 0; i < s.length; i++) {
                s.f.put(i, 0f);
              }
            }
            case FLOAT64 -> {
              for (int i = 0; i < s.length; i++) {
                s.d.put(i, 0.0);
              }
            }
            default -> {
              for (int i = 0; i < s.length; i++) {
                s.setDouble(i, 0);
              }
            }
          }
          s.bumpVersion();
        }
      }
    }
  }

  /** The state of {@code param}, or null if it was never updated (internal, for tests). */
  ParamState stateOf(Tensor param) {
    return state.get(param);
  }

  /**
   * The optimizer's state: copies of every per-parameter buffer by {@code "<index>.<name>"}, and in
   * {@link OptimizerState#meta()} the optimizer's name ({@code "optimizer"}), the number of groups
   * ({@code "num_groups"}), each group's size and options ({@code "group.<g>.num_params"}, {@code
   * "group.<g>.lr"}, …) and each updated parameter's step count ({@code "state.<index>.step"}).
   */
  public OptimizerState stateDict() {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("optimizer", name);
    meta.put("num_groups", groups.size());
    int index = 0;
    for (int gi = 0; gi < groups.size(); gi++) {
      ParamGroup g = groups.get(gi);
      meta.put("group." + gi + ".num_params", g.params().size());
      for (Map.Entry<String, Object> e : g.options().entrySet()) {
        meta.put("group." + gi + "." + e.getKey(), e.getValue());
      }
    }
    for (ParamGroup g : groups) {
      for (Tensor p : g.params()) {
        ParamState s = state.get(p);
        if (s != null) {
          meta.put("state." + index + ".step", s.step);
          for (Map.Entry<String, Tensor> e : s.buffers.entrySet()) {
            tensors.put(index + "." + e.getKey(), copy(e.getValue(), p.dtype()));
          }
        }
        index++;
      }
    }
    return new OptimizerState(tensors, meta);
  }

  /**
   * Replaces the optimizer's state and group options by those of {@code saved} (copied, so the two
   * stay independent). The groups must have the same sizes and the tensors the shapes of the
   * parameters they belong to; buffers of another floating type are converted to the parameter's.
   *
   * @throws IllegalArgumentException listing every problem found (wrong optimizer, group count or
   *     sizes, missing or invalid options, unknown keys, shape mismatches); the optimizer is left
   *     unchanged when it throws
   */
  public void loadStateDict(OptimizerState saved) {
    Map<String, Object> meta = saved.meta();
    List<String> problems = new ArrayList<>();
    if (!name.equals(meta.get("optimizer"))) {
      problems.add("state is for optimizer '" + meta.get("optimizer") + "', not '" + name + "'");
    }
    Object ng = meta.get("num_groups");
    if (!(ng instanceof Number n) || n.intValue() != groups.size()) {
      problems.add("state has " + ng + " parameter groups, optimizer has " + groups.size());
      throw loadError(problems);
    }
    List<Tensor> flat = new ArrayList<>();
    List<Map<String, Object>> newOptions = new ArrayList<>();
    for (int gi = 0; gi < groups.size(); gi++) {
      ParamGroup g = groups.get(gi);
      flat.addAll(g.params());
      Object np = meta.get("group." + gi + ".num_params");
      if (!(np instanceof Number count) || count.intValue() != g.params().size()) {
        problems.add(
            "group "
                + gi
                + " has "
                + np
                + " parameters in the state, "
                + g.params().size()
                + " here");
      }
      Map<String, Object> opts = new LinkedHashMap<>();
      for (Map.Entry<String, Object> d : defaults.entrySet()) {
        String key = "group." + gi + "." + d.getKey();
        Object v = meta.get(key);
        if (v == null) {
          problems.add("missing option '" + key + "'");
        } else if (d.getValue() instanceof Boolean
            ? !(v instanceof Boolean)
            : !(v instanceof Number)) {
          problems.add("option '" + key + "' has the wrong type: " + v);
        } else {
          opts.put(d.getKey(), v instanceof Number num ? (Object) num.doubleValue() : v);
        }
      }
      newOptions.add(opts);
    }
    Map<Integer, ParamState> newState = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : meta.entrySet()) {
      String key = e.getKey();
      if (key.equals("optimizer") || key.equals("num_groups")) {
        continue;
      }
      if (key.startsWith("group.")) {
        String[] parts = key.split("\\.", 3);
        if (parts.length != 3
            || !isIndex(parts[1], groups.size())
            || !(parts[2].equals("num_params") || defaults.containsKey(parts[2]))) {
          problems.add("unexpected key '" + key + "'");
        }
      } else if (key.startsWith("state.") && key.endsWith(".step")) {
        String idx = key.substring("state.".length(), key.length() - ".step".length());
        if (!isIndex(idx, flat.size()) || !(e.getValue() instanceof Number)) {
          problems.add("unexpected key '" + key + "' = " + e.getValue());
        } else {
          ParamState s = new ParamState();
          s.step = ((Number) e.getValue()).longValue();
          newState.put(Integer.parseInt(idx), s);
        }
      } else {
        problems.add("unexpected key '" + key + "'");
      }
    }
    Map<Integer, Map<String, Tensor>> newBuffers = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : saved.tensors().entrySet()) {
      String key = e.getKey();
      int dot = key.indexOf('.');
      String idx = dot < 0 ? "" : key.substring(0, dot);
      if (dot < 0 || !isIndex(idx, flat.size()) || dot == key.length() - 1) {
        problems.add("unexpected tensor '" + key + "'");
        continue;
      }
      int i = Integer.parseInt(idx);
      Tensor p = flat.get(i);
      Tensor t = e.getValue();
      if (!newState.containsKey(i)) {
        problems.add("tensor '" + key + "' has no 'state." + i + ".step'");
      } else if (!Arrays.equals(t.shape(), p.shape())) {
        problems.add(
            "tensor '"
                + key
                + "' has shape "
                + Arrays.toString(t.shape())
                + ", parameter "
                + i
                + " has shape "
                + Arrays.toString(p.shape()));
      } else if (!t.dtype().isFloatingPoint()) {
        problems.add("tensor '" + key + "' has non-floating type " + t.dtype());
      } else {
        newBuffers.computeIfAbsent(i, k -> new LinkedHashMap<>()).put(key.substring(dot + 1), t);
      }
    }
    if (!problems.isEmpty()) {
      throw loadError(problems);
    }
    // Validate the loaded options on scratch groups so a bad value leaves this optimizer intact.
    for (int gi = 0; gi < groups.size(); gi++) {
      ParamGroup scratch = new ParamGroup(groups.get(gi).params(), newOptions.get(gi));
      validate(scratch);
    }
    for (int gi = 0; gi < groups.size(); gi++) {
      for (Map.Entry<String, Object> o : newOptions.get(gi).entrySet()) {
        groups.get(gi).set(o.getKey(), o.getValue());
      }
    }
    state.clear();
    for (Map.Entry<Integer, ParamState> e : newState.entrySet()) {
      Tensor p = flat.get(e.getKey());
      ParamState s = e.getValue();
      Map<String, Tensor> bufs = newBuffers.getOrDefault(e.getKey(), Map.of());
      for (Map.Entry<String, Tensor> b : bufs.entrySet()) {
        s.buffers.put(b.getKey(), copy(b.getValue(), p.dtype()));
      }
      state.put(p, s);
    }
  }

  private IllegalArgumentException loadError(List<String> problems) {
    return new IllegalArgumentException(
        name
            + ".loadStateDict: "
            + problems.size()
            + " problem(s): "
            + String.join("; ", problems));
  }

  private static boolean isIndex(String s, int size) {
    if (s.isEmpty() || s.length() > 9) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return Integer.parseInt(s) < size;
  }

  /** A copy of {@code t} of type {@code dtype} that no memory scope frees. */
  static Tensor copy(Tensor t, DType dtype) {
    Storage src = t.storage();
    Tensor c = Tensor.empty(dtype, t.shape());
    Storage dst = c.storage();
    if (src.dtype == dtype) {
      dst.copyFrom(src, 0, 0, src.length);
    } else {
      for (int i = 0; i < src.length; i++) {
        dst.setDouble(i, src.getDouble(i));
      }
    }
    MemoryScopes.escape(dst);
    return c;
  }

  // ---------------------------------------------------------------- validation helpers

  /** Throws unless {@code group}'s option {@code key} is {@code >= 0}. */
  protected final void requireNonNegative(ParamGroup group, String key) {
    double v = group.getDouble(key);
    if (!(v >= 0)) {
      throw new IllegalArgumentException(name + ": invalid " + key + " " + v + " (must be >= 0)");
    }
  }

  /** Throws unless {@code group}'s option {@code key} is in {@code [0, 1)}. */
  protected final void requireUnitInterval(ParamGroup group, String key) {
    double v = group.getDouble(key);
    if (!(v >= 0 && v < 1)) {
      throw new IllegalArgumentException(
          name + ": invalid " + key + " " + v + " (must be in [0, 1))");
    }
  }

  /** Throws unless {@code group}'s option {@code key} is a boolean. */
  protected final void requireFlag(ParamGroup group, String key) {
    if (!(group.options().get(key) instanceof Boolean)) {
      throw new IllegalArgumentException(
          name + ": option " + key + " must be a boolean, got " + group.options().get(key));
    }
  }
}
