package dev.residual.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  @Test
  void longSeriesStayBoundedAndKeepFirstAndLatestPoints() {
    HtmlReport.Series s = new HtmlReport.Series();
    int n = 1_000_003;
    for (int i = 0; i < n; i++) {
      s.add(i, i * 0.5);
    }
    assertTrue(s.size <= HtmlReport.Series.CAP, "stored " + s.size);
    List<List<Object>> t = s.thinned();
    List<Object> xs = t.get(0);
    assertTrue(xs.size() <= HtmlReport.MAX_POINTS, "embedded " + xs.size());
    assertEquals(0L, xs.get(0));
    assertEquals((long) n - 1, xs.get(xs.size() - 1));
    assertEquals((n - 1) * 0.5, (double) t.get(1).get(xs.size() - 1), 0.0);
    for (int i = 1; i < xs.size(); i++) {
      assertTrue((long) xs.get(i) > (long) xs.get(i - 1), "steps increase");
    }
  }

  @Test
  void shortSeriesAreEmbeddedWholeWithNonFiniteValuesAsNull() {
    HtmlReport.Series s = new HtmlReport.Series();
    s.add(1, 2.0);
    s.add(2, Double.NaN);
    s.add(3, 4.0);
    List<List<Object>> t = s.thinned();
    assertEquals(List.of(1L, 2L, 3L), t.get(0));
    assertEquals(2.0, t.get(1).get(0));
    assertNull(t.get(1).get(1));
  }

  @Test
  void embeddedDataCannotCloseTheScriptElement() {
    RunInfo info = new RunInfo("abcd1234", "<b>x</b>", "p", null, List.of(), Path.of("r"));
    HtmlReport.Data data = new HtmlReport.Data();
    String html =
        HtmlReport.render(
            info, Map.of("name", "</script><script>alert(1)</script>"), Map.of(), Map.of(), data);
    assertTrue(html.contains("<title>&lt;b&gt;x&lt;/b&gt; · p</title>"));
    assertEquals(2, html.split("</script>", -1).length - 1, "only the two real script ends");
  }
}
