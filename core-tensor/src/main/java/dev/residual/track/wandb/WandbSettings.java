package dev.residual.track.wandb;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where and whether a run is sent to Weights & Biases.
 *
 * @param apiKey the API key (HTTP Basic password, user {@code api}); null only when {@code mode} is
 *     not {@link Mode#ONLINE}
 * @param baseUrl the server, e.g. {@code https://api.wandb.ai} (no trailing slash)
 * @param entity the user or team that owns the project, or null for the API key's default entity
 * @param project the project name
 * @param mode whether to talk to the server at all
 */
public record WandbSettings(
    String apiKey, String baseUrl, String entity, String project, Mode mode) {

  /** The public W&B server, used when {@code WANDB_BASE_URL} is not set. */
  public static final String DEFAULT_BASE_URL = "https://api.wandb.ai";

  /** Whether runs go to the server. */
  public enum Mode {
    /** Stream the run to the server while it trains. */
    ONLINE,
    /** Send nothing now; the local run directory can be uploaded later with {@link WandbSync}. */
    OFFLINE,
    /** Send nothing, ever. */
    DISABLED
  }

  /**
   * Checks the settings and strips a trailing slash from {@code baseUrl}.
   *
   * @throws IllegalArgumentException if mode, baseUrl or project is missing, or the mode is ONLINE
   *     without an API key
   */
  public WandbSettings {
    Objects.requireNonNull(mode, "wandb: mode must not be null");
    if (baseUrl == null || baseUrl.isBlank()) {
      throw new IllegalArgumentException("wandb: baseUrl must not be blank");
    }
    while (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    if (project == null || project.isBlank()) {
      throw new IllegalArgumentException("wandb: project must not be blank");
    }
    if (mode == Mode.ONLINE && (apiKey == null || apiKey.isBlank())) {
      throw new IllegalArgumentException(
          "wandb: mode is online but no API key is set (set WANDB_API_KEY)");
    }
    if (entity != null && entity.isBlank()) {
      entity = null;
    }
  }

  /**
   * Reads the settings the way the official client does: {@code WANDB_API_KEY}, {@code
   * WANDB_BASE_URL}, {@code WANDB_ENTITY}, {@code WANDB_PROJECT} and {@code WANDB_MODE} ({@code
   * online}, {@code offline} (also {@code dryrun}) or {@code disabled}, any case). Without {@code
   * WANDB_MODE} the mode is ONLINE when an API key is set and DISABLED otherwise.
   *
   * @param env the environment, usually {@code System.getenv()}
   * @param defaultProject the project when {@code WANDB_PROJECT} is not set
   * @return the settings
   * @throws IllegalArgumentException if {@code WANDB_MODE} is not one of the modes above, or it is
   *     {@code online} while {@code WANDB_API_KEY} is not set
   */
  public static WandbSettings fromEnvironment(Map<String, String> env, String defaultProject) {
    String apiKey = blankToNull(env.get("WANDB_API_KEY"));
    String baseUrl = blankToNull(env.get("WANDB_BASE_URL"));
    String entity = blankToNull(env.get("WANDB_ENTITY"));
    String project = blankToNull(env.get("WANDB_PROJECT"));
    String modeText = blankToNull(env.get("WANDB_MODE"));
    Mode mode;
    if (modeText == null) {
      mode = apiKey == null ? Mode.DISABLED : Mode.ONLINE;
    } else {
      mode =
          switch (modeText.trim().toLowerCase(Locale.ROOT)) {
            case "online", "run" -> Mode.ONLINE;
            case "offline", "dryrun" -> Mode.OFFLINE;
            case "disabled" -> Mode.DISABLED;
            default ->
                throw new IllegalArgumentException(
                    "wandb: WANDB_MODE='" + modeText + "' is not one of online, offline, disabled");
          };
    }
    return new WandbSettings(
        apiKey,
        baseUrl == null ? DEFAULT_BASE_URL : baseUrl,
        entity,
        project == null ? defaultProject : project,
        mode);
  }

  /** Same settings with another mode. */
  public WandbSettings withMode(Mode newMode) {
    return new WandbSettings(apiKey, baseUrl, entity, project, newMode);
  }

  /** Hides the API key, which must never reach a log. */
  @Override
  public String toString() {
    return "WandbSettings[baseUrl="
        + baseUrl
        + ", entity="
        + entity
        + ", project="
        + project
        + ", mode="
        + mode
        + ", apiKey="
        + (apiKey == null ? "unset" : "***")
        + "]";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
