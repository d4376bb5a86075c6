package dev.residual.transformer.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {

  @Test
  void stopStringSpanningTokensIsFoundWhenItCompletes() {
    StopStrings s = new StopStrings(List.of("\n\n"));
    StringBuilder text = new StringBuilder();
    String[] pieces = {"Hello", " wor", "ld\n", "\nBye"};
    int[] results = new int[pieces.length];
    for (int i = 0; i < pieces.length; i++) {
      text.append(pieces[i]);
      results[i] = s.scan(text);
    }
    assertEquals(-1, results[0]);
    assertEquals(-1, results[1]);
    assertEquals(-1, results[2]);
    assertEquals("Hello world".length(), results[3]);
    assertEquals("Hello world", text.substring(0, results[3]));
  }

  @Test
  void stopStringSpanningThreeTokensIsFound() {
    StopStrings s = new StopStrings(List.of("<|end|>"));
    StringBuilder text = new StringBuilder("answer: 42");
    assertEquals(-1, s.scan(text));
    for (String piece : new String[] {" <|", "en", "d|", ">tail"}) {
      text.append(piece);
      int at = s.scan(text);
      if (piece.equals(">tail")) {
        assertEquals("answer: 42 ".length(), at);
      } else {
        assertEquals(-1, at, "after " + piece);
      }
    }
  }

  @Test
  void earliestOfSeveralStopStringsWins() {
    StopStrings s = new StopStrings(List.of("END", "\n"));
    assertEquals(3, s.scan("abc\nEND"));
    assertEquals(1, new StopStrings(List.of("c\n", "b")).scan("abc\n")); // list order is irrelevant
  }

  @Test
  void onlyOccurrencesEndingAfterTheCheckedPrefixAreReported() {
    List<String> stops = List.of("END");
    assertEquals(2, StopStrings.indexOf("xxENDyy", 0, stops));
    assertEquals(2, StopStrings.indexOf("xxENDyy", 4, stops)); // spans the boundary
    assertEquals(-1, StopStrings.indexOf("xxENDyy", 5, stops)); // wholly checked already
    assertEquals(-1, StopStrings.indexOf("xxENDyy", 7, stops));
  }

  @Test
  void shorterTextIsRescannedWhole() {
    StopStrings s = new StopStrings(List.of("ab"));
    assertEquals(-1, s.scan("xxxxxxxx"));
    assertEquals(0, s.scan("ab"));
    s.reset();
    assertEquals(1, s.scan("xab"));
  }

  @Test
  void noStopStringsNeverStops() {
    StopStrings s = new StopStrings(List.of());
    assertEquals(-1, s.scan("anything at all\n\n"));
  }

  @Test
  void invalidStopStringsAndRangesAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new StopStrings(List.of("a", "")));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new StopStrings(Arrays.asList("a", null)));
    IllegalArgumentException r =
        assertThrows(
            IllegalArgumentException.class, () -> StopStrings.indexOf("abc", 4, List.of("a")));
    assertTrue(r.getMessage().contains("checkedLength"), r.getMessage());
    assertTrue(r.getMessage().contains("got 4"), r.getMessage());
  }
}
