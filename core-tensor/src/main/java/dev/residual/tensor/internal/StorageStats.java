package dev.residual.tensor.internal;

import org.bytedeco.javacpp.Pointer;

/** Native-memory figures for tests and benchmarks. */
public final class StorageStats {
  private StorageStats() {}

  /**
   * Bytes of native memory JavaCPP currently has allocated, including Residual's pooled buffers
   * (whatever ND4J or other libraries allocated through JavaCPP is included too).
   */
  public static long liveNativeBytes() {
    return Pointer.totalBytes();
  }

  /** Bytes held in Residual's buffer pool for reuse. */
  public static long pooledBytes() {
    return BufferPool.pooledBytes();
  }
}
