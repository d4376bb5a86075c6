package dev.residual.tensor.internal;

import java.nio.ByteBuffer;

/**
 * Chooses between the SIMD kernels of {@link VectorKernels} and scalar code. The Vector API is an
 * incubator module in Java 17: it is used when the JVM was started with {@code --add-modules
 * jdk.incubator.vector} (the {@code residual} launcher, the tests and the benchmarks do this), and
 * can be turned off with {@code -Dresidual.simd=false}. Without it every kernel still works, with
 * scalar loops.
 */
public final class Simd {
  private Simd() {}

  /** True when the SIMD kernels are in use. */
  public static final boolean ENABLED = detect();

  private static boolean detect() {
    if (!Boolean.parseBoolean(System.getProperty("residual.simd", "true"))) {
      return false;
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return false;
    }
    try {
      // Exercise the class once so that a JVM without the intrinsics fails here, not mid-kernel.
      ByteBuffer b = ByteBuffer.allocateDirect(64 * 4).order(java.nio.ByteOrder.nativeOrder());
      VectorKernels.exp(b, b, 0, 64);
      return true;
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }
}
