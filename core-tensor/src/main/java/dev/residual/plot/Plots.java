package dev.residual.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.function.Supplier;
import javax.imageio.ImageIO;

/**
 * Shared plumbing of the plot package: headless set-up, atomic PNG writing, the series palette and
 * the translation of a machine without fonts into a clear error.
 *
 * <p>Headless: every chart class calls {@link #ensureHeadless()} before touching AWT. It sets
 * {@code java.awt.headless=true} only when the property is unset and there is evidently no display
 * (no {@code DISPLAY} or {@code WAYLAND_DISPLAY} on a Unix that is not macOS), so a user with a
 * desktop keeps AWT's default and an explicit {@code -Djava.awt.headless=false} is respected. The
 * property only takes effect if AWT has not been initialised yet in the JVM.
 */
public final class Plots {
  /** The message of the error raised when AWT finds no font to draw text with. */
  public static final String NO_FONTS_MESSAGE =
      "no fonts available for headless chart rendering: install a font package"
          + " (Debian: apt-get install -y fonts-dejavu-core)";

  /** Ten distinguishable series colours (the "tab10" palette), cycled by series index. */
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xff7f0e),
    new Color(0x2ca02c),
    new Color(0xd62728),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0x7f7f7f),
    new Color(0xbcbd22),
    new Color(0x17becf)
  };

  private Plots() {}

  /**
   * Sets {@code java.awt.headless=true} when the property is unset and no display is available (see
   * the class comment); otherwise leaves it alone.
   */
  public static void ensureHeadless() {
    if (System.getProperty("java.awt.headless") != null) {
      return;
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    boolean desktopOs = os.contains("win") || os.contains("mac");
    if (!desktopOs
        && System.getenv("DISPLAY") == null
        && System.getenv("WAYLAND_DISPLAY") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** The colour of series number {@code index} (cycles after ten). */
  public static Color seriesColor(int index) {
    return PALETTE[Math.floorMod(index, PALETTE.length)];
  }

  /** The sans-serif font used for chart text, at {@code size} points. */
  static Font font(int style, float size) {
    return new Font(Font.SANS_SERIF, style, Math.round(size));
  }

  /**
   * Writes {@code image} as a PNG at {@code path} atomically: to a temporary file in the same
   * directory first, then moved over {@code path}, so a reader never sees a half-written file.
   * Missing parent directories are created.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public static void savePng(BufferedImage image, Path path) {
    if (image == null || path == null) {
      throw new IllegalArgumentException("savePng: image and path must not be null");
    }
    Path abs = path.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
      if (!ImageIO.write(image, "png", tmp.toFile())) {
        throw new IOException("no PNG writer available for image type " + image.getType());
      }
      moveAtomically(tmp, abs);
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("savePng: cannot write " + path + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * Writes {@code text} (UTF-8) at {@code path} atomically, like {@link #savePng}.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  static void saveText(String text, Path path) {
    Path abs = path.toAbsolutePath();
    Path tmp = null;
    try {
      Files.createDirectories(abs.getParent());
      tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
      Files.writeString(tmp, text);
      moveAtomically(tmp, abs);
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("saveSvg: cannot write " + path + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // The temporary file is hidden and harmless; the original failure is what matters.
      }
    }
  }

  /**
   * Runs a rendering action with headless set up, turning the failures AWT raises on a machine
   * without fonts into an {@link IllegalStateException} with {@link #NO_FONTS_MESSAGE}.
   */
  static <T> T render(Supplier<T> action) {
    ensureHeadless();
    try {
      return action.get();
    } catch (RuntimeException | Error e) {
      if (isFontFailure(e)) {
        throw new IllegalStateException(NO_FONTS_MESSAGE + " (cause: " + e + ")", e);
      }
      throw e;
    }
  }

  /**
   * Whether {@code t} is one of the ways AWT reports missing fonts: {@code java.lang.Error:
   * Probable fatal error: No physical fonts found} (or {@code No fonts found}), an exception thrown
   * from inside {@code sun.awt.FontConfiguration} or {@code sun.font} (typically a
   * NullPointerException), or the font manager's native library failing to load (no
   * libfreetype/fontconfig).
   */
  static boolean isFontFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String msg = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
      // "No fonts found", "No physical fonts found", "Could not initialize class
      // sun.font.SunFontManager", "libfontmanager.so: libfreetype.so.6: cannot open ...".
      if (c instanceof Error && msg.contains("font")) {
        return true;
      }
      for (StackTraceElement frame : c.getStackTrace()) {
        String cls = frame.getClassName();
        if (cls.startsWith("sun.awt.FontConfiguration")
            || cls.startsWith("sun.font.")
            || cls.startsWith("sun.awt.X11FontManager")) {
          return true;
        }
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
