package dev.residual.transformer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.transformer.generate.GenerationConfig.Builder;
import dev.residual.transformer.generate.GenerationConfig.EarlyStopping;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GenerationConfigTest {

  @Test
  void defaultsMatchHuggingFace() {
    GenerationConfig c = GenerationConfig.builder().build();
    assertEquals(100, c.maxNewTokens());
    assertEquals(1.0, c.temperature());
    assertEquals(0, c.topK());
    assertEquals(1.0, c.topP());
    assertEquals(0.0, c.minP());
    assertEquals(0.0, c.frequencyPenalty());
    assertEquals(0.0, c.presencePenalty());
    assertEquals(1.0, c.repetitionPenalty());
    assertEquals(0, c.stopTokens().length);
    assertEquals(List.of(), c.stopStrings());
    assertEquals(0L, c.seed());
    assertEquals(1, c.numBeams());
    assertEquals(1.0, c.lengthPenalty());
    assertEquals(0, c.noRepeatNgramSize());
    assertEquals(EarlyStopping.FALSE, c.earlyStopping());
    assertEquals(1, c.numReturnSequences());
    assertTrue(c.doSample());
  }

  @Test
  void greedyHasTemperatureZeroAndDoesNotSample() {
    GenerationConfig g = GenerationConfig.greedy(7);
    assertEquals(7, g.maxNewTokens());
    assertEquals(0.0, g.temperature());
    assertFalse(g.doSample());
  }

  @Test
  void toBuilderRoundTripsEverySetting() {
    GenerationConfig c =
        GenerationConfig.builder()
            .maxNewTokens(5)
            .temperature(0)
            .topK(3)
            .topP(0.5)
            .minP(0.1)
            .frequencyPenalty(0.2)
            .presencePenalty(-0.3)
            .repetitionPenalty(1.3)
            .stopTokens(50256, 0)
            .stopStrings("\n\n", "END")
            .seed(42)
            .numBeams(4)
            .lengthPenalty(0.7)
            .noRepeatNgramSize(3)
            .earlyStopping(EarlyStopping.NEVER)
            .numReturnSequences(2)
            .build();
    GenerationConfig d = c.toBuilder().build();
    assertEquals(c, d);
    assertEquals(c.hashCode(), d.hashCode());
    assertEquals(c.toString(), d.toString());
    assertTrue(c.toString().contains("stopTokens=[50256, 0]"), c.toString());
    assertNotEquals(c, c.toBuilder().stopTokens(50256).build());
    assertNotEquals(c, c.toBuilder().seed(43).build());
  }

  @Test
  void equalsComparesStopTokensByContents() {
    GenerationConfig a = GenerationConfig.builder().stopTokens(1, 2).build();
    GenerationConfig b = GenerationConfig.builder().stopTokens(new int[] {1, 2}).build();
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
  }

  @Test
  void stopTokensAndStopStringsAreDefensivelyCopied() {
    int[] ids = {7, 8};
    List<String> strings = new ArrayList<>(List.of("x"));
    GenerationConfig c =
        new GenerationConfig(
            1, 1, 0, 1, 0, 0, 0, 1, ids, strings, 0, 1, 1, 0, EarlyStopping.FALSE, 1);
    ids[0] = 99;
    strings.add("y");
    assertArrayEquals(new int[] {7, 8}, c.stopTokens());
    assertEquals(List.of("x"), c.stopStrings());
    c.stopTokens()[1] = 99;
    assertArrayEquals(new int[] {7, 8}, c.stopTokens());
    assertThrows(UnsupportedOperationException.class, () -> c.stopStrings().add("z"));
    assertTrue(c.isStopToken(8));
    assertFalse(c.isStopToken(99));
  }

  @Test
  void beamSearchIsAcceptedWithTemperatureZero() {
    GenerationConfig c =
        GenerationConfig.builder().temperature(0).numBeams(4).numReturnSequences(4).build();
    assertEquals(4, c.numBeams());
    assertFalse(c.doSample());
  }

  @Test
  void samplingMayReturnSeveralSequencesWithoutBeams() {
    assertEquals(3, GenerationConfig.builder().numReturnSequences(3).build().numReturnSequences());
  }

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        bad("maxNewTokens", "-1", b -> b.maxNewTokens(-1)),
        bad("temperature", "-0.5", b -> b.temperature(-0.5)),
        bad("temperature", "NaN", b -> b.temperature(Double.NaN)),
        bad("temperature", "Infinity", b -> b.temperature(Double.POSITIVE_INFINITY)),
        bad("topK", "-1", b -> b.topK(-1)),
        bad("topP", "0.0", b -> b.topP(0)),
        bad("topP", "1.5", b -> b.topP(1.5)),
        bad("topP", "NaN", b -> b.topP(Double.NaN)),
        bad("minP", "-0.1", b -> b.minP(-0.1)),
        bad("minP", "1.1", b -> b.minP(1.1)),
        bad("minP", "NaN", b -> b.minP(Double.NaN)),
        bad("frequencyPenalty", "NaN", b -> b.frequencyPenalty(Double.NaN)),
        bad("frequencyPenalty", "Infinity", b -> b.frequencyPenalty(Double.POSITIVE_INFINITY)),
        bad("presencePenalty", "NaN", b -> b.presencePenalty(Double.NaN)),
        bad("presencePenalty", "-Infinity", b -> b.presencePenalty(Double.NEGATIVE_INFINITY)),
        bad("repetitionPenalty", "0.0", b -> b.repetitionPenalty(0)),
        bad("repetitionPenalty", "-1.0", b -> b.repetitionPenalty(-1)),
        bad("repetitionPenalty", "Infinity", b -> b.repetitionPenalty(Double.POSITIVE_INFINITY)),
        bad("stopTokens", "null", b -> b.stopTokens((int[]) null)),
        bad("stopTokens", "[3, -1]", b -> b.stopTokens(3, -1)),
        bad("stopStrings", "null", b -> b.stopStrings((List<String>) null)),
        bad("stopStrings", "[\"a\", \"\"]", b -> b.stopStrings("a", "")),
        bad("stopStrings", "[null]", b -> b.stopStrings(Arrays.asList((String) null))),
        bad("numBeams", "0", b -> b.numBeams(0)),
        bad("lengthPenalty", "NaN", b -> b.lengthPenalty(Double.NaN)),
        bad("noRepeatNgramSize", "-2", b -> b.noRepeatNgramSize(-2)),
        bad("earlyStopping", "null", b -> b.earlyStopping(null)),
        bad("numReturnSequences", "0", b -> b.numReturnSequences(0)),
        bad("numReturnSequences", "5", b -> b.temperature(0).numBeams(4).numReturnSequences(5)),
        bad("numReturnSequences", "2", b -> b.temperature(0).numReturnSequences(2)));
  }

  private static Arguments bad(String field, String value, UnaryOperator<Builder> edit) {
    return Arguments.of(field, value, edit);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("invalidSettings")
  void invalidSettingIsRefusedNamingFieldAndValue(
      String field, String value, UnaryOperator<Builder> edit) {
    Builder b = edit.apply(GenerationConfig.builder());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
    assertTrue(e.getMessage().contains(field), e.getMessage());
    assertTrue(e.getMessage().contains("got " + value), e.getMessage());
  }

  @Test
  void beamSamplingIsRefusedWithClearError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GenerationConfig.builder().numBeams(3).temperature(0.7).build());
    assertTrue(e.getMessage().contains("numBeams 3"), e.getMessage());
    assertTrue(e.getMessage().contains("temperature 0.7"), e.getMessage());
    assertTrue(e.getMessage().contains("beam sampling"), e.getMessage());
    assertTrue(e.getMessage().contains("not supported"), e.getMessage());
  }
}
