package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.nn.functional.F;
import org.junit.jupiter.api.Test;

class MemoryScopeTest {
  @Test
  void tensorsCreatedInAScopeAreReleasedAndRefuseUseAfterClose() {
    Tensor y;
    try (MemoryScope scope = MemoryScope.open()) {
      y = Tensor.ones(3).mul(2.0);
      assertEquals(6.0, y.sum().item());
    }
    Tensor released = y;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> released.add(1.0));
    assertTrue(e.getMessage().contains("released"), e.getMessage());
    assertThrows(IllegalStateException.class, released::item);
  }

  @Test
  void keptTensorsAndParameterGradientsSurviveTheScope() {
    Tensor w = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
    Tensor kept;
    try (MemoryScope scope = MemoryScope.open()) {
      Tensor loss = w.mul(w).sum();
      loss.backward();
      kept = scope.keep(loss);
    }
    assertEquals(14.0, kept.item());
    assertArrayEquals(new float[] {2, 4, 6}, w.grad().toFloatArray());
    assertArrayEquals(new float[] {1, 2, 3}, w.toFloatArray());
  }

  @Test
  void aKeptTensorMovesToTheEnclosingScope() {
    Tensor inner;
    try (MemoryScope outer = MemoryScope.open()) {
      try (MemoryScope scope = MemoryScope.open()) {
        inner = scope.keep(Tensor.ones(2));
      }
      assertEquals(2.0, inner.sum().item());
    }
    Tensor released = inner;
    assertThrows(IllegalStateException.class, released::item);
  }

  @Test
  void backwardAfterTheScopeClosedNamesTheProblem() {
    Tensor w = Tensor.of(new double[] {0.5, -1}).requiresGrad(true);
    Tensor loss;
    try (MemoryScope scope = MemoryScope.open()) {
      loss = scope.keep(w.exp().sum());
    }
    Tensor l = loss;
    IllegalStateException e = assertThrows(IllegalStateException.class, l::backward);
    assertTrue(e.getMessage().contains("scope"), e.getMessage());
  }

  @Test
  void stepsInScopesReuseTheSameBuffers() {
    Generator g = new Generator(1);
    Tensor w = Tensor.randn(g, 16, 8).requiresGrad(true);
    Tensor x = Tensor.randn(g, 4, 8);
    long before = 0;
    for (int step = 0; step < 50; step++) {
      try (MemoryScope scope = MemoryScope.open()) {
        F.linear(x, w, null).geluTanh().sum().backward();
        // Zeroing in place keeps the gradient buffer; zeroGrad() would drop it to the GC.
        try (Tensor.NoGrad ng = Tensor.noGrad()) {
          w.grad().zero_();
        }
      }
      if (step == 5) {
        before = dev.residual.tensor.internal.StorageStats.liveNativeBytes();
      }
    }
    long after = dev.residual.tensor.internal.StorageStats.liveNativeBytes();
    assertTrue(after <= before, "native bytes grew from " + before + " to " + after);
  }

  @Test
  void closingScopesOutOfOrderIsRefused() {
    MemoryScope outer = MemoryScope.open();
    MemoryScope inner = MemoryScope.open();
    assertThrows(IllegalStateException.class, outer::close);
    inner.close();
    outer.close();
  }
}
