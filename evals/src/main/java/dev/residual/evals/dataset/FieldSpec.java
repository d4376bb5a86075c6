package dev.residual.evals.dataset;

import java.util.List;
import java.util.Objects;

/**
 * Which fields of a record make up a {@link dev.residual.evals.Sample} (inspect's {@code
 * FieldSpec}).
 *
 * <ul>
 *   <li>{@code input}: a string (one user message) or, in JSON, a list of {@code {"role": ...,
 *       "content": ...}} objects (system, user or assistant).
 *   <li>{@code target}: a string, a number, or a JSON list of them (several acceptable answers);
 *       null for none.
 *   <li>{@code choices}: one field holding a JSON list, or several fields each holding one option
 *       (CSV columns {@code A,B,C,D}, say); missing, null and empty options are skipped.
 *   <li>{@code id}: the id field, or null to number records from 1.
 *   <li>{@code metadata}: fields copied into the sample's metadata under their own names.
 * </ul>
 *
 * @param input the input field; required
 * @param target the target field, or null
 * @param choices the choice field(s), empty for none
 * @param id the id field, or null
 * @param metadata the metadata fields, empty for none
 */
public record FieldSpec(
    String input, String target, List<String> choices, String id, List<String> metadata) {
  /**
   * Validates and copies the lists (null lists become empty).
   *
   * @throws NullPointerException if {@code input} is null
   */
  public FieldSpec {
    Objects.requireNonNull(input, "FieldSpec: input");
    choices = choices == null ? List.of() : List.copyOf(choices);
    metadata = metadata == null ? List.of() : List.copyOf(metadata);
  }

  /** Input and target fields only; ids are record numbers. */
  public static FieldSpec of(String input, String target) {
    return new FieldSpec(input, target, List.of(), null, List.of());
  }

  /** This spec with {@code fields} as the choices. */
  public FieldSpec withChoices(String... fields) {
    return new FieldSpec(input, target, List.of(fields), id, metadata);
  }

  /** This spec with {@code field} as the id. */
  public FieldSpec withId(String field) {
    return new FieldSpec(input, target, choices, field, metadata);
  }

  /** This spec with {@code fields} copied into metadata. */
  public FieldSpec withMetadata(String... fields) {
    return new FieldSpec(input, target, choices, id, List.of(fields));
  }
}
