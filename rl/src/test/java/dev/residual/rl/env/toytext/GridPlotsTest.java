package dev.residual.rl.env.toytext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.plot.Plots;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridPlotsTest {
  private static final int WHITE = 0xffffffff;

  /** The pixel colour at the centre-left of cell {@code s} (off any arrow or number). */
  private static int cellEdgePixel(BufferedImage img, int rows, int cols, int s, boolean title) {
    int top = 16 + (title ? 30 : 0);
    int left = (img.getWidth() - cols * GridPlots.CELL) / 2;
    return img.getRGB(
        left + (s % cols) * GridPlots.CELL + 4, top + (s / cols) * GridPlots.CELL + 4);
  }

  @Test
  void valuesDrawsEveryCellAndGreysBlockedOnes(@TempDir Path dir) {
    double[] v = TableChecks.optimalValues(Gridworld.russellNorvig(), 1.0);
    BufferedImage img = GridPlots.values(3, 4, v, Gridworld.blockedMask(), "R&N gridworld V*");
    assertTrue(img.getWidth() >= 4 * GridPlots.CELL);
    assertEquals(16 + 30 + 3 * GridPlots.CELL + 16 + 22, img.getHeight());
    assertEquals(0xff404040, cellEdgePixel(img, 3, 4, Gridworld.WALL, true));
    // Non-blocked cells are coloured by value: the best and the worst differ.
    assertNotEquals(cellEdgePixel(img, 3, 4, 2, true), cellEdgePixel(img, 3, 4, 11, true));
    Plots.savePng(img, dir.resolve("values.png"));
    assertTrue(Files.exists(dir.resolve("values.png")));
    BufferedImage cliff = GridPlots.values(4, 12, new double[48], null);
    assertEquals(12 * GridPlots.CELL + 32, cliff.getWidth());
  }

  @Test
  void policyDrawsArrowsAndLeavesNoActionCellsEmpty(@TempDir Path dir) {
    int[] actions = new int[16];
    for (int s = 0; s < 16; s++) {
      actions[s] = s % 4;
    }
    actions[15] = -1;
    FrozenLake lake = new FrozenLake();
    BufferedImage img =
        GridPlots.policy(4, 4, actions, FrozenLake::arrow, lake.holeMask(), "FrozenLake policy");
    int left = (img.getWidth() - 4 * GridPlots.CELL) / 2;
    int top = 16 + 30;
    // Cell 0's arrow points left: ink left of the centre, along the middle row.
    int cx = left + GridPlots.CELL / 2;
    int cy = top + GridPlots.CELL / 2;
    assertNotEquals(0xfff4f4f4, img.getRGB(cx - 12, cy));
    // Cell 15 has no action: its centre stays the empty colour.
    int c15x = left + 3 * GridPlots.CELL + GridPlots.CELL / 2;
    int c15y = top + 3 * GridPlots.CELL + GridPlots.CELL / 2;
    assertEquals(0xfff4f4f4, img.getRGB(c15x, c15y));
    assertEquals(0xff404040, cellEdgePixel(img, 4, 4, 5, true));
    Plots.savePng(img, dir.resolve("policy.png"));
    BufferedImage over =
        GridPlots.policy(
            4,
            12,
            new int[48],
            CliffWalking::arrow,
            CliffWalking.cliffMask(),
            new double[48],
            null);
    assertNotEquals(WHITE, over.getRGB(16 + 4, 16 + 4));
    // Labels other than the four arrows are drawn as text.
    GridPlots.policy(1, 2, new int[] {0, 1}, a -> a == 0 ? "N" : "E", null, "text labels");
  }

  @Test
  void wrongLengthsAndSizesAreRejectedWithTheShapes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GridPlots.values(3, 4, new double[11], "x"));
    assertTrue(e.getMessage().contains("v has length 11"), e.getMessage());
    assertTrue(e.getMessage().contains("3 * 4 = 12"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> GridPlots.values(3, 4, new double[12], new boolean[3], "x"));
    assertThrows(IllegalArgumentException.class, () -> GridPlots.values(0, 4, new double[0], "x"));
    assertThrows(IllegalArgumentException.class, () -> GridPlots.values(3, 4, null, "x"));
    assertThrows(
        IllegalArgumentException.class, () -> GridPlots.policy(3, 4, new int[12], null, null, "x"));
    assertThrows(
        IllegalArgumentException.class,
        () -> GridPlots.policy(3, 4, new int[10], Gridworld::arrow, null, "x"));
    assertThrows(
        IllegalArgumentException.class,
        () -> GridPlots.policy(3, 4, new int[12], Gridworld::arrow, null, new double[5], "x"));
  }
}
