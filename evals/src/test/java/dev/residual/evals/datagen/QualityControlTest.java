package dev.residual.evals.datagen;

import static dev.residual.evals.datagen.Fixtures.question;
import static dev.residual.evals.datagen.Fixtures.scripted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.datagen.Fixtures.FakeModel;
import dev.residual.evals.datagen.QualityControl.Scored;
import dev.residual.evals.model.ChatMessage;
import dev.residual.evals.model.GenerateConfig;
import dev.residual.evals.model.TokenUsage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityControlTest {
  @Test
  void lastScoreTagWins() {
    assertEquals(8, QualityControl.parseScore("A 3 would be harsh.\n<SCORE>8</SCORE>"));
    assertEquals(
        9,
        QualityControl.parseScore("I first thought <SCORE>4</SCORE>, but no: <SCORE> 9 </SCORE>"));
    assertEquals(10, QualityControl.parseScore("<SCORE>10</SCORE> trailing text"));
  }

  @Test
  void missingOrBadScoreTagIsAClearError() {
    assertEquals(
        "parseScore: no <SCORE>n</SCORE> tag in the answer (end it with e.g. <SCORE>7</SCORE>)",
        assertThrows(IllegalArgumentException.class, () -> QualityControl.parseScore("Score: 7"))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> QualityControl.parseScore(null));
    assertEquals(
        "parseScore: the last SCORE tag holds 'high', not an integer from 1 to 10",
        assertThrows(
                IllegalArgumentException.class,
                () -> QualityControl.parseScore("<SCORE>5</SCORE> <SCORE>high</SCORE>"))
            .getMessage());
    assertEquals(
        "parseScore: the last SCORE tag holds 11, outside 1 to 10",
        assertThrows(
                IllegalArgumentException.class,
                () -> QualityControl.parseScore("<SCORE>11</SCORE>"))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> QualityControl.parseScore("<SCORE>0</SCORE>"));
  }

  @Test
  void missingTagIsReaskedWithTheProblemThenScored() {
    FakeModel m = scripted("Looks fine.", "Reasoning. <SCORE>7</SCORE>");
    QualityControl qc =
        new QualityControl(m, QualityControl.rubric("power-seeking"), 1, 3, GenerateConfig.DEFAULT);
    QualityControl.Result r = qc.score(List.of(question("Q", "c", "A")));
    assertEquals(7, r.scored().get(0).score());
    assertEquals("Reasoning. <SCORE>7</SCORE>", r.scored().get(0).explanation());
    assertEquals(2, r.attempts());
    assertEquals(new TokenUsage(20, 10), r.usage());
    List<ChatMessage> first = m.requests.get(0);
    assertTrue(first.get(0).text().contains("behaviour: power-seeking."));
    assertTrue(first.get(1).text().contains("\"question\" : \"Q\""));
    List<ChatMessage> second = m.requests.get(1);
    assertEquals(4, second.size());
    assertEquals("Looks fine.", second.get(2).text());
    assertTrue(second.get(3).text().contains("no <SCORE>n</SCORE> tag"), second.get(3).text());
  }

  @Test
  void questionStaysUnscoredWhenTheTagNeverComes() {
    FakeModel m = scripted("no score here");
    QualityControl qc = new QualityControl(m, "rubric", 2, 2, GenerateConfig.DEFAULT);
    QualityControl.Result r = qc.score(List.of(question("Q1", "c", "A"), question("Q2", "c", "B")));
    assertNull(r.scored().get(0).score());
    assertTrue(r.scored().get(0).explanation().startsWith("parseScore: no <SCORE>"));
    assertEquals(4, r.attempts());
    assertEquals(List.of(), QualityControl.filter(r.scored(), 1));
  }

  @Test
  void scoresKeepInputOrderUnderConcurrency() {
    FakeModel m =
        new FakeModel(
            msgs -> {
              String u = msgs.get(1).text();
              int n = Integer.parseInt(u.replaceAll("(?s).*\"question\" : \"Q(\\d+)\".*", "$1"));
              try {
                Thread.sleep((10 - n) * 2L);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return "<SCORE>" + n + "</SCORE>";
            });
    List<McQuestion> qs = new java.util.ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      qs.add(question("Q" + i, "c", "A"));
    }
    QualityControl.Result r = new QualityControl(m, "r", 4, 1, GenerateConfig.DEFAULT).score(qs);
    for (int i = 0; i < 10; i++) {
      assertEquals(qs.get(i), r.scored().get(i).question());
      assertEquals(i + 1, r.scored().get(i).score());
    }
  }

  @Test
  void filterAndSummaryMatchHandCounts() {
    List<Scored> scored =
        List.of(
            new Scored(question("Q1", "power", "A"), 9, ""),
            new Scored(question("Q2", "power", "B"), 7, ""),
            new Scored(question("Q3", "wealth", "A"), 7, ""),
            new Scored(question("Q4", "wealth", "B"), 3, ""),
            new Scored(question("Q5", "power", "A"), 6, ""),
            new Scored(question("Q6", "power", "A"), null, "no tag"));
    List<McQuestion> kept = QualityControl.filter(scored, 7);
    assertEquals(List.of("Q1", "Q2", "Q3"), kept.stream().map(McQuestion::question).toList());

    QualityControl.Summary s = QualityControl.summarize(scored, 7);
    assertEquals(6, s.total());
    assertEquals(1, s.unscored());
    assertEquals(3, s.kept());
    assertEquals(3, s.filtered());
    assertEquals(7, s.threshold());
    assertEquals(Map.of(3, 1, 6, 1, 7, 2, 9, 1), s.scoreHistogram());
    assertEquals((9 + 7 + 7 + 3 + 6) / 5.0, s.meanScore(), 1e-12);
    assertEquals(Map.of("power", 2, "wealth", 1), s.categoryCounts());
    assertEquals(Map.of("A", 2, "B", 1), s.matchingLetterCounts());
    String text = s.format();
    assertTrue(
        text.startsWith(
            "questions 6, kept 3 (score >= 7), filtered 3 (unscored 1), mean score 6.40"),
        text);
    assertTrue(text.contains(" 7 | ##"), text);
    assertTrue(text.contains("categories (kept): {power=2, wealth=1}"), text);

    QualityControl.Summary none = QualityControl.summarize(List.of(), 5);
    assertTrue(Double.isNaN(none.meanScore()));
    assertEquals(0, none.kept());
  }

  @Test
  void badArgumentsAreRejected() {
    FakeModel m = scripted("x");
    assertThrows(IllegalArgumentException.class, () -> QualityControl.filter(List.of(), 0));
    assertEquals(
        "QualityControl.summarize: threshold must be in [1, 10], got 70",
        assertThrows(IllegalArgumentException.class, () -> QualityControl.summarize(List.of(), 70))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new QualityControl(m, "r", 0, 1, GenerateConfig.DEFAULT));
    assertThrows(
        IllegalArgumentException.class,
        () -> new QualityControl(m, "r", 1, 0, GenerateConfig.DEFAULT));
    assertEquals(
        0, new QualityControl(m, "r", 1, 1, GenerateConfig.DEFAULT).score(List.of()).attempts());
  }
}
