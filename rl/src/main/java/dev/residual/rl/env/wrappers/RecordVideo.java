package dev.residual.rl.env.wrappers;

import dev.residual.plot.Plots;
import dev.residual.rl.env.Env;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Records the {@link Env#render()} frames of selected episodes (Gymnasium's {@code RecordVideo}),
 * one file per episode, as a looping animated GIF or a directory of PNG frames.
 *
 * <p>Episodes are numbered from 0 at the first reset; {@code episodeTrigger} decides at each reset
 * whether the new episode is recorded (default: {@link #cubicSchedule}, Gymnasium's {@code
 * capped_cubic_video_schedule}: 0, 1, 8, 27, …, 729, then every 1000th). A recorded episode's
 * frames are the one after reset and one after every step, so an episode of {@code L} steps gives
 * {@code L + 1} frames. Its file is {@code <folder>/<namePrefix>-episode-<index>.gif} (or the
 * directory {@code …-episode-<index>/} of {@code frame-00000.png, …}), written when the episode
 * ends, when a reset interrupts it, or on {@link #close()}.
 *
 * <p>Frames stream to a hidden temporary file (directory) in {@code folder} as they come, so memory
 * stays flat, and the finished file is moved into place atomically: a reader never sees a partial
 * video. An existing file (directory) of the same name is replaced.
 *
 * @param <O> observation type
 * @param <A> action type
 */
public class RecordVideo<O, A> extends Wrapper<O, A> {
  /** How an episode is written. */
  public enum Format {
    /** One looping animated GIF per episode. */
    GIF,
    /** One directory of numbered PNG frames per episode. */
    PNG_SEQUENCE
  }

  private final Path folder;
  private final IntPredicate episodeTrigger;
  private final Format format;
  private final String namePrefix;
  private final int fps;
  private final List<Path> written = new ArrayList<>();
  private int episodeId = -1;
  private FrameSink sink;

  /** GIFs of the episodes of {@link #cubicSchedule} at 50 frames/s, named {@code rl-video-…}. */
  public RecordVideo(Env<O, A> env, Path folder) {
    this(env, folder, RecordVideo::cubicSchedule, Format.GIF, "rl-video", 50);
  }

  /**
   * @param env the environment to record; its {@code render()} must return an image once reset
   * @param folder where the videos go (created if missing)
   * @param episodeTrigger which episode indices (from 0) to record
   * @param format GIF or PNG sequence
   * @param namePrefix the start of every file name; letters, digits, {@code . _ -} only
   * @param fps frames per second of the GIF (its delay is rounded to 1/100 s); 1..100
   * @throws IllegalArgumentException if {@code fps} is outside 1..100 or {@code namePrefix} is
   *     empty or has other characters
   * @throws NullPointerException if an argument is null
   */
  public RecordVideo(
      Env<O, A> env,
      Path folder,
      IntPredicate episodeTrigger,
      Format format,
      String namePrefix,
      int fps) {
    super(env);
    this.folder = Objects.requireNonNull(folder, "RecordVideo: folder must not be null");
    this.episodeTrigger =
        Objects.requireNonNull(episodeTrigger, "RecordVideo: episodeTrigger must not be null");
    this.format = Objects.requireNonNull(format, "RecordVideo: format must not be null");
    Objects.requireNonNull(namePrefix, "RecordVideo: namePrefix must not be null");
    if (!namePrefix.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "RecordVideo: namePrefix must be non-empty letters, digits, '.', '_' or '-', got \""
              + namePrefix
              + "\"");
    }
    if (fps < 1 || fps > 100) {
      throw new IllegalArgumentException("RecordVideo: fps must be in 1..100, got " + fps);
    }
    this.namePrefix = namePrefix;
    this.fps = fps;
  }

  /**
   * Gymnasium's default trigger: {@code true} for the perfect cubes 0, 1, 8, 27, …, 729 and, from
   * 1000 on, for the multiples of 1000.
   */
  public static boolean cubicSchedule(int episode) {
    if (episode < 1000) {
      long root = Math.round(Math.cbrt(episode));
      return root * root * root == episode;
    }
    return episode % 1000 == 0;
  }

  /** The videos written so far, in order. */
  public List<Path> written() {
    return List.copyOf(written);
  }

  /** Whether the current episode is being recorded. */
  public boolean recording() {
    return sink != null;
  }

  /** The index of the current episode (-1 before the first reset). */
  public int episodeId() {
    return episodeId;
  }

  /**
   * @throws IllegalStateException if the episode is to be recorded and {@code render()} returns no
   *     image
   * @throws UncheckedIOException if a file cannot be written
   */
  @Override
  public ResetResult<O> reset(Long seed, Map<String, Object> options) {
    finishRecording();
    ResetResult<O> r = env.reset(seed, options);
    episodeId++;
    if (episodeTrigger.test(episodeId)) {
      String name = namePrefix + "-episode-" + episodeId;
      sink = format == Format.GIF ? new GifSink(name) : new PngSink(name);
      capture();
    }
    return r;
  }

  /**
   * @throws IllegalStateException if {@code render()} returns no image while recording
   * @throws UncheckedIOException if a file cannot be written
   */
  @Override
  public StepResult<O> step(A action) {
    StepResult<O> r = env.step(action);
    if (sink != null) {
      capture();
      if (r.done()) {
        finishRecording();
      }
    }
    return r;
  }

  /** Writes the video of an unfinished recorded episode, then closes the environment. */
  @Override
  public void close() {
    try {
      finishRecording();
    } finally {
      env.close();
    }
  }

  private void capture() {
    BufferedImage frame =
        env.render()
            .orElseThrow(
                () -> {
                  abortRecording();
                  return new IllegalStateException(
                      "RecordVideo: " + env + ".render() returned no image; it cannot be recorded");
                });
    try {
      sink.add(frame);
    } catch (IOException e) {
      abortRecording();
      throw new UncheckedIOException("RecordVideo: cannot write a frame: " + e.getMessage(), e);
    }
  }

  private void finishRecording() {
    if (sink == null) {
      return;
    }
    FrameSink s = sink;
    sink = null;
    try {
      written.add(s.commit());
    } catch (IOException e) {
      s.abort();
      throw new UncheckedIOException("RecordVideo: cannot write a video: " + e.getMessage(), e);
    }
  }

  private void abortRecording() {
    if (sink != null) {
      sink.abort();
      sink = null;
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteRecursively(Path p) {
    if (p == null || !Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Iterator<Path> it = s.sorted(Comparator.reverseOrder()).iterator(); it.hasNext(); ) {
        Files.deleteIfExists(it.next());
      }
    } catch (IOException e) {
      // Best effort: a leftover hidden temporary never shadows a finished video.
    }
  }

  /** Where one episode's frames go. */
  private interface FrameSink {
    void add(BufferedImage frame) throws IOException;

    Path commit() throws IOException;

    void abort();
  }

  private final class GifSink implements FrameSink {
    private final Path target;
    private Path tmp;
    private ImageOutputStream out;
    private ImageWriter writer;
    private boolean first = true;

    GifSink(String name) {
      target = folder.toAbsolutePath().resolve(name + ".gif");
    }

    @Override
    public void add(BufferedImage frame) throws IOException {
      if (writer == null) {
        Plots.ensureHeadless();
        Files.createDirectories(target.getParent());
        tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("gif");
        if (!it.hasNext()) {
          throw new IOException("no GIF writer in this JDK's ImageIO");
        }
        writer = it.next();
        out = ImageIO.createImageOutputStream(tmp.toFile());
        writer.setOutput(out);
        writer.prepareWriteSequence(null);
      }
      BufferedImage exact = exactPalette(frame);
      if (exact != null) {
        frame = exact;
      }
      ImageWriteParam param = writer.getDefaultWriteParam();
      IIOMetadata meta =
          writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
      frameMetadata(meta, first, frame);
      first = false;
      writer.writeToSequence(new IIOImage(frame, null, meta), param);
    }

    /**
     * The frame as an indexed image with its exact colours when it has at most 256 (rendered
     * environments usually do), else null. ImageIO's own quantiser would otherwise take ~30x longer
     * than rendering and blur the colours.
     */
    private BufferedImage exactPalette(BufferedImage frame) {
      int w = frame.getWidth();
      int h = frame.getHeight();
      int[] rgb = frame.getRGB(0, 0, w, h, null, 0, w);
      int[] keys = new int[1024];
      byte[] slots = new byte[1024];
      Arrays.fill(keys, -1);
      int[] palette = new int[256];
      int n = 0;
      byte[] index = new byte[w * h];
      int last = -1;
      byte lastIndex = 0;
      for (int i = 0; i < rgb.length; i++) {
        int c = rgb[i] & 0xFFFFFF;
        if (c != last) {
          int slot = (c * 0x9E3779B1) >>> 22;
          while (keys[slot] != -1 && keys[slot] != c) {
            slot = (slot + 1) & 1023;
          }
          if (keys[slot] == -1) {
            if (n == 256) {
              return null;
            }
            keys[slot] = c;
            slots[slot] = (byte) n;
            palette[n++] = c;
          }
          last = c;
          lastIndex = slots[slot];
        }
        index[i] = lastIndex;
      }
      // GIF colour tables have 2^k entries; a model of that size spares the writer a conversion.
      int size = 2;
      while (size < n) {
        size *= 2;
      }
      byte[] r = new byte[size];
      byte[] g = new byte[size];
      byte[] b = new byte[size];
      for (int i = 0; i < n; i++) {
        r[i] = (byte) (palette[i] >> 16);
        g[i] = (byte) (palette[i] >> 8);
        b[i] = (byte) palette[i];
      }
      IndexColorModel cm = new IndexColorModel(8, size, r, g, b);
      WritableRaster raster =
          Raster.createInterleavedRaster(
              new DataBufferByte(index, index.length), w, h, w, 1, new int[] {0}, null);
      return new BufferedImage(cm, raster, false, null);
    }

    /** Sets the frame delay and, on the first frame, the NETSCAPE2.0 loop-forever extension. */
    private void frameMetadata(IIOMetadata meta, boolean loop, BufferedImage frame)
        throws IIOInvalidTreeException {
      String fmt = meta.getNativeMetadataFormatName();
      IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(fmt);
      if (frame.getColorModel() instanceof IndexColorModel cm) {
        // Each frame has its own palette: without a local table the writer reuses the first's.
        IIOMetadataNode table = child(root, "LocalColorTable");
        while (table.getFirstChild() != null) {
          table.removeChild(table.getFirstChild());
        }
        table.setAttribute("sizeOfLocalColorTable", Integer.toString(cm.getMapSize()));
        table.setAttribute("sortFlag", "FALSE");
        for (int i = 0; i < cm.getMapSize(); i++) {
          IIOMetadataNode e = new IIOMetadataNode("ColorTableEntry");
          e.setAttribute("index", Integer.toString(i));
          e.setAttribute("red", Integer.toString(cm.getRed(i)));
          e.setAttribute("green", Integer.toString(cm.getGreen(i)));
          e.setAttribute("blue", Integer.toString(cm.getBlue(i)));
          table.appendChild(e);
        }
      }
      IIOMetadataNode gce = child(root, "GraphicControlExtension");
      gce.setAttribute("disposalMethod", "none");
      gce.setAttribute("userInputFlag", "FALSE");
      gce.setAttribute("transparentColorFlag", "FALSE");
      gce.setAttribute("delayTime", Integer.toString(Math.max(1, Math.round(100f / fps))));
      gce.setAttribute("transparentColorIndex", "0");
      if (loop) {
        IIOMetadataNode apps = child(root, "ApplicationExtensions");
        IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
        app.setAttribute("applicationID", "NETSCAPE");
        app.setAttribute("authenticationCode", "2.0");
        // Sub-block 1 followed by a little-endian loop count; 0 loops forever.
        app.setUserObject(new byte[] {1, 0, 0});
        apps.appendChild(app);
      }
      meta.setFromTree(fmt, root);
    }

    private IIOMetadataNode child(IIOMetadataNode root, String name) {
      for (int i = 0; i < root.getLength(); i++) {
        if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
          return (IIOMetadataNode) root.item(i);
        }
      }
      IIOMetadataNode n = new IIOMetadataNode(name);
      root.appendChild(n);
      return n;
    }

    @Override
    public Path commit() throws IOException {
      if (writer == null) {
        throw new IOException("no frames recorded for " + target);
      }
      writer.endWriteSequence();
      out.close();
      writer.dispose();
      move(tmp, target);
      return target;
    }

    @Override
    public void abort() {
      try {
        if (out != null) {
          out.close();
        }
      } catch (IOException e) {
        // Closing a stream we are discarding: nothing more to do.
      }
      if (writer != null) {
        writer.dispose();
      }
      deleteRecursively(tmp);
    }
  }

  private final class PngSink implements FrameSink {
    private final Path target;
    private Path tmpDir;
    private int count;

    PngSink(String name) {
      target = folder.toAbsolutePath().resolve(name);
    }

    @Override
    public void add(BufferedImage frame) throws IOException {
      if (tmpDir == null) {
        Plots.ensureHeadless();
        Files.createDirectories(target.getParent());
        tmpDir = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-");
      }
      Path f = tmpDir.resolve(String.format("frame-%05d.png", count));
      if (!ImageIO.write(frame, "png", f.toFile())) {
        throw new IOException("no PNG writer for image type " + frame.getType());
      }
      count++;
    }

    @Override
    public Path commit() throws IOException {
      if (tmpDir == null) {
        throw new IOException("no frames recorded for " + target);
      }
      // A directory cannot be renamed over a non-empty one: remove the old video first.
      deleteRecursively(target);
      move(tmpDir, target);
      return target;
    }

    @Override
    public void abort() {
      deleteRecursively(tmpDir);
    }
  }
}
