package dev.residual.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {

  /** A small GPT-like model with a tied embedding / output weight and a buffer. */
  static final class TinyLm extends Module {
    final Embedding wte;
    final ModuleList<Block> blocks;
    final LayerNorm lnF;
    final Linear lmHead;

    TinyLm(Generator g) {
      wte = registerModule("wte", new Embedding(5, 4, g));
      blocks = registerModule("blocks", new ModuleList<>());
      blocks.add(new Block(g));
      blocks.add(new Block(g));
      lnF = registerModule("ln_f", new LayerNorm(4));
      lmHead = registerModule("lm_head", new Linear(4, 5, false, g));
      registerBuffer("tied_dummy", Tensor.zeros(DType.INT64, 2), false);
    }

    void tie() {
      // Tie by registering the same tensor under a second module: a wrapper holding wte's weight.
      registerModule("head_alias", new Holder(wte.weight()));
    }
  }

  static final class Block extends Module {
    Block(Generator g) {
      registerModule("fc", new Linear(4, 4, true, g));
      registerBuffer("mask", Tensor.ones(DType.FLOAT32, 2, 2));
      registerBuffer("scratch", Tensor.zeros(DType.FLOAT32, 3), false);
    }
  }

  static final class Holder extends Module {
    Holder(Tensor t) {
      registerParameter("weight", t);
    }
  }

  @Test
  void namedParametersArePreOrderDottedAndDeduplicatedByIdentity() {
    TinyLm m = new TinyLm(new Generator(0));
    m.tie();
    List<String> names = new ArrayList<>(m.namedParameters().keySet());
    assertEquals(
        List.of(
            "wte.weight",
            "blocks.0.fc.weight",
            "blocks.0.fc.bias",
            "blocks.1.fc.weight",
            "blocks.1.fc.bias",
            "ln_f.weight",
            "ln_f.bias",
            "lm_head.weight"),
        names);
    assertEquals(names.size(), m.parameters().size());
    assertSame(m.wte.weight(), m.parameters().get(0));
    // stateDict is not deduplicated: the tied tensor appears under both names, like PyTorch.
    assertSame(m.stateDict().get("wte.weight"), m.stateDict().get("head_alias.weight"));
    assertEquals(5 * 4 + 2 * (16 + 4) + 4 + 4 + 4 * 5, m.numParameters());
  }

  @Test
  void sharedModuleAppearsOnceInNamedModulesAndItsParametersOnce() {
    Generator g = new Generator(1);
    Linear shared = new Linear(2, 2, true, g);
    Sequential s = new Sequential(shared, new ReLU(), shared);
    assertEquals(List.of("", "0", "1"), new ArrayList<>(s.namedModules().keySet()));
    assertEquals(List.of("0.weight", "0.bias"), new ArrayList<>(s.namedParameters().keySet()));
    assertEquals(2, s.children().size());
    assertEquals(3, s.namedChildren().size());
    assertEquals(
        List.of("0.weight", "0.bias", "2.weight", "2.bias"),
        new ArrayList<>(s.stateDict().keySet()));
  }

  @Test
  void namedBuffersIncludeNonPersistentButStateDictDoesNot() {
    TinyLm m = new TinyLm(new Generator(0));
    assertEquals(
        List.of(
            "tied_dummy", "blocks.0.mask", "blocks.0.scratch", "blocks.1.mask", "blocks.1.scratch"),
        new ArrayList<>(m.namedBuffers().keySet()));
    assertEquals(
        List.of(
            "wte.weight",
            "blocks.0.mask",
            "blocks.0.fc.weight",
            "blocks.0.fc.bias",
            "blocks.1.mask",
            "blocks.1.fc.weight",
            "blocks.1.fc.bias",
            "ln_f.weight",
            "ln_f.bias",
            "lm_head.weight"),
        new ArrayList<>(m.stateDict().keySet()));
    assertFalse(m.getBuffer("blocks.0.mask").requiresGrad());
  }

  @Test
  void stateDictValuesAreTheModuleTensorsThemselves() {
    Linear l = new Linear(3, 2, true, new Generator(0));
    assertSame(l.weight(), l.stateDict().get("weight"));
    assertSame(l.bias(), l.stateDict().get("bias"));
  }

  @Test
  void stateDictRoundTripsIntoAFreshModelInPlace() {
    TinyLm a = new TinyLm(new Generator(1));
    TinyLm b = new TinyLm(new Generator(2));
    Tensor bWeightBefore = b.blocks.get(1).getParameter("fc.weight");
    assertFalse(
        java.util.Arrays.equals(a.wte.weight().toFloatArray(), b.wte.weight().toFloatArray()));
    b.loadStateDict(a.stateDict(), true);
    for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
      assertArrayEquals(
          e.getValue().toDoubleArray(), b.stateDict().get(e.getKey()).toDoubleArray(), e.getKey());
      assertNotSame(e.getValue(), b.stateDict().get(e.getKey()));
    }
    assertSame(bWeightBefore, b.blocks.get(1).getParameter("fc.weight"));
    assertTrue(bWeightBefore.requiresGrad());
    Tensor x = Tensor.of(new long[] {0, 3, 4}, 3);
    assertArrayEquals(
        a.lmHead.forward(a.wte.forward(x)).toFloatArray(),
        b.lmHead.forward(b.wte.forward(x)).toFloatArray());
  }

  @Test
  void loadStateDictConvertsDtype() {
    Linear l = new Linear(2, 1, true, new Generator(0));
    Map<String, Tensor> state = new LinkedHashMap<>();
    state.put("weight", Tensor.of(new double[] {0.5, -0.25}, 1, 2));
    state.put("bias", Tensor.of(new double[] {2.0}, 1));
    l.loadStateDict(state, true);
    assertEquals(DType.FLOAT32, l.weight().dtype());
    assertArrayEquals(new float[] {0.5f, -0.25f}, l.weight().toFloatArray());
    assertArrayEquals(new float[] {2f}, l.bias().toFloatArray());
  }

  @Test
  void loadStateDictReportsAllMissingUnexpectedAndMismatchedKeysInOneError() {
    TinyLm m = new TinyLm(new Generator(0));
    float[] before = m.wte.weight().toFloatArray();
    LinkedHashMap<String, Tensor> state = new LinkedHashMap<>(m.stateDict());
    state.remove("ln_f.bias");
    state.remove("blocks.1.mask");
    state.put("wte.weight", Tensor.zeros(5, 3));
    state.put("lm_head.weight", Tensor.zeros(4, 5));
    state.put("extra.one", Tensor.zeros(1));
    state.put("extra.two", Tensor.zeros(1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(state, true));
    String msg = e.getMessage();
    assertTrue(msg.contains("Missing key(s): \"blocks.1.mask\", \"ln_f.bias\"."), msg);
    assertTrue(msg.contains("Unexpected key(s): \"extra.one\", \"extra.two\"."), msg);
    assertTrue(
        msg.contains(
            "size mismatch for wte.weight: copying a tensor with shape [5, 3] from the state"
                + " dict, the shape in the current model is [5, 4]"),
        msg);
    assertTrue(msg.contains("size mismatch for lm_head.weight"), msg);
    assertTrue(msg.startsWith("loadStateDict: error(s) in loading state dict for TinyLm:"), msg);
    // Nothing was copied.
    assertArrayEquals(before, m.wte.weight().toFloatArray());
  }

  @Test
  void nonStrictLoadIgnoresMissingAndUnexpectedButNotShapeMismatch() {
    Linear l = new Linear(2, 2, true, new Generator(0));
    float[] bias = l.bias().toFloatArray();
    Map<String, Tensor> state = new LinkedHashMap<>();
    state.put("weight", Tensor.ones(2, 2));
    state.put("other", Tensor.ones(7));
    l.loadStateDict(state, false);
    assertArrayEquals(new float[] {1, 1, 1, 1}, l.weight().toFloatArray());
    assertArrayEquals(bias, l.bias().toFloatArray());
    state.put("bias", Tensor.ones(3));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> l.loadStateDict(state, false));
    assertTrue(e.getMessage().contains("size mismatch for bias"), e.getMessage());
    assertFalse(e.getMessage().contains("Unexpected"), e.getMessage());
  }

  @Test
  void loadStateDictRejectsNullValue() {
    Linear l = new Linear(2, 2, false, new Generator(0));
    Map<String, Tensor> state = new LinkedHashMap<>();
    state.put("weight", null);
    assertThrows(IllegalArgumentException.class, () -> l.loadStateDict(state, true));
  }

  @Test
  void trainAndEvalPropagateToEveryDescendant() {
    TinyLm m = new TinyLm(new Generator(0));
    for (Module sub : m.namedModules().values()) {
      assertTrue(sub.isTraining());
    }
    assertSame(m, m.eval());
    for (Module sub : m.namedModules().values()) {
      assertFalse(sub.isTraining());
    }
    m.train();
    assertTrue(m.blocks.get(0).getSubmodule("fc").isTraining());
    m.train(false);
    assertFalse(m.blocks.get(1).isTraining());
  }

  @Test
  void zeroGradClearsEveryParameterGradient() {
    Linear l = new Linear(3, 2, true, new Generator(0));
    l.forward(Tensor.ones(4, 3)).sum().backward();
    assertTrue(l.weight().grad() != null && l.bias().grad() != null);
    l.zeroGrad();
    assertNull(l.weight().grad());
    assertNull(l.bias().grad());
  }

  @Test
  void applyVisitsChildrenBeforeParents() {
    Generator g = new Generator(0);
    Sequential s = new Sequential(new Linear(1, 1, true, g), new Sequential(new ReLU()));
    List<String> order = new ArrayList<>();
    assertSame(s, s.apply(mod -> order.add(mod.getClass().getSimpleName())));
    assertEquals(List.of("Linear", "ReLU", "Sequential", "Sequential"), order);
  }

  @Test
  void toConvertsParametersAndFloatBuffersKeepingTiesAndRequiresGrad() {
    TinyLm m = new TinyLm(new Generator(0));
    m.tie();
    float[] w = m.wte.weight().toFloatArray();
    m.wte.forward(Tensor.of(new long[] {1}, 1)).sum().backward();
    assertSame(m, m.to(DType.FLOAT64));
    for (Tensor p : m.stateDict().values()) {
      if (p.dtype() != DType.INT64) {
        assertEquals(DType.FLOAT64, p.dtype());
      }
    }
    Tensor nw = m.wte.weight();
    assertEquals(DType.FLOAT64, nw.dtype());
    assertTrue(nw.requiresGrad());
    assertTrue(nw.isLeaf());
    assertEquals(DType.FLOAT64, nw.grad().dtype());
    assertSame(nw, m.getParameter("head_alias.weight"));
    assertEquals(DType.FLOAT64, m.getBuffer("blocks.0.scratch").dtype());
    assertEquals(DType.INT64, m.getBuffer("tied_dummy").dtype());
    for (int i = 0; i < w.length; i++) {
      assertEquals(w[i], nw.toDoubleArray()[i], 0.0);
    }
    assertEquals(DType.FLOAT64, m.lmHead.forward(Tensor.ones(DType.FLOAT64, 1, 4)).dtype());
    assertThrows(IllegalArgumentException.class, () -> m.to(DType.INT32));
  }

  @Test
  void toStringPrintsPyTorchStyleTree() {
    Generator g = new Generator(0);
    Module net =
        new Module() {
          {
            registerModule("fc1", new Linear(3, 4, true, g));
            registerModule("act", new ReLU());
            registerModule(
                "seq", new Sequential(new Linear(4, 2, false, g), new GELU(GELU.Approximate.TANH)));
            registerModule("norm", new LayerNorm(2));
          }

          @Override
          protected String className() {
            return "Net";
          }
        };
    assertEquals(
        "Net(\n"
            + "  (fc1): Linear(in_features=3, out_features=4, bias=True)\n"
            + "  (act): ReLU()\n"
            + "  (seq): Sequential(\n"
            + "    (0): Linear(in_features=4, out_features=2, bias=False)\n"
            + "    (1): GELU(approximate='tanh')\n"
            + "  )\n"
            + "  (norm): LayerNorm((2,), eps=1e-05, elementwise_affine=True)\n"
            + ")",
        net.toString());
    assertEquals("Sequential()", new Sequential().toString());
  }

  @Test
  void registrationRejectsBadNamesDuplicatesAndBadTensors() {
    Module m = new Module() {};
    Tensor w = Tensor.zeros(2);
    assertSame(w, m.registerParameter("w", w));
    assertTrue(w.requiresGrad());
    assertThrows(IllegalArgumentException.class, () -> m.registerParameter("w", Tensor.zeros(2)));
    assertThrows(IllegalArgumentException.class, () -> m.registerBuffer("w", Tensor.zeros(2)));
    assertThrows(IllegalArgumentException.class, () -> m.registerModule("w", new ReLU()));
    assertThrows(IllegalArgumentException.class, () -> m.registerParameter("a.b", Tensor.zeros(1)));
    assertThrows(IllegalArgumentException.class, () -> m.registerParameter("", Tensor.zeros(1)));
    assertThrows(IllegalArgumentException.class, () -> m.registerParameter("n", null));
    assertThrows(
        IllegalArgumentException.class,
        () -> m.registerParameter("i", Tensor.zeros(DType.INT64, 1)));
    Tensor nonLeaf = Tensor.zeros(1).requiresGrad(true).mul(2.0);
    assertThrows(IllegalArgumentException.class, () -> m.registerParameter("nl", nonLeaf));
    assertThrows(IllegalArgumentException.class, () -> m.registerModule("self", m));
    assertThrows(IllegalArgumentException.class, () -> m.registerBuffer("b", null));
    assertThrows(IllegalArgumentException.class, () -> m.getParameter("missing"));
    assertThrows(IllegalArgumentException.class, () -> m.getBuffer("missing"));
    assertThrows(IllegalArgumentException.class, () -> m.getSubmodule("x.y"));
    assertSame(m, m.getSubmodule(""));
  }

  @Test
  void modelBuiltInsideMemoryScopeOutlivesIt() {
    Linear l;
    try (MemoryScope scope = MemoryScope.open()) {
      l = new Linear(3, 2, true, new Generator(0));
    }
    assertEquals(2, l.forward(Tensor.ones(1, 3)).numel());
  }

  @Test
  void sequentialAndModuleListIndexing() {
    Generator g = new Generator(0);
    Sequential s = new Sequential(new Linear(2, 3, true, g), new Tanh());
    assertEquals(2, s.size());
    assertTrue(s.get(-1) instanceof Tanh);
    assertThrows(IndexOutOfBoundsException.class, () -> s.get(2));
    assertThrows(IllegalArgumentException.class, () -> new Sequential(x -> x));
    assertThrows(IllegalArgumentException.class, () -> s.add(null));
    ModuleList<Linear> list = new ModuleList<>(List.of(new Linear(1, 1, true, g)));
    list.add(new Linear(1, 2, true, g));
    assertEquals(2, list.size());
    assertEquals(2, list.get(-1).outFeatures());
    assertThrows(IndexOutOfBoundsException.class, () -> list.get(5));
    int n = 0;
    for (Linear l : list) {
      n += (int) l.outFeatures();
    }
    assertEquals(3, n);
    assertEquals(
        List.of("0.weight", "0.bias", "1.weight", "1.bias"),
        new ArrayList<>(list.namedParameters().keySet()));
    assertThrows(IllegalArgumentException.class, () -> list.add(null));
  }
}
