package dev.residual.track.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.track.wandb.WandbSettings.Mode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WandbSettingsTest {

  @Test
  void fromEnvironmentReadsEveryVariable() {
    WandbSettings s =
        WandbSettings.fromEnvironment(
            Map.of(
                "WANDB_API_KEY", "k123",
                "WANDB_BASE_URL", "http://localhost:8080/",
                "WANDB_ENTITY", "team",
                "WANDB_PROJECT", "proj",
                "WANDB_MODE", "OFFLINE"),
            "fallback");
    assertEquals("k123", s.apiKey());
    assertEquals("http://localhost:8080", s.baseUrl());
    assertEquals("team", s.entity());
    assertEquals("proj", s.project());
    assertEquals(Mode.OFFLINE, s.mode());
  }

  @Test
  void defaultsArePublicServerDefaultProjectAndOnlineWithAKey() {
    WandbSettings s = WandbSettings.fromEnvironment(Map.of("WANDB_API_KEY", "k"), "demo");
    assertEquals("https://api.wandb.ai", s.baseUrl());
    assertEquals("demo", s.project());
    assertNull(s.entity());
    assertEquals(Mode.ONLINE, s.mode());
  }

  @Test
  void withoutAKeyOrModeTheSinkIsDisabled() {
    assertEquals(Mode.DISABLED, WandbSettings.fromEnvironment(Map.of(), "demo").mode());
  }

  @Test
  void dryrunMeansOfflineAndDisabledIsAccepted() {
    assertEquals(
        Mode.OFFLINE, WandbSettings.fromEnvironment(Map.of("WANDB_MODE", "dryrun"), "p").mode());
    assertEquals(
        Mode.DISABLED,
        WandbSettings.fromEnvironment(Map.of("WANDB_MODE", "disabled", "WANDB_API_KEY", "k"), "p")
            .mode());
  }

  @Test
  void badModeIsRejectedNamingTheValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WandbSettings.fromEnvironment(Map.of("WANDB_MODE", "sometimes"), "p"));
    assertTrue(e.getMessage().contains("WANDB_MODE='sometimes'"), e.getMessage());
    assertTrue(e.getMessage().contains("online, offline, disabled"), e.getMessage());
  }

  @Test
  void onlineWithoutKeyIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WandbSettings.fromEnvironment(Map.of("WANDB_MODE", "online"), "p"));
    assertTrue(e.getMessage().contains("WANDB_API_KEY"), e.getMessage());
  }

  @Test
  void blankProjectIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new WandbSettings("k", "https://api.wandb.ai", null, " ", Mode.ONLINE));
  }

  @Test
  void toStringNeverShowsTheKey() {
    WandbSettings s = new WandbSettings("secret-key", "https://x", null, "p", Mode.ONLINE);
    assertFalse(s.toString().contains("secret-key"), s.toString());
  }
}
