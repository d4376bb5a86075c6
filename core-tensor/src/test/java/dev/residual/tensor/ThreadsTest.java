package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.nn.functional.F;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ThreadsTest {

  /** Per task: a matrix product, a conv and a large elementwise op (kernels that split). */
  private static float[] work(int i) {
    try (MemoryScope scope = MemoryScope.open()) {
      Generator g = new Generator(100 + i);
      Tensor x = Tensor.randn(g, 3, 4, 64, 64).to(DType.FLOAT32);
      Tensor w = Tensor.randn(g, 8, 4, 3, 3).to(DType.FLOAT32);
      Tensor y = F.conv2d(x, w, null, 1, 1).silu(); // 98,304 elements: above the split grain
      Tensor m = y.reshape(3 * 8 * 64, 64).matmul(Tensor.randn(g, 64, 32).to(DType.FLOAT32));
      return m.sum().add(y.mean()).toFloatArray();
    }
  }

  @Test
  void parallelForRunsEveryTaskOnceWithTheSameResultsAsOneThread() {
    int before = Threads.get();
    try {
      int n = 5;
      Threads.set(1);
      float[][] serial = new float[n][];
      Threads.parallelFor(n, i -> serial[i] = work(i));
      Threads.set(3);
      float[][] parallel = new float[n][];
      AtomicIntegerArray runs = new AtomicIntegerArray(n);
      ConcurrentHashMap<String, Boolean> threadNames = new ConcurrentHashMap<>();
      Threads.parallelFor(
          n,
          i -> {
            runs.incrementAndGet(i);
            threadNames.put(Thread.currentThread().getName(), true);
            parallel[i] = work(i);
          });
      for (int i = 0; i < n; i++) {
        assertEquals(1, runs.get(i), "task " + i);
        assertArrayEquals(serial[i], parallel[i], 0f, "task " + i);
      }
      assertTrue(threadNames.size() > 1, "ran on " + threadNames.keySet());
      // Kernels split again after the parallel section (BLAS and the pool were handed back);
      // split reductions may round differently.
      assertArrayEquals(serial[2], work(2), 1e-3f * Math.abs(serial[2][0]));
    } finally {
      Threads.set(before);
    }
  }

  @Test
  void parallelForRethrowsATaskFailure() {
    int before = Threads.get();
    try {
      Threads.set(2);
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  Threads.parallelFor(
                      4,
                      i -> {
                        if (i == 3) {
                          throw new IllegalStateException("task 3 failed");
                        }
                      }));
      assertEquals("task 3 failed", e.getMessage());
      int[] seen = new int[3];
      Threads.parallelFor(3, i -> seen[i]++);
      assertEquals("[1, 1, 1]", Arrays.toString(seen));
    } finally {
      Threads.set(before);
    }
  }

  @Test
  void parallelForRejectsANegativeCountAndANullTask() {
    assertThrows(IllegalArgumentException.class, () -> Threads.parallelFor(-1, i -> {}));
    assertThrows(IllegalArgumentException.class, () -> Threads.parallelFor(2, null));
    Threads.parallelFor(
        0,
        i -> {
          throw new AssertionError("no task to run");
        });
  }
}
