package dev.residual.evals.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
  @Test
  void quotedFieldsKeepDelimitersEscapedQuotesAndNewlines() {
    String text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line1\nline2\"\r\nplain,,\"\"\n";
    List<Csv.Row> rows = Csv.parse("t.csv", text, ',');
    assertEquals(3, rows.size());
    assertEquals(List.of("a", "b", "c"), rows.get(0).fields());
    assertEquals(List.of("x, y", "say \"hi\"", "line1\nline2"), rows.get(1).fields());
    assertEquals(List.of("plain", "", ""), rows.get(2).fields());
    assertEquals(1, rows.get(0).line());
    assertEquals(2, rows.get(1).line());
    assertEquals(4, rows.get(2).line());
  }

  @Test
  void trailingDelimiterGivesEmptyLastFieldAndFinalNewlineNoRecord() {
    assertEquals(List.of("a", "b", ""), Csv.parse("t", "a,b,", ',').get(0).fields());
    assertEquals(1, Csv.parse("t", "a,b\n", ',').size());
    assertEquals(1, Csv.parse("t", "a,b\r\n", ',').size());
  }

  @Test
  void byteOrderMarkIsDroppedAndTabsWork() {
    List<Csv.Row> rows = Csv.parse("t", "\uFEFFq\tA\n1\t\"x\ty\"", '\t');
    assertEquals(List.of("q", "A"), rows.get(0).fields());
    assertEquals(List.of("1", "x\ty"), rows.get(1).fields());
  }

  @Test
  void quoteInsideUnquotedFieldIsLiteral() {
    assertEquals(List.of("5\" screen", "b"), Csv.parse("t", "5\" screen,b", ',').get(0).fields());
  }

  @Test
  void unterminatedQuoteNamesFileAndLine() {
    DatasetException e =
        assertThrows(
            DatasetException.class, () -> Csv.parse("bad.csv", "a,b\n1,\"open\nmore", ','));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("bad.csv"), e.getMessage());
    assertTrue(e.getMessage().contains("unterminated"), e.getMessage());
  }

  @Test
  void characterAfterClosingQuoteIsAnError() {
    DatasetException e =
        assertThrows(DatasetException.class, () -> Csv.parse("bad.csv", "a\n\"x\"y\n", ','));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("after a closing quote"), e.getMessage());
  }

  @Test
  void invalidDelimiterRejected() {
    assertThrows(IllegalArgumentException.class, () -> Csv.parse("t", "a", '"'));
  }
}
