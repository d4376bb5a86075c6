package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.bytedeco.javacpp.BooleanPointer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.indexer.BooleanIndexer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.javacpp.indexer.LongIndexer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A flat, contiguous block of off-heap memory holding the elements of one or more tensors (tensors
 * that are reshapes of one another share a storage).
 *
 * <p>The memory is a JavaCPP {@link Pointer}, the same kind of memory ND4J's {@link DataBuffer}s
 * use, so an {@link INDArray} over it is created without copying ({@link #toDataBuffer()}), and
 * BLAS is called on it directly. Kernels read and write it through native-order NIO views ({@link
 * #f}, {@link #d}, {@link #i}, {@link #l}, {@link #b}); exactly one of them is non-null, matching
 * {@link #dtype}. Memory is released when the storage becomes unreachable (JavaCPP's deallocator)
 * or eagerly through {@link #release()} when the autograd engine knows nobody else holds it.
 *
 * <p>The {@link #version} counter is bumped by every in-place write, so the autograd engine can
 * detect that a tensor it saved for backward was modified afterwards.
 */
public final class Storage {
  /** Element type. */
  public final DType dtype;

  /** Number of elements. */
  public final int length;

  /** The native memory (kept strongly reachable for as long as this storage is). */
  public final Pointer pointer;

  /** FLOAT32 view, or null. */
  public FloatBuffer f;

  /** FLOAT64 view, or null. */
  public DoubleBuffer d;

  /** INT32 view, or null. */
  public IntBuffer i;

  /** INT64 view, or null. */
  public LongBuffer l;

  /** BOOL view (one byte per element, 0 or 1), or null. */
  public ByteBuffer b;

  /** The whole memory as native-order bytes (for SIMD kernels). */
  public ByteBuffer raw;

  /** In-place modification counter. */
  public int version;

  /** The backward pass that allocated this storage (see {@link Engine}), or null. */
  Object backwardTag;

  private boolean released;

  /** Set when something longer-lived than a memory scope holds this storage (a gradient). */
  boolean escaped;

  /**
   * Allocation volume (bytes) after which the garbage collector is asked to run, so that native
   * memory of unreachable tensors is returned (the JVM does not see off-heap memory pressure).
   * System property {@code residual.gcBytes} (default 128 MiB); 0 disables.
   */
  private static final long GC_BYTES = Long.getLong("residual.gcBytes", 128L << 20);

  private static final java.util.concurrent.atomic.AtomicLong SINCE_GC =
      new java.util.concurrent.atomic.AtomicLong();

  /** Keeps an ND4J buffer alive when this storage wraps memory ND4J owns. */
  private final Object owner;

  private DataBuffer dataBuffer;

  private Storage(DType dtype, int length, Pointer pointer, Object owner) {
    this.dtype = dtype;
    this.length = length;
    this.pointer = pointer;
    this.owner = owner;
    FloatBuffer fv = null;
    DoubleBuffer dv = null;
    IntBuffer iv = null;
    LongBuffer lv = null;
    ByteBuffer bv = null;
    ByteBuffer rawView = ByteBuffer.allocate(0);
    if (length > 0) {
      ByteBuffer bytes =
          new BytePointer(pointer)
              .capacity((long) length * dtype.byteSize())
              .asByteBuffer()
              .order(ByteOrder.nativeOrder());
      rawView = bytes;
      switch (dtype) {
        case FLOAT32 -> fv = bytes.asFloatBuffer();
        case FLOAT64 -> dv = bytes.asDoubleBuffer();
        case INT32 -> iv = bytes.asIntBuffer();
        case INT64 -> lv = bytes.asLongBuffer();
        case BOOL -> bv = bytes;
      }
    } else {
      switch (dtype) {
        case FLOAT32 -> fv = FloatBuffer.allocate(0);
        case FLOAT64 -> dv = DoubleBuffer.allocate(0);
        case INT32 -> iv = IntBuffer.allocate(0);
        case INT64 -> lv = LongBuffer.allocate(0);
        case BOOL -> bv = ByteBuffer.allocate(0);
      }
    }
    this.f = fv;
    this.d = dv;
    this.i = iv;
    this.l = lv;
    this.b = bv;
    this.raw = rawView;
  }

  /**
   * Allocates {@code length} elements of {@code dtype}.
   *
   * @param zero whether to fill the memory with zeros (otherwise its contents are undefined)
   * @throws IllegalArgumentException if {@code length} is negative or exceeds {@code
   *     Integer.MAX_VALUE}
   */
  public static Storage allocate(DType dtype, long length, boolean zero) {
    if (length < 0 || length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "tensor size " + length + " is out of range [0, " + Integer.MAX_VALUE + "] elements");
    }
    int n = (int) length;
    long cap = Math.max(n, 1);
    Pointer p = BufferPool.take(dtype, cap);
    boolean fresh = p == null;
    if (fresh) {
      p = newPointer(dtype, cap);
    }
    if (zero) {
      Pointer.memset(p, 0, cap * dtype.byteSize());
    }
    Storage s = new Storage(dtype, n, p, null);
    s.backwardTag = Engine.currentBackwardTag();
    MemoryScopes.register(s);
    if (fresh && GC_BYTES > 0 && SINCE_GC.addAndGet(cap * dtype.byteSize()) > GC_BYTES) {
      SINCE_GC.set(0);
      System.gc();
    }
    return s;
  }

  private static Pointer newPointer(DType dtype, long cap) {
    Pointer p =
        switch (dtype) {
          case FLOAT32 -> new FloatPointer(cap);
          case FLOAT64 -> new DoublePointer(cap);
          case INT32 -> new IntPointer(cap);
          case INT64 -> new LongPointer(cap);
          case BOOL -> new BytePointer(cap);
        };
    if (p.isNull()) {
      throw new OutOfMemoryError(
          "could not allocate " + cap + " " + dtype + " elements of native memory");
    }
    return p;
  }

  /**
   * Wraps the memory of a contiguous, C-ordered ND4J array without copying. The caller must pass an
   * array whose elements start at offset 0 of its buffer and are laid out in C order.
   */
  public static Storage wrap(INDArray array) {
    DataBuffer buf = array.data();
    DType dtype = DType.fromNd4j(array.dataType());
    long n = array.length();
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("array of " + n + " elements is too large for a Tensor");
    }
    Pointer p = buf.pointer();
    Storage s = new Storage(dtype, (int) n, p, buf);
    s.dataBuffer = buf;
    return s;
  }

  /** An ND4J data buffer over this storage's memory (created once, then cached; no copy). */
  public DataBuffer toDataBuffer() {
    checkLive("array");
    if (dataBuffer == null) {
      long n = Math.max(length, 1);
      dataBuffer =
          Nd4j.createBuffer(
              pointer,
              dtype.nd4j(),
              n,
              switch (dtype) {
                case FLOAT32 -> FloatIndexer.create((FloatPointer) pointer);
                case FLOAT64 -> DoubleIndexer.create((DoublePointer) pointer);
                case INT32 -> IntIndexer.create((IntPointer) pointer);
                case INT64 -> LongIndexer.create((LongPointer) pointer);
                case BOOL -> BooleanIndexer.create(new BooleanPointer(pointer));
              });
    }
    return dataBuffer;
  }

  /** Marks an in-place modification. */
  public void bumpVersion() {
    version++;
  }

  /**
   * Frees the native memory now instead of waiting for the garbage collector. Only the autograd
   * engine calls this, for buffers it alone holds (intermediate gradients).
   */
  public void release() {
    if (owner == null && dataBuffer == null && !released) {
      released = true;
      f = f == null ? null : FloatBuffer.allocate(0);
      d = d == null ? null : DoubleBuffer.allocate(0);
      i = i == null ? null : IntBuffer.allocate(0);
      l = l == null ? null : LongBuffer.allocate(0);
      b = b == null ? null : ByteBuffer.allocate(0);
      raw = ByteBuffer.allocate(0);
      long cap = Math.max(length, 1);
      if (!BufferPool.give(dtype, cap, pointer)) {
        pointer.deallocate();
      }
    }
  }

  /** True if an ND4J array was created over this memory (it is then never freed early). */
  public boolean isExported() {
    return dataBuffer != null || owner != null;
  }

  /** True once {@link #release()} freed the memory. */
  public boolean isReleased() {
    return released;
  }

  /**
   * Throws if the memory was released (guards native calls, which would crash on freed memory).
   *
   * @throws IllegalStateException naming {@code op}
   */
  public void checkLive(String op) {
    if (released) {
      throw new IllegalStateException(
          op
              + ": the tensor's memory was already released (by the autograd engine, or by the"
              + " memory scope it was created in; keep it with MemoryScope.keep to use it after the"
              + " scope)");
    }
  }

  /** Reads element {@code idx} as a double, whatever the type. */
  public double getDouble(int idx) {
    return switch (dtype) {
      case FLOAT32 -> f.get(idx);
      case FLOAT64 -> d.get(idx);
      case INT32 -> i.get(idx);
      case INT64 -> l.get(idx);
      case BOOL -> b.get(idx) != 0 ? 1.0 : 0.0;
    };
  }

  /** Reads element {@code idx} as a long (floating values are truncated toward zero). */
  public long getLong(int idx) {
    return switch (dtype) {
      case FLOAT32 -> (long) f.get(idx);
      case FLOAT64 -> (long) d.get(idx);
      case INT32 -> i.get(idx);
      case INT64 -> l.get(idx);
      case BOOL -> b.get(idx);
    };
  }

  /** Writes element {@code idx} from a double, converting to this storage's type. */
  public void setDouble(int idx, double v) {
    switch (dtype) {
      case FLOAT32 -> f.put(idx, (float) v);
      case FLOAT64 -> d.put(idx, v);
      case INT32 -> i.put(idx, (int) v);
      case INT64 -> l.put(idx, (long) v);
      case BOOL -> b.put(idx, (byte) (v != 0 ? 1 : 0));
    }
  }

  /** Writes element {@code idx} from a long, converting to this storage's type. */
  public void setLong(int idx, long v) {
    switch (dtype) {
      case FLOAT32 -> f.put(idx, (float) v);
      case FLOAT64 -> d.put(idx, (double) v);
      case INT32 -> i.put(idx, (int) v);
      case INT64 -> l.put(idx, v);
      case BOOL -> b.put(idx, (byte) (v != 0 ? 1 : 0));
    }
  }

  /** Copies {@code n} elements from {@code src[srcPos..]} to {@code this[dstPos..]}; same dtype. */
  public void copyFrom(Storage src, int srcPos, int dstPos, int n) {
    if (n <= 0) {
      return;
    }
    checkLive("copy");
    src.checkLive("copy");
    if (srcPos < 0 || dstPos < 0 || srcPos + n > src.length || dstPos + n > length) {
      throw new IndexOutOfBoundsException(
          "copy of "
              + n
              + " elements from "
              + srcPos
              + " (of "
              + src.length
              + ") to "
              + dstPos
              + " (of "
              + length
              + ")");
    }
    long bs = dtype.byteSize();
    Pointer.memcpy(
        new BytePointer(pointer).position(dstPos * bs),
        new BytePointer(src.pointer).position(srcPos * bs),
        n * bs);
  }
}
