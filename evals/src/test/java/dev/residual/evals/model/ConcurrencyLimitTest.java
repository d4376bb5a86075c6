package dev.residual.evals.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {
  @Test
  void inFlightRequestsNeverExceedTheModelsLimit() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxSeen = new AtomicInteger();
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
              int now = inFlight.incrementAndGet();
              maxSeen.accumulateAndGet(now, Math::max);
              Thread.sleep(40);
              inFlight.decrementAndGet();
              return MockServers.json(200, OpenAiChatModelTest.TEXT_REPLY);
            }
          });
      server.start();
      HttpSettings s =
          MockServers.settings(server.url("/v1").toString(), new MockServers.RecordingSleeper(), 1)
              .withMaxConcurrent(3);
      OpenAiChatModel m = new OpenAiChatModel("gpt-4o-mini", s);
      ExecutorService pool = Executors.newFixedThreadPool(10);
      try {
        List<Future<ModelOutput>> fs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          fs.add(pool.submit(() -> m.generate(List.of(ChatMessage.user("q")), null)));
        }
        for (Future<ModelOutput> f : fs) {
          assertEquals("Paris.", f.get().text());
        }
      } finally {
        pool.shutdownNow();
      }
      assertTrue(maxSeen.get() <= 3, "max in flight " + maxSeen.get());
      assertTrue(maxSeen.get() >= 2, "expected some concurrency, saw " + maxSeen.get());
      assertEquals(12, m.usage().calls());
      assertEquals(12 * 19, m.usage().inputTokens());
    }
  }
}
