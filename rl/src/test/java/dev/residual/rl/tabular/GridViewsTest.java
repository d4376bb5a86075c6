package dev.residual.rl.tabular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GridViewsTest {
  private static final int[][] WITH_WALL = {{0, 1, 2}, {3, -1, 4}};

  @Test
  void valueGridPlacesStatesAndLeavesWallsNaN() {
    double[][] g = GridViews.valueGrid(new double[] {0, 1, 2, 3, 4}, WITH_WALL);
    assertArrayEquals(new double[] {0, 1, 2}, g[0], 0);
    assertEquals(3, g[1][0]);
    assertTrue(Double.isNaN(g[1][1]));
    assertEquals(4, g[1][2]);
    assertArrayEquals(new int[][] {{0, 1}, {2, 3}, {4, 5}}, GridViews.rowMajor(3, 2));
  }

  @Test
  void policyTextDrawsArrowsTerminalsAndWalls() {
    String[] arrows = {"^", ">", "v", "<"};
    assertEquals(
        "> > T\n^ # <\n",
        GridViews.policyText(new int[] {1, 1, 0, 0, 3}, WITH_WALL, arrows, s -> s == 2));
  }

  @Test
  void badLayoutsAndPoliciesAreRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> GridViews.valueGrid(new double[3], WITH_WALL));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GridViews.valueGrid(new double[5], new int[][] {{0, 1}, {2}}));
    assertTrue(e.getMessage().contains("ragged"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GridViews.valueGrid(null, WITH_WALL));
    assertThrows(
        IllegalArgumentException.class, () -> GridViews.valueGrid(new double[1], new int[0][]));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                GridViews.policyText(
                    new int[] {0, 0, 0, 0, 7}, WITH_WALL, new String[] {"a"}, null));
    assertTrue(e.getMessage().contains("state 4 takes action 7"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GridViews.rowMajor(0, 3));
  }
}
