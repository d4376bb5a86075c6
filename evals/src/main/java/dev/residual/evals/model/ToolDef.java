package dev.residual.evals.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A function the model may call.
 *
 * @param name the function's name
 * @param description what it does (shown to the model)
 * @param parameters a JSON Schema object describing its arguments
 */
public record ToolDef(String name, String description, JsonNode parameters) {
  public ToolDef {
    Objects.requireNonNull(name, "ToolDef: name");
    Objects.requireNonNull(parameters, "ToolDef: parameters");
    description = description == null ? "" : description;
  }
}
