package dev.residual.diffusion.eval;

import dev.residual.diffusion.data.MnistImages;
import dev.residual.tensor.DType;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Judges generated MNIST digits with a clean {@link MnistClassifier} (our stand-in for an Inception
 * network, which does not exist here): the fraction classified as the requested class, the class
 * histogram, and "FID-MNIST", the {@link FrechetDistance} between the classifier's penultimate
 * features of the samples and of the test set. Its {@link #floor()} is the same distance between
 * the test and training sets, the value a perfect generator would approach.
 *
 * <p>Samples must be {@code [N, 1, H, W]} in {@code [−1, 1]}. Samples of a different size than the
 * reference images are centred to it: cropped if larger (32x32 samples of a padded model are judged
 * on their central 28x28), padded with the background {@code −1} if smaller. All classification is
 * batched and runs under {@link Tensor#noGrad()}.
 */
public final class MnistJudge {
  private static final int BATCH = 250;

  private final MnistClassifier classifier;
  private final long height;
  private final long width;
  private final FrechetDistance.Stats testStats;
  private final Tensor trainImages;
  private double floor = Double.NaN;

  /**
   * A judge whose reference is {@code testImages}.
   *
   * @param classifier a clean (not time-conditioned) classifier; put in eval mode
   * @param testImages reference images {@code [M, 1, H, W]}, {@code M >= 2}
   * @param trainImages images {@code [K, 1, H', W']} for {@link #floor()}, or null
   * @throws IllegalArgumentException if the classifier is time-conditioned or the images are not
   *     {@code [M, 1, H, W]} with {@code M >= 2}
   */
  public MnistJudge(MnistClassifier classifier, Tensor testImages, Tensor trainImages) {
    if (classifier.isTimeConditioned()) {
      throw new IllegalArgumentException(
          "MnistJudge: the judge must be a clean classifier, not a time-conditioned one");
    }
    checkImages("MnistJudge", testImages);
    if (testImages.size(0) < 2) {
      throw new IllegalArgumentException(
          "MnistJudge: need at least 2 reference images, got "
              + Arrays.toString(testImages.shape()));
    }
    if (trainImages != null) {
      checkImages("MnistJudge (train images)", trainImages);
    }
    this.classifier = classifier;
    this.height = testImages.size(2);
    this.width = testImages.size(3);
    this.trainImages = trainImages;
    classifier.eval();
    this.testStats = FrechetDistance.stats(features(testImages));
  }

  /** A judge without training images ({@link #floor()} unavailable). */
  public MnistJudge(MnistClassifier classifier, Tensor testImages) {
    this(classifier, testImages, null);
  }

  /**
   * Loads a classifier saved by {@link MnistClassifier#save} and the MNIST splits of {@code
   * dataDir} (at 28x28) as the reference.
   *
   * @throws IOException if the classifier or the data cannot be read
   * @throws IllegalArgumentException as the constructor
   */
  public static MnistJudge load(Path classifierFile, Path dataDir) throws IOException {
    MnistClassifier c = MnistClassifier.load(classifierFile);
    MnistImages.Split test = MnistImages.load(dataDir, false, false);
    MnistImages.Split train = MnistImages.load(dataDir, true, false);
    return new MnistJudge(c, test.images(), train.images());
  }

  /** The classifier. */
  public MnistClassifier classifier() {
    return classifier;
  }

  /** The feature statistics of the reference (test) images. */
  public FrechetDistance.Stats testStats() {
    return testStats;
  }

  /**
   * Predicted classes of {@code samples [N, 1, H, W]}.
   *
   * @return {@code N} labels in {@code [0, 10)}
   * @throws IllegalArgumentException if {@code samples} is not {@code [N, 1, H, W]}
   */
  public long[] predict(Tensor samples) {
    checkImages("MnistJudge.predict", samples);
    Tensor fitted = fit(samples);
    long n = fitted.size(0);
    long[] out = new long[(int) n];
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (long b = 0; b < n; b += BATCH) {
        long len = Math.min(BATCH, n - b);
        try (MemoryScope scope = MemoryScope.open()) {
          long[] p =
              classifier.logits(fitted.narrow(0, b, len), null).argmax(1, false).toLongArray();
          System.arraycopy(p, 0, out, (int) b, p.length);
        }
      }
    }
    return out;
  }

  /**
   * The fraction of samples classified as the class they were requested to be.
   *
   * @param samples {@code [N, 1, H, W]}
   * @param requestedLabels integer {@code [N]}
   * @throws IllegalArgumentException if the shapes do not fit
   */
  public double requestedClassAccuracy(Tensor samples, Tensor requestedLabels) {
    checkImages("MnistJudge.requestedClassAccuracy", samples);
    if (requestedLabels.dim() != 1 || requestedLabels.size(0) != samples.size(0)) {
      throw new IllegalArgumentException(
          "MnistJudge.requestedClassAccuracy: expected labels ["
              + samples.size(0)
              + "] for samples "
              + Arrays.toString(samples.shape())
              + ", got "
              + Arrays.toString(requestedLabels.shape()));
    }
    long[] pred = predict(samples);
    long[] want = requestedLabels.toLongArray();
    long hit = 0;
    for (int i = 0; i < pred.length; i++) {
      if (pred[i] == want[i]) {
        hit++;
      }
    }
    return hit / (double) pred.length;
  }

  /**
   * How many samples are classified as each digit.
   *
   * @return {@code int[10]}, summing to {@code N}
   * @throws IllegalArgumentException if {@code samples} is not {@code [N, 1, H, W]}
   */
  public int[] classHistogram(Tensor samples) {
    int[] hist = new int[MnistClassifier.CLASSES];
    for (long p : predict(samples)) {
      hist[(int) p]++;
    }
    return hist;
  }

  /**
   * FID-MNIST: the Fréchet distance between the penultimate features of {@code samples} and of the
   * test set (the issue asks for 1,000 samples).
   *
   * @throws IllegalArgumentException if {@code samples} is not {@code [N, 1, H, W]} with {@code N
   *     >= 2}
   */
  public double fid(Tensor samples) {
    checkImages("MnistJudge.fid", samples);
    return FrechetDistance.distance(FrechetDistance.stats(features(samples)), testStats);
  }

  /**
   * The FID-MNIST floor: the Fréchet distance between the training set's features and the test
   * set's (computed once, then cached).
   *
   * @throws IllegalStateException if the judge was built without training images
   */
  public double floor() {
    if (trainImages == null) {
      throw new IllegalStateException(
          "MnistJudge.floor: no training images were given to this judge");
    }
    if (Double.isNaN(floor)) {
      floor = fid(trainImages);
    }
    return floor;
  }

  /**
   * Penultimate features {@code [N, F]} of {@code images [N, 1, H, W]} (centred to the reference
   * size), batched under {@link Tensor#noGrad()}.
   *
   * @throws IllegalArgumentException if {@code images} is not {@code [N, 1, H, W]}
   */
  public Tensor features(Tensor images) {
    checkImages("MnistJudge.features", images);
    Tensor fitted = fit(images);
    long n = fitted.size(0);
    int f = classifier.config().features();
    double[] out = new double[(int) (n * f)];
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (long b = 0; b < n; b += BATCH) {
        long len = Math.min(BATCH, n - b);
        try (MemoryScope scope = MemoryScope.open()) {
          double[] v = classifier.features(fitted.narrow(0, b, len), null).toDoubleArray();
          System.arraycopy(v, 0, out, (int) (b * f), v.length);
        }
      }
    }
    return Tensor.of(out, n, f);
  }

  private Tensor fit(Tensor images) {
    long h = images.size(2);
    long w = images.size(3);
    if (h == height && w == width) {
      return images;
    }
    Tensor x = images.detach();
    if (h > height) {
      x = x.narrow(2, (h - height) / 2, height);
    }
    if (w > width) {
      x = x.narrow(3, (w - width) / 2, width);
    }
    if (x.size(2) < height || x.size(3) < width) {
      if (height != width) {
        throw new IllegalArgumentException(
            "MnistJudge: cannot pad samples "
                + Arrays.toString(images.shape())
                + " to non-square reference size "
                + height
                + "x"
                + width);
      }
      x = MnistImages.pad(x.to(DType.FLOAT32), (int) height);
    }
    return x;
  }

  private static void checkImages(String op, Tensor images) {
    if (images == null) {
      throw new IllegalArgumentException(op + ": images must not be null");
    }
    long[] s = images.shape();
    if (s.length != 4 || s[1] != 1 || !images.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          op
              + ": expected floating-point images [N, 1, H, W], got "
              + images.dtype()
              + " "
              + Arrays.toString(s));
    }
  }
}
