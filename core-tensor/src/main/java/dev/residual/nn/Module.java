package dev.residual.nn;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.MemoryScopes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Base class of every neural-network layer and model, the counterpart of PyTorch's {@code
 * torch.nn.Module}.
 *
 * <p>A module owns three insertion-ordered tables, filled by its constructor:
 *
 * <ul>
 *   <li>parameters ({@link #registerParameter}) — trainable leaf tensors, marked {@code
 *       requiresGrad};
 *   <li>buffers ({@link #registerBuffer}) — state that is not trained (running statistics, masks);
 *       persistent buffers are saved in {@link #stateDict()};
 *   <li>children ({@link #registerModule}) — sub-modules, whose tensors appear under dotted names
 *       such as {@code blocks.0.attn.W_Q}.
 * </ul>
 *
 * <p>A parameter, buffer and child may not share a name, and names may not be empty or contain a
 * dot. Registered tensors are exempt from any open {@link dev.residual.tensor.MemoryScope}, so a
 * model built inside a scope outlives it.
 *
 * <p><b>Forward convention.</b> Subclasses define their own {@code forward(...)} methods with
 * whatever arguments they need; modules with one input and one output also implement {@link
 * UnaryModule}, which {@link Sequential} composes.
 *
 * <p><b>Reading parameters.</b> {@link #to(DType)} replaces registered tensors with converted ones.
 * A subclass that keeps a registered tensor in a field would then hold a stale tensor; read
 * parameters through {@link #getParameter(String)} (as the built-in layers do) or re-read fields
 * after {@code to}.
 *
 * <p>Not thread-safe.
 */
public abstract class Module {
  private final Map<String, Tensor> parameters = new LinkedHashMap<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();
  private final Set<String> nonPersistent = new HashSet<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private boolean training = true;

  /** A module with no parameters, buffers or children, in training mode. */
  protected Module() {}

  // ---------------------------------------------------------------- registration

  /**
   * Registers {@code tensor} as a parameter named {@code name}, marks it {@code requiresGrad} and
   * returns it.
   *
   * @throws IllegalArgumentException if the name is empty, contains a dot or is taken, or the
   *     tensor is null, not floating point, or not a leaf
   */
  protected Tensor registerParameter(String name, Tensor tensor) {
    checkName("registerParameter", name);
    if (tensor == null) {
      throw new IllegalArgumentException(
          "registerParameter: parameter '" + name + "' of " + className() + " is null");
    }
    if (!tensor.isLeaf()) {
      throw new IllegalArgumentException(
          "registerParameter: parameter '"
              + name
              + "' is the output of '"
              + tensor.gradFnName()
              + "', not a leaf; register a detached tensor");
    }
    if (!tensor.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          "registerParameter: parameter '"
              + name
              + "' must be floating point, got "
              + tensor.dtype());
    }
    tensor.requiresGrad(true);
    MemoryScopes.escape(tensor.storage());
    parameters.put(name, tensor);
    return tensor;
  }

  /**
   * Registers {@code tensor} as a buffer named {@code name}; a persistent buffer is part of {@link
   * #stateDict()}, a non-persistent one is not. Returns the tensor.
   *
   * @throws IllegalArgumentException if the name is empty, contains a dot or is taken, or the
   *     tensor is null
   */
  protected Tensor registerBuffer(String name, Tensor tensor, boolean persistent) {
    checkName("registerBuffer", name);
    if (tensor == null) {
      throw new IllegalArgumentException(
          "registerBuffer: buffer '" + name + "' of " + className() + " is null");
    }
    MemoryScopes.escape(tensor.storage());
    buffers.put(name, tensor);
    if (!persistent) {
      nonPersistent.add(name);
    }
    return tensor;
  }

  /** Registers a persistent buffer; see {@link #registerBuffer(String, Tensor, boolean)}. */
  protected Tensor registerBuffer(String name, Tensor tensor) {
    return registerBuffer(name, tensor, true);
  }

  /**
   * Registers {@code module} as a child named {@code name} and returns it.
   *
   * @throws IllegalArgumentException if the name is empty, contains a dot or is taken, or the
   *     module is null or this module itself
   */
  protected <M extends Module> M registerModule(String name, M module) {
    checkName("registerModule", name);
    if (module == null) {
      throw new IllegalArgumentException(
          "registerModule: child '" + name + "' of " + className() + " is null");
    }
    if (module == this) {
      throw new IllegalArgumentException(
          "registerModule: a module cannot be its own child ('" + name + "')");
    }
    children.put(name, module);
    return module;
  }

  private void checkName(String op, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(op + ": name must be non-empty");
    }
    if (name.contains(".")) {
      throw new IllegalArgumentException(op + ": name '" + name + "' must not contain '.'");
    }
    if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
      throw new IllegalArgumentException(
          op + ": '" + name + "' is already registered in " + className());
    }
  }

  // ---------------------------------------------------------------- lookup

  /**
   * The parameter at a dotted path relative to this module ({@code "weight"}, {@code "0.bias"}).
   *
   * @throws IllegalArgumentException if there is no such parameter
   */
  public Tensor getParameter(String path) {
    int dot = path.lastIndexOf('.');
    Module owner = dot < 0 ? this : getSubmodule(path.substring(0, dot));
    Tensor t = owner.parameters.get(path.substring(dot + 1));
    if (t == null) {
      throw new IllegalArgumentException(
          "getParameter: " + className() + " has no parameter '" + path + "'");
    }
    return t;
  }

  /**
   * The buffer at a dotted path relative to this module.
   *
   * @throws IllegalArgumentException if there is no such buffer
   */
  public Tensor getBuffer(String path) {
    int dot = path.lastIndexOf('.');
    Module owner = dot < 0 ? this : getSubmodule(path.substring(0, dot));
    Tensor t = owner.buffers.get(path.substring(dot + 1));
    if (t == null) {
      throw new IllegalArgumentException(
          "getBuffer: " + className() + " has no buffer '" + path + "'");
    }
    return t;
  }

  /**
   * The descendant at a dotted path ({@code "blocks.0.attn"}); {@code ""} is this module.
   *
   * @throws IllegalArgumentException if there is no such module
   */
  public Module getSubmodule(String path) {
    if (path.isEmpty()) {
      return this;
    }
    Module m = this;
    for (String part : path.split("\\.", -1)) {
      Module next = m.children.get(part);
      if (next == null) {
        throw new IllegalArgumentException(
            "getSubmodule: " + className() + " has no submodule '" + path + "'");
      }
      m = next;
    }
    return m;
  }

  // ---------------------------------------------------------------- traversal

  /**
   * Every parameter of this module and its descendants, keyed by dotted name, in pre-order (own
   * parameters first, then each child's in registration order). A tensor reachable under several
   * names (tied weights) or a module reachable along several paths appears once, under the first
   * name, as in PyTorch.
   */
  public LinkedHashMap<String, Tensor> namedParameters() {
    return collect(true);
  }

  /** The tensors of {@link #namedParameters()}, in the same order. */
  public List<Tensor> parameters() {
    return new ArrayList<>(namedParameters().values());
  }

  /**
   * Every buffer (persistent or not) of this module and its descendants, keyed by dotted name,
   * ordered and deduplicated like {@link #namedParameters()}.
   */
  public LinkedHashMap<String, Tensor> namedBuffers() {
    return collect(false);
  }

  private LinkedHashMap<String, Tensor> collect(boolean params) {
    LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Map.Entry<String, Module> e : namedModules().entrySet()) {
      String prefix = e.getKey().isEmpty() ? "" : e.getKey() + ".";
      Map<String, Tensor> own = params ? e.getValue().parameters : e.getValue().buffers;
      for (Map.Entry<String, Tensor> p : own.entrySet()) {
        if (seen.add(p.getValue())) {
          out.put(prefix + p.getKey(), p.getValue());
        }
      }
    }
    return out;
  }

  /**
   * This module (under {@code ""}) and every descendant, keyed by dotted path, in pre-order; a
   * module reachable along several paths appears once, under the first.
   */
  public LinkedHashMap<String, Module> namedModules() {
    LinkedHashMap<String, Module> out = new LinkedHashMap<>();
    Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    walk("", this, seen, out);
    return out;
  }

  private static void walk(
      String prefix, Module m, Set<Module> seen, LinkedHashMap<String, Module> out) {
    if (!seen.add(m)) {
      return;
    }
    out.put(prefix, m);
    for (Map.Entry<String, Module> c : m.children.entrySet()) {
      walk(prefix.isEmpty() ? c.getKey() : prefix + "." + c.getKey(), c.getValue(), seen, out);
    }
  }

  /** The direct children keyed by name, in registration order (a read-only view). */
  public Map<String, Module> namedChildren() {
    return Collections.unmodifiableMap(children);
  }

  /** The direct children in registration order, each once. */
  public List<Module> children() {
    Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Module> out = new ArrayList<>();
    for (Module m : children.values()) {
      if (seen.add(m)) {
        out.add(m);
      }
    }
    return out;
  }

  /** The total number of elements of {@link #parameters()} (tied weights counted once). */
  public long numParameters() {
    long n = 0;
    for (Tensor p : parameters()) {
      n += p.numel();
    }
    return n;
  }

  // ---------------------------------------------------------------- state dict

  /**
   * The parameters and persistent buffers of this module and its descendants, keyed by dotted name:
   * per module its parameters, then its persistent buffers, then its children recursively. As in
   * PyTorch, this is <em>not</em> deduplicated: tied weights appear under every name they are
   * reachable by (GPT-2's {@code wte.weight} and {@code lm_head.weight}).
   *
   * <p>The values are the module's own tensors, not copies: writing into them changes the model,
   * and they change as the model trains. Copy them (or save them) to snapshot the state.
   */
  public LinkedHashMap<String, Tensor> stateDict() {
    LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
    stateDictInto("", out);
    return out;
  }

  private void stateDictInto(String prefix, LinkedHashMap<String, Tensor> out) {
    for (Map.Entry<String, Tensor> p : parameters.entrySet()) {
      out.put(prefix + p.getKey(), p.getValue());
    }
    for (Map.Entry<String, Tensor> b : buffers.entrySet()) {
      if (!nonPersistent.contains(b.getKey())) {
        out.put(prefix + b.getKey(), b.getValue());
      }
    }
    for (Map.Entry<String, Module> c : children.entrySet()) {
      c.getValue().stateDictInto(prefix + c.getKey() + ".", out);
    }
  }

  /**
   * Copies the values of {@code state} into this module's parameters and persistent buffers (the
   * keys of {@link #stateDict()}), in place and outside autograd, converting each value to the
   * target's dtype. Registered tensors keep their identity, so optimizers holding them stay valid.
   *
   * <p>Everything is checked before anything is copied: if any key is missing from {@code state},
   * any key of {@code state} is unexpected (both only when {@code strict}), or any value's shape
   * differs from its target's (always), one exception lists every such problem and the module is
   * left unchanged.
   *
   * @throws IllegalArgumentException listing all missing keys, unexpected keys and shape
   *     mismatches, or if a value is null
   */
  public void loadStateDict(Map<String, Tensor> state, boolean strict) {
    LinkedHashMap<String, Tensor> own = stateDict();
    List<String> missing = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : own.entrySet()) {
      if (!state.containsKey(e.getKey())) {
        missing.add(e.getKey());
        continue;
      }
      Tensor src = state.get(e.getKey());
      if (src == null) {
        throw new IllegalArgumentException("loadStateDict: value of '" + e.getKey() + "' is null");
      }
      if (!Arrays.equals(src.shape(), e.getValue().shape())) {
        mismatched.add(
            "size mismatch for "
                + e.getKey()
                + ": copying a tensor with shape "
                + Arrays.toString(src.shape())
                + " from the state dict, the shape in the current model is "
                + Arrays.toString(e.getValue().shape()));
      }
    }
    for (String k : state.keySet()) {
      if (!own.containsKey(k)) {
        unexpected.add(k);
      }
    }
    StringBuilder msg = new StringBuilder();
    if (strict && !missing.isEmpty()) {
      msg.append("\n  Missing key(s): ").append(quoted(missing)).append('.');
    }
    if (strict && !unexpected.isEmpty()) {
      msg.append("\n  Unexpected key(s): ").append(quoted(unexpected)).append('.');
    }
    for (String m : mismatched) {
      msg.append("\n  ").append(m).append('.');
    }
    if (msg.length() > 0) {
      throw new IllegalArgumentException(
          "loadStateDict: error(s) in loading state dict for " + className() + ":" + msg);
    }
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (Map.Entry<String, Tensor> e : own.entrySet()) {
        Tensor src = state.get(e.getKey());
        if (src != null && src != e.getValue()) {
          e.getValue().copy_(src);
        }
      }
    }
  }

  private static String quoted(List<String> keys) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < keys.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append('"').append(keys.get(i)).append('"');
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- modes and bulk operations

  /** Sets training mode on this module and every descendant; returns this module. */
  public Module train(boolean mode) {
    for (Module m : namedModules().values()) {
      m.training = mode;
    }
    return this;
  }

  /** Training mode (dropout active) for this module and every descendant; returns this module. */
  public Module train() {
    return train(true);
  }

  /** Evaluation mode (dropout off) for this module and every descendant; returns this module. */
  public Module eval() {
    return train(false);
  }

  /** Whether this module is in training mode. */
  public boolean isTraining() {
    return training;
  }

  /**
   * Sets {@code requiresGrad} on every parameter (false freezes the module, e.g. a reference model
   * in RLHF); returns this module.
   */
  public Module requiresGrad(boolean value) {
    for (Tensor p : parameters()) {
      p.requiresGrad(value);
    }
    return this;
  }

  /** Clears the gradient of every parameter (sets it to null, as {@code set_to_none=True}). */
  public void zeroGrad() {
    for (Tensor p : parameters()) {
      p.setGrad(null);
    }
  }

  /**
   * Calls {@code fn} on every descendant and then on this module (children first, recursively, as
   * PyTorch's {@code apply}); returns this module. Typical use: custom initialisation.
   */
  public Module apply(Consumer<Module> fn) {
    for (Module c : children()) {
      c.apply(fn);
    }
    fn.accept(this);
    return this;
  }

  /**
   * Converts every parameter and every floating-point buffer of this module and its descendants to
   * {@code dtype}; returns this module. Integer and boolean buffers are left alone.
   *
   * <p>Tensors already of {@code dtype} are kept. Others are <em>replaced</em> by converted copies
   * in the registration tables: a parameter's copy is a new leaf with the same {@code
   * requiresGrad}, and its gradient, if any, is converted too. Tied tensors stay tied (each tensor
   * is converted once). References taken before the call — by an optimizer, or a subclass field —
   * still point at the old tensors, so convert a model before building its optimizer.
   *
   * @throws IllegalArgumentException if {@code dtype} is not floating point
   */
  public Module to(DType dtype) {
    if (!dtype.isFloatingPoint()) {
      throw new IllegalArgumentException(
          "Module.to: only floating-point dtypes are allowed, got " + dtype);
    }
    Map<Tensor, Tensor> converted = new IdentityHashMap<>();
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (Module m : namedModules().values()) {
        for (Map.Entry<String, Tensor> e : m.parameters.entrySet()) {
          e.setValue(converted.computeIfAbsent(e.getValue(), old -> convert(old, dtype)));
        }
        for (Map.Entry<String, Tensor> e : m.buffers.entrySet()) {
          if (e.getValue().dtype().isFloatingPoint()) {
            e.setValue(converted.computeIfAbsent(e.getValue(), old -> convert(old, dtype)));
          }
        }
      }
    }
    return this;
  }

  private static Tensor convert(Tensor old, DType dtype) {
    if (old.dtype() == dtype) {
      return old;
    }
    Tensor t = old.detach().to(dtype);
    MemoryScopes.escape(t.storage());
    if (old.requiresGrad()) {
      t.requiresGrad(true);
    }
    if (old.grad() != null) {
      t.setGrad(old.grad().to(dtype));
    }
    return t;
  }

  // ---------------------------------------------------------------- printing

  /**
   * The one-line description of this module's own configuration shown by {@link #toString()}
   * (PyTorch's {@code extra_repr}), e.g. {@code in_features=3, out_features=2, bias=True}; empty by
   * default.
   */
  public String extraRepr() {
    return "";
  }

  /**
   * The module tree in PyTorch's repr format: {@code Name(extra)} for a leaf, otherwise {@code
   * Name(} followed by one {@code (child): ...} line per child indented by two spaces, then {@code
   * )}.
   */
  @Override
  public String toString() {
    List<String> extra = extraRepr().isEmpty() ? List.of() : List.of(extraRepr().split("\n"));
    List<String> childLines = new ArrayList<>();
    for (Map.Entry<String, Module> c : children.entrySet()) {
      childLines.add("(" + c.getKey() + "): " + indent(c.getValue().toString()));
    }
    StringBuilder sb = new StringBuilder(className()).append('(');
    if (extra.size() == 1 && childLines.isEmpty()) {
      sb.append(extra.get(0));
    } else if (!extra.isEmpty() || !childLines.isEmpty()) {
      List<String> lines = new ArrayList<>(extra);
      lines.addAll(childLines);
      sb.append("\n  ").append(String.join("\n  ", lines)).append('\n');
    }
    return sb.append(')').toString();
  }

  private static String indent(String s) {
    return s.replace("\n", "\n  ");
  }

  /** The name shown by {@link #toString()}: the simple class name. */
  protected String className() {
    String n = getClass().getSimpleName();
    if (n.isEmpty()) {
      n = getClass().getName();
      n = n.substring(n.lastIndexOf('.') + 1);
    }
    return n;
  }
}
