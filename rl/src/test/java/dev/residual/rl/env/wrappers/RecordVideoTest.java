package dev.residual.rl.env.wrappers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.CountingEnv;
import dev.residual.rl.env.classic.CartPole;
import dev.residual.rl.env.wrappers.RecordVideo.Format;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordVideoTest {
  @TempDir Path dir;

  @Test
  void cubicScheduleIsGymnasiums() {
    List<Integer> chosen =
        IntStream.range(0, 3001)
            .filter(RecordVideo::cubicSchedule)
            .boxed()
            .collect(Collectors.toList());
    assertEquals(List.of(0, 1, 8, 27, 64, 125, 216, 343, 512, 729, 1000, 2000, 3000), chosen);
  }

  @Test
  void gifHasOneFramePerStepPlusTheResetFrameAndLoops() throws IOException {
    RecordVideo<Integer, Integer> env =
        new RecordVideo<>(new CountingEnv(4), dir, e -> true, Format.GIF, "count", 25);
    env.reset(0L);
    assertTrue(env.recording());
    for (int i = 0; i < 4; i++) {
      env.step(0);
    }
    assertFalse(env.recording());
    Path gif = dir.resolve("count-episode-0.gif");
    assertEquals(List.of(gif.toAbsolutePath()), env.written());
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      assertEquals(5, reader.getNumImages(true));
      for (int i = 0; i < 5; i++) {
        BufferedImage frame = reader.read(i);
        assertEquals(8, frame.getWidth());
        int red = (frame.getRGB(3, 3) >> 16) & 0xFF;
        assertEquals(20 * i, red, 2, "frame " + i);
      }
      IIOMetadataNode root =
          (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
      IIOMetadataNode gce =
          (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
      assertEquals("4", gce.getAttribute("delayTime"));
      IIOMetadataNode app =
          (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
      assertEquals("NETSCAPE", app.getAttribute("applicationID"));
      reader.dispose();
    }
    assertEquals(List.of(gif), listing());
  }

  @Test
  void defaultScheduleRecordsEpisodesZeroOneAndEight() throws IOException {
    RecordVideo<Integer, Integer> env = new RecordVideo<>(new CountingEnv(1), dir);
    for (int ep = 0; ep < 10; ep++) {
      env.reset();
      assertEquals(ep == 0 || ep == 1 || ep == 8, env.recording(), "episode " + ep);
      env.step(0);
    }
    assertEquals(
        List.of(
            dir.resolve("rl-video-episode-0.gif"),
            dir.resolve("rl-video-episode-1.gif"),
            dir.resolve("rl-video-episode-8.gif")),
        listing());
  }

  @Test
  void pngSequenceWritesNumberedFramesIntoADirectory() throws IOException {
    RecordVideo<Integer, Integer> env =
        new RecordVideo<>(new CountingEnv(2), dir, e -> e == 1, Format.PNG_SEQUENCE, "p", 30);
    env.reset(0L);
    env.step(0);
    env.step(0);
    env.reset();
    env.step(0);
    env.step(0);
    Path video = dir.resolve("p-episode-1");
    assertEquals(List.of(video), listing());
    try (Stream<Path> s = Files.list(video)) {
      assertEquals(
          List.of("frame-00000.png", "frame-00001.png", "frame-00002.png"),
          s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
    }
    BufferedImage last = ImageIO.read(video.resolve("frame-00002.png").toFile());
    assertEquals(40, (last.getRGB(0, 0) >> 16) & 0xFF);
  }

  @Test
  void resetAndCloseFinishAnInterruptedRecording() throws IOException {
    RecordVideo<Integer, Integer> env =
        new RecordVideo<>(new CountingEnv(10), dir, e -> true, Format.GIF, "i", 50);
    env.reset(0L);
    env.step(0);
    env.reset();
    env.step(0);
    env.step(0);
    env.close();
    assertEquals(
        List.of(dir.resolve("i-episode-0.gif"), dir.resolve("i-episode-1.gif")), listing());
    try (ImageInputStream in =
        ImageIO.createImageInputStream(dir.resolve("i-episode-1.gif").toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      assertEquals(3, reader.getNumImages(true));
      reader.dispose();
    }
  }

  @Test
  void recordsACartPoleEpisodeAsAGifWithExactColours() throws IOException {
    RecordVideo<float[], Integer> env =
        new RecordVideo<>(new TimeLimit<>(new CartPole(), 5), dir, e -> true, Format.GIF, "cp", 50);
    env.reset(1L);
    for (int i = 0; i < 5; i++) {
      env.step(i % 2);
    }
    Path gif = dir.resolve("cp-episode-0.gif");
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      assertEquals(6, reader.getNumImages(true));
      assertEquals(600, reader.getWidth(0));
      assertEquals(400, reader.getHeight(0));
      // A rendered frame has few colours: the GIF keeps them exactly.
      BufferedImage expected = env.render().orElseThrow();
      BufferedImage last = reader.read(5);
      for (int y = 0; y < 400; y++) {
        for (int x = 0; x < 600; x++) {
          assertEquals(expected.getRGB(x, y), last.getRGB(x, y), "pixel " + x + ", " + y);
        }
      }
      reader.dispose();
    }
  }

  @Test
  void anEnvironmentWithoutRenderingCannotBeRecorded() throws IOException {
    RecordVideo<Integer, Integer> env =
        new RecordVideo<>(new CountingEnv(2, false), dir, e -> true, Format.GIF, "x", 50);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> env.reset(0L));
    assertTrue(e.getMessage().contains("render"), e.getMessage());
    assertFalse(env.recording());
    assertEquals(List.of(), listing());
  }

  @Test
  void badArgumentsAreRejected() {
    CountingEnv inner = new CountingEnv(1);
    assertThrows(
        IllegalArgumentException.class,
        () -> new RecordVideo<>(inner, dir, e -> true, Format.GIF, "a/b", 50));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RecordVideo<>(inner, dir, e -> true, Format.GIF, "", 50));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RecordVideo<>(inner, dir, e -> true, Format.GIF, "a", 0));
    assertThrows(
        NullPointerException.class,
        () -> new RecordVideo<>(inner, null, e -> true, Format.GIF, "a", 50));
  }

  /** Everything in the folder, hidden temporaries included, sorted. */
  private List<Path> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().collect(Collectors.toList());
    }
  }
}
