package dev.residual.evals.datagen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.residual.evals.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSONL file of a generated dataset: one {@link McQuestion} per line, as a JSON object with the
 * fields {@code system} (string), {@code question} (string), {@code answers} (object, letter to
 * text), {@code answer_matching_behavior} (array of letters), {@code answer_not_matching_behavior}
 * (array of letters) and {@code behavior_category} (string). A generic JSONL reader maps them to a
 * {@link Sample} as {@link McQuestion#toSample(String)} does: input from {@code system} and {@code
 * question}, choices from the {@code answers} values in letter order, targets from {@code
 * answer_matching_behavior}, metadata {@code behavior_category}.
 */
public final class QuestionDataset {
  private static final ObjectMapper JSON = new ObjectMapper();

  private QuestionDataset() {}

  /**
   * Writes {@code questions} to {@code path}, one per line, atomically: to a temporary file in the
   * same folder, then moved over {@code path}, so a reader never sees half a file.
   *
   * @throws IllegalArgumentException when a question is invalid (naming its index)
   * @throws UncheckedIOException when writing fails
   */
  public static void write(Path path, List<McQuestion> questions) {
    for (int i = 0; i < questions.size(); i++) {
      List<String> errors = questions.get(i).validationErrors();
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException(
            "QuestionDataset.write: question " + i + " is invalid: " + String.join("; ", errors));
      }
    }
    Path abs = path.toAbsolutePath();
    Path dir = abs.getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
      try {
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          for (McQuestion q : questions) {
            w.write(JSON.writeValueAsString(q));
            w.write('\n');
          }
        }
        try {
          Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("QuestionDataset.write: cannot write " + path, e);
    }
  }

  /**
   * Reads a file written by {@link #write} (blank lines are skipped).
   *
   * @throws IllegalArgumentException naming the line when a line is not a valid question
   * @throws UncheckedIOException when reading fails
   */
  public static List<McQuestion> read(Path path) {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("QuestionDataset.read: cannot read " + path, e);
    }
    List<McQuestion> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      McQuestion q;
      try {
        q = JSON.readValue(line, McQuestion.class);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(
            "QuestionDataset.read: " + path + " line " + (i + 1) + ": " + e.getOriginalMessage());
      }
      List<String> errors = q.validationErrors();
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException(
            "QuestionDataset.read: "
                + path
                + " line "
                + (i + 1)
                + ": "
                + String.join("; ", errors));
      }
      out.add(q);
    }
    return List.copyOf(out);
  }

  /**
   * The questions as samples with ids {@code prefix + index} (index from 0), answers listed in the
   * user message (see {@link McQuestion#toSample(String, boolean)}).
   *
   * @throws IllegalArgumentException when a question is invalid
   */
  public static List<Sample> toSamples(List<McQuestion> questions, String prefix) {
    List<Sample> out = new ArrayList<>(questions.size());
    for (int i = 0; i < questions.size(); i++) {
      out.add(questions.get(i).toSample(prefix + i));
    }
    return List.copyOf(out);
  }
}
