package dev.residual.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

  /** Example i is the tensor [i, 10 i] (FLOAT64). */
  private static final class RowDataset implements Dataset<Tensor> {
    private final int n;

    RowDataset(int n) {
      this.n = n;
    }

    @Override
    public int size() {
      return n;
    }

    @Override
    public Tensor get(int index) {
      Dataset.checkIndex("RowDataset.get", index, n);
      return Tensor.of(new double[] {index, 10 * index});
    }
  }

  private record Example(Tensor x, Tensor y) {}

  private record ScalarExample(Tensor x, int label) {}

  private static <T> Dataset<T> listDataset(List<T> items) {
    return new Dataset<>() {
      @Override
      public int size() {
        return items.size();
      }

      @Override
      public T get(int index) {
        return items.get(Dataset.checkIndex("list", index, items.size()));
      }
    };
  }

  /** Features [n, 3] with row i = [i, i + 0.5, -i] and labels [n] = i (INT64). */
  private static TensorDataset indexed(int n) {
    double[] f = new double[n * 3];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      f[3 * i] = i;
      f[3 * i + 1] = i + 0.5;
      f[3 * i + 2] = -i;
      y[i] = i;
    }
    return new TensorDataset(Tensor.of(f, n, 3), Tensor.of(y));
  }

  private static List<Long> labelsOfEpoch(DataLoader<List<Tensor>> loader) {
    List<Long> seen = new ArrayList<>();
    for (List<Tensor> batch : loader) {
      for (long v : batch.get(1).toLongArray()) {
        seen.add(v);
      }
    }
    return seen;
  }

  private static void assertMessage(Class<? extends Throwable> type, Runnable r, String... parts) {
    Throwable e = assertThrows(type, r::run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' lacks '" + p + "'");
    }
  }

  @Test
  void batchesHaveBatchSizeRowsAndKeepASmallerLastBatch() {
    DataLoader<List<Tensor>> loader = DataLoader.of(indexed(10), 4);
    assertEquals(3, loader.numBatches());
    List<long[]> shapes = new ArrayList<>();
    List<Long> labels = new ArrayList<>();
    for (List<Tensor> batch : loader) {
      assertEquals(2, batch.size());
      shapes.add(batch.get(0).shape());
      assertEquals(batch.get(0).size(0), batch.get(1).size(0));
      assertEquals(DType.INT64, batch.get(1).dtype());
      for (long v : batch.get(1).toLongArray()) {
        labels.add(v);
      }
    }
    assertArrayEquals(new long[] {4, 3}, shapes.get(0));
    assertArrayEquals(new long[] {4, 3}, shapes.get(1));
    assertArrayEquals(new long[] {2, 3}, shapes.get(2));
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), labels);
  }

  @Test
  void dropLastDiscardsTheIncompleteBatch() {
    DataLoader<List<Tensor>> loader =
        DataLoader.builder(indexed(10)).batchSize(4).dropLast(true).build();
    assertEquals(2, loader.numBatches());
    int count = 0;
    for (List<Tensor> batch : loader) {
      assertArrayEquals(new long[] {4, 3}, batch.get(0).shape());
      count++;
    }
    assertEquals(2, count);
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), labelsOfEpoch(loader));
  }

  @Test
  void dropLastKeepsEveryBatchWhenSizeDivides() {
    DataLoader<List<Tensor>> keep = DataLoader.builder(indexed(8)).batchSize(4).build();
    DataLoader<List<Tensor>> drop =
        DataLoader.builder(indexed(8)).batchSize(4).dropLast(true).build();
    assertEquals(2, keep.numBatches());
    assertEquals(2, drop.numBatches());
    assertEquals(labelsOfEpoch(keep), labelsOfEpoch(drop));
  }

  @Test
  void batchLargerThanDatasetGivesOneBatchOrNoneWithDropLast() {
    assertEquals(1, DataLoader.of(indexed(3), 5).numBatches());
    DataLoader<List<Tensor>> drop =
        DataLoader.builder(indexed(3)).batchSize(5).dropLast(true).build();
    assertEquals(0, drop.numBatches());
    assertFalse(drop.iterator().hasNext());
  }

  @Test
  void tensorDatasetBatchValuesMatchTheRowsPicked() {
    DataLoader<List<Tensor>> loader =
        DataLoader.builder(indexed(7)).batchSize(3).shuffle(new Generator(5)).build();
    for (List<Tensor> batch : loader) {
      long[] labels = batch.get(1).toLongArray();
      double[] feats = batch.get(0).toDoubleArray();
      for (int r = 0; r < labels.length; r++) {
        assertEquals(labels[r], feats[3 * r], 0.0);
        assertEquals(labels[r] + 0.5, feats[3 * r + 1], 0.0);
        assertEquals(-labels[r], feats[3 * r + 2], 0.0);
      }
    }
  }

  @Test
  void fastTensorDatasetPathEqualsCollatingRowsOneByOne() {
    TensorDataset ds = indexed(9);
    DataLoader<List<Tensor>> fast =
        DataLoader.builder(ds).batchSize(4).shuffle(new Generator(11)).build();
    DataLoader<List<Tensor>> slow =
        DataLoader.builder(ds)
            .batchSize(4)
            .shuffle(new Generator(11))
            .collate(Collate::collate)
            .build();
    Iterator<List<Tensor>> a = fast.iterator();
    Iterator<List<Tensor>> b = slow.iterator();
    while (a.hasNext()) {
      List<Tensor> x = a.next();
      List<Tensor> y = b.next();
      for (int k = 0; k < 2; k++) {
        assertArrayEquals(y.get(k).shape(), x.get(k).shape());
        assertEquals(y.get(k).dtype(), x.get(k).dtype());
        assertArrayEquals(y.get(k).toDoubleArray(), x.get(k).toDoubleArray(), 0.0);
      }
    }
    assertFalse(b.hasNext());
  }

  @Test
  void shuffleIsReproducibleBySeedAndDiffersAcrossSeeds() {
    List<Long> a =
        labelsOfEpoch(
            DataLoader.builder(indexed(50)).batchSize(8).shuffle(new Generator(42)).build());
    List<Long> b =
        labelsOfEpoch(
            DataLoader.builder(indexed(50)).batchSize(8).shuffle(new Generator(42)).build());
    List<Long> c =
        labelsOfEpoch(
            DataLoader.builder(indexed(50)).batchSize(8).shuffle(new Generator(43)).build());
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  @Test
  void eachEpochIsAFreshPermutation() {
    DataLoader<List<Tensor>> loader =
        DataLoader.builder(indexed(40)).batchSize(6).shuffle(new Generator(7)).build();
    List<Long> identity = new ArrayList<>();
    for (long i = 0; i < 40; i++) {
      identity.add(i);
    }
    List<List<Long>> epochs = new ArrayList<>();
    for (int e = 0; e < 3; e++) {
      List<Long> seen = labelsOfEpoch(loader);
      List<Long> sorted = new ArrayList<>(seen);
      sorted.sort(null);
      assertEquals(identity, sorted, "epoch " + e + " is not a permutation");
      assertNotEquals(identity, seen, "epoch " + e + " was not shuffled");
      epochs.add(seen);
    }
    assertNotEquals(epochs.get(0), epochs.get(1));
    assertNotEquals(epochs.get(1), epochs.get(2));
  }

  @Test
  void shuffleFollowsFisherYatesWithGeneratorNextLong() {
    Generator g = new Generator(3);
    int[] order = {0, 1, 2, 3, 4, 5};
    for (int k = order.length - 1; k > 0; k--) {
      int j = (int) g.nextLong(k + 1);
      int t = order[k];
      order[k] = order[j];
      order[j] = t;
    }
    List<Long> expected = new ArrayList<>();
    for (int v : order) {
      expected.add((long) v);
    }
    DataLoader<List<Tensor>> loader =
        DataLoader.builder(indexed(6)).batchSize(4).shuffle(new Generator(3)).build();
    assertEquals(expected, labelsOfEpoch(loader));
  }

  @Test
  void genericDatasetStacksTensorsAlongNewDimZero() {
    DataLoader<Tensor> loader = DataLoader.of(new RowDataset(5), 2);
    List<Tensor> batches = new ArrayList<>();
    loader.forEach(batches::add);
    assertEquals(3, batches.size());
    assertArrayEquals(new long[] {2, 2}, batches.get(0).shape());
    assertArrayEquals(new double[] {2, 20, 3, 30}, batches.get(1).toDoubleArray(), 0.0);
    assertArrayEquals(new long[] {1, 2}, batches.get(2).shape());
    assertArrayEquals(new double[] {4, 40}, batches.get(2).toDoubleArray(), 0.0);
  }

  @Test
  void recordsAreCollatedFieldWise() {
    List<Example> items = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      items.add(new Example(Tensor.of(new double[] {i, i}), Tensor.scalar(i, DType.INT64)));
    }
    Example batch = DataLoader.of(listDataset(items), 3).iterator().next();
    assertArrayEquals(new long[] {3, 2}, batch.x().shape());
    assertArrayEquals(new long[] {3}, batch.y().shape());
    assertArrayEquals(new long[] {0, 1, 2}, batch.y().toLongArray());
  }

  @Test
  void listsAndMapsCollateScalarsIntoTensors() {
    List<List<Object>> items =
        List.of(
            List.of(Tensor.zeros(DType.FLOAT64, 2), 3, 1.5, true),
            List.of(Tensor.ones(DType.FLOAT64, 2), 4, 2.5, false));
    List<Object> batch = DataLoader.of(listDataset(items), 2).iterator().next();
    assertArrayEquals(new long[] {2, 2}, ((Tensor) batch.get(0)).shape());
    assertEquals(DType.INT64, ((Tensor) batch.get(1)).dtype());
    assertArrayEquals(new long[] {3, 4}, ((Tensor) batch.get(1)).toLongArray());
    assertEquals(DType.FLOAT64, ((Tensor) batch.get(2)).dtype());
    assertArrayEquals(new double[] {1.5, 2.5}, ((Tensor) batch.get(2)).toDoubleArray(), 0.0);
    assertEquals(DType.BOOL, ((Tensor) batch.get(3)).dtype());

    Map<String, Object> m1 = new LinkedHashMap<>();
    m1.put("a", 1L);
    m1.put("b", Tensor.of(new double[] {1}));
    Map<String, Object> m2 = new LinkedHashMap<>();
    m2.put("a", 2L);
    m2.put("b", Tensor.of(new double[] {2}));
    Map<String, Object> mb = Collate.collate(List.of(m1, m2));
    assertEquals(List.of("a", "b"), new ArrayList<>(mb.keySet()));
    assertArrayEquals(new long[] {1, 2}, ((Tensor) mb.get("a")).toLongArray());
    assertArrayEquals(new long[] {2, 1}, ((Tensor) mb.get("b")).shape());
  }

  @Test
  void customCollateReceivesExamplesInBatchOrder() {
    DataLoader<String> loader =
        DataLoader.builder(new RowDataset(5))
            .batchSize(2)
            .collate(
                items -> {
                  StringBuilder sb = new StringBuilder();
                  for (Tensor t : items) {
                    sb.append((long) t.get(0)).append(',');
                  }
                  return sb.toString();
                })
            .build();
    List<String> out = new ArrayList<>();
    loader.forEach(out::add);
    assertEquals(List.of("0,1,", "2,3,", "4,"), out);
  }

  @Test
  void scalarsCollateIntoOneDimensionalTensors() {
    assertArrayEquals(new long[] {7, 8}, Collate.scalars(List.of(7, 8)).toLongArray());
    assertEquals(DType.FLOAT64, Collate.scalars(List.of(1.0, 2.0)).dtype());
  }

  @Test
  void collateRejectsWhatItCannotBatch() {
    assertMessage(IllegalArgumentException.class, () -> Collate.collate(List.of()), "empty");
    assertMessage(IllegalArgumentException.class, () -> Collate.collate(List.of(1, 2)), "scalars");
    assertMessage(
        IllegalArgumentException.class, () -> Collate.scalars(List.of("a")), "expected scalars");
    assertMessage(
        IllegalArgumentException.class,
        () -> Collate.collate(List.<Object>of(Tensor.zeros(2), 1.0f)),
        "differ in type");
    assertMessage(
        IllegalArgumentException.class,
        () -> Collate.collate(List.of(List.of(1), List.of(1, 2))),
        "differ in length");
    assertMessage(
        IllegalArgumentException.class,
        () -> Collate.collate(List.of(Map.of("a", 1), Map.of("b", 1))),
        "differ in keys");
    assertMessage(
        IllegalArgumentException.class, () -> Collate.collate(List.of("a", "b")), "String");
    assertMessage(
        IllegalArgumentException.class,
        () ->
            Collate.collate(
                List.of(
                    new ScalarExample(Tensor.zeros(1), 1), new ScalarExample(Tensor.zeros(1), 2))),
        "label",
        "int");
    assertThrows(
        IllegalArgumentException.class,
        () -> Collate.collate(List.of(Tensor.zeros(2), Tensor.zeros(3))));
  }

  @Test
  void tensorDatasetGetReturnsRowSlices() {
    TensorDataset ds = indexed(4);
    assertEquals(4, ds.size());
    List<Tensor> row = ds.get(2);
    assertArrayEquals(new double[] {2, 2.5, -2}, row.get(0).toDoubleArray(), 0.0);
    assertArrayEquals(new long[0], row.get(1).shape());
    assertEquals(2L, (long) row.get(1).item());
  }

  @Test
  void tensorDatasetRejectsMismatchedDimZeroSizes() {
    assertMessage(
        IllegalArgumentException.class,
        () -> new TensorDataset(Tensor.zeros(5, 3), Tensor.zeros(DType.INT64, 4)),
        "dim 0",
        "[5, 3]",
        "[4]");
    assertMessage(IllegalArgumentException.class, TensorDataset::new, "at least one");
    assertMessage(
        IllegalArgumentException.class, () -> new TensorDataset(Tensor.scalar(1.0)), "dim 0");
  }

  @Test
  void outOfRangeIndicesThrowIndexOutOfBoundsWithSize() {
    TensorDataset ds = indexed(4);
    assertMessage(IndexOutOfBoundsException.class, () -> ds.get(4), "index 4", "size 4");
    assertMessage(IndexOutOfBoundsException.class, () -> ds.get(-1), "index -1");
    assertMessage(IndexOutOfBoundsException.class, () -> ds.rows(new int[] {0, 9}), "index 9");
  }

  @Test
  void loaderRejectsNonPositiveBatchSizeAndIteratesNoFurtherThanAnEpoch() {
    assertMessage(
        IllegalArgumentException.class,
        () -> DataLoader.builder(indexed(3)).batchSize(0),
        "batchSize",
        "0");
    Iterator<List<Tensor>> it = DataLoader.of(indexed(3), 2).iterator();
    it.next();
    it.next();
    assertFalse(it.hasNext());
    assertThrows(NoSuchElementException.class, it::next);
  }

  @Test
  void loaderReportsItsConfiguration() {
    DataLoader<List<Tensor>> loader =
        DataLoader.builder(indexed(3))
            .batchSize(2)
            .shuffle(new Generator(1))
            .dropLast(true)
            .build();
    assertEquals(2, loader.batchSize());
    assertTrue(loader.dropLast());
    assertTrue(loader.shuffles());
    assertEquals(3, loader.dataset().size());
    assertFalse(DataLoader.of(indexed(3), 1).shuffles());
    assertEquals(Arrays.asList(0L, 1L, 2L), labelsOfEpoch(DataLoader.of(indexed(3), 1)));
  }
}
