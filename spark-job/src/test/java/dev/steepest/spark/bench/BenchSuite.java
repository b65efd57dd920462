package dev.steepest.spark.bench;

import dev.steepest.spark.spec.TrainingSpec;
import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Evaluation;
import dev.steepest.core.model.Model;
import dev.steepest.core.model.Standardized;
import dev.steepest.core.train.BatchPlanner;
import dev.steepest.core.train.GradientSource;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.core.train.PartitionStep;
import dev.steepest.core.train.StepPlan;
import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.train.TrainingLoop;
import dev.steepest.core.train.TrainingOptions;
import dev.steepest.core.train.TrainingResult;
import dev.steepest.core.train.Validator;
import dev.steepest.spark.SparkTestSupport;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.exec.SparkGradientSource;
import dev.steepest.spark.job.StepSources;
import dev.steepest.spark.spec.StepSpec;
import dev.steepest.spark.job.DataOptions;
import dev.steepest.spark.job.RunComponents;
import dev.steepest.spark.job.SparkSessions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.mllib.optimization.GradientDescent;
import org.apache.spark.mllib.optimization.LogisticGradient;
import org.apache.spark.mllib.optimization.SimpleUpdater;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Issue 6's benchmark suite: ours against an anchor, side by side in one JVM and one Spark session, on the same
 * cached data and master, medians over repeats, one table of ratios (ours / anchor). Not a test; run it with
 * {@code spark-job/bin/steepest-bench} (docs/BENCHMARKS.md), or in quick mode from BenchSuiteSmokeTest.
 *
 * <pre>
 *   BenchSuite [--quick] [--rows N] [--features D] [--sparse-features D] [--density F] [--only B1,B3]
 *              [--repeats R] [--master M] [--step-mode M] [--b8-steps N] [--partitions P] [--fmnist DIR]
 *              [--work DIR] [--python PATH] [--torch-script FILE]
 * </pre>
 *
 * Full mode: Fashion-MNIST (exported CSV under --fmnist) for B1, B2, B5, B6 and B8 (B8 only when named in
 * --only); synthetic dense (N x D, 10 classes) and sparse (N x sparse-features, density) for B3, B4 and B6.
 * Quick mode: tiny synthetic data for every row, one repeat, a small MLP: seconds, for the CI smoke test.
 */
public final class BenchSuite {
    /** One line of the table. ratio = ours / anchor; {@code higherIsBetter} rows (throughput) aim at ratio ≥ target. */
    record Result(String row, String what, double ours, double anchor, String unit, double target,
                  boolean higherIsBetter, String note) {
        double ratio() {
            return ours / anchor;
        }

        String verdict() {
            if (Double.isNaN(target)) return "";
            if (!Double.isFinite(ratio())) return "n/a";
            return (higherIsBetter ? ratio() >= target : ratio() <= target) ? "met" : "not met";
        }
    }

    static final class Options {
        boolean quick;
        int rows = 100_000;
        int features = 100;
        int sparseFeatures = 2_000;
        double density = 0.02;
        Set<String> only = new LinkedHashSet<>(List.of("B1", "B2", "B3", "B4", "B5", "B6", "B7"));
        /** B8: steps per run (one row per partition, then 1,024 rows a step). */
        int b8Steps = 100;
        int repeats = 3;
        String master = "local[2]";
        /** Our train.step-mode in every row: auto (the default), jobs or resident. */
        String stepMode = "auto";
        /** Partitions of every data set but B7's; 0 for Spark's default parallelism (the task slots). */
        int partitions;
        /** B3's steps at the large batch. */
        int b3Steps = 200;
        Path fmnist;
        Path work;
        String python = "/usr/bin/python3";
        Path torchScript;

        static Options parse(String[] args) {
            Options o = new Options();
            Path root = SparkTestSupport.repoRoot();
            o.fmnist = root.resolve("data/fashion-mnist");
            o.work = root.resolve("spark-job/target/bench-data");
            o.torchScript = root.resolve("spark-job/src/test/python/torch_mlp_epoch.py");
            boolean rowsSet = false;
            boolean repeatsSet = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> o.quick = true;
                    case "--rows" -> { o.rows = Integer.parseInt(args[++i]); rowsSet = true; }
                    case "--features" -> o.features = Integer.parseInt(args[++i]);
                    case "--sparse-features" -> o.sparseFeatures = Integer.parseInt(args[++i]);
                    case "--density" -> o.density = Double.parseDouble(args[++i]);
                    case "--only" -> o.only = new LinkedHashSet<>(Arrays.asList(args[++i].toUpperCase(Locale.ROOT)
                            .split(",")));
                    case "--repeats" -> { o.repeats = Integer.parseInt(args[++i]); repeatsSet = true; }
                    case "--master" -> o.master = args[++i];
                    case "--step-mode" -> o.stepMode = args[++i];
                    case "--b3-steps" -> o.b3Steps = Integer.parseInt(args[++i]);
                    case "--b8-steps" -> o.b8Steps = Integer.parseInt(args[++i]);
                    case "--partitions" -> o.partitions = Integer.parseInt(args[++i]);
                    case "--fmnist" -> o.fmnist = Paths.get(args[++i]);
                    case "--work" -> o.work = Paths.get(args[++i]);
                    case "--python" -> o.python = args[++i];
                    case "--torch-script" -> o.torchScript = Paths.get(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (o.quick) {
                if (!rowsSet) o.rows = 4_000;
                if (!repeatsSet) o.repeats = 1;
                o.features = Math.min(o.features, 20);
                o.sparseFeatures = Math.min(o.sparseFeatures, 200);
                o.density = Math.max(o.density, 0.05);
            }
            return o;
        }
    }

    private final Options opt;
    private final PrintStream log;
    /** The step modes the rows ran in, each logged once. */
    private final java.util.Set<String> stepModes = new java.util.LinkedHashSet<>();
    private final SparkSession spark;
    private final JavaSparkContext jsc;
    private final List<Result> results = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private BenchSuite(Options opt, PrintStream log, SparkSession spark) {
        this.opt = opt;
        this.log = log;
        this.spark = spark;
        this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    public static void main(String[] args) {
        run(args, System.out, System.err);
    }

    /** Runs the suite; the table goes to {@code out}, progress to {@code log}. Returns the table's text. */
    public static String run(String[] args, PrintStream out, PrintStream log) {
        Options o = Options.parse(args);
        SparkSession spark = session(o.master);
        try {
            BenchSuite suite = new BenchSuite(o, log, spark);
            suite.runAll();
            String table = suite.table();
            out.print(table);
            out.flush();
            return table;
        } finally {
            spark.stop();
        }
    }

    /**
     * The CLI's session settings (Kryo with our registrator, UI off) except {@code spark.kryo.registrationRequired}:
     * the anchors' own classes (Spark ML's aggregators, MLlib's tuples) are not registered, and their task results
     * go through Kryo. Our classes are registered either way, so our serialization cost is unchanged.
     */
    static SparkSession session(String master) {
        SparkConf conf = SparkSessions.conf(SparkTestSupport.config("data.train = x.csv\nmodel.type = linear\n"
                + "spark.master = \"" + master + "\""));
        conf.set("spark.ui.enabled", "false");
        conf.set("spark.kryo.registrationRequired", "false");
        conf.set("spark.sql.shuffle.partitions", "4");
        SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
        if (active != null) active.stop();
        return SparkSession.builder().config(conf).getOrCreate();
    }

    // ---------------------------------------------------------------- data

    /** A cached data set and its test set (may be null), with the classes it has. */
    record Data(String name, TrainingData train, TrainingData test, int numFeatures, int numClasses) {
        long[] sizes() {
            return train.partitionSizes();
        }

        JavaRDD<Block> blocks() {
            return train.blocks();
        }
    }

    private Data load(String name, String trainPath, String testPath, String modelType, String format) {
        return load(name, trainPath, testPath, modelType, format, "float64");
    }

    private Data load(String name, String trainPath, String testPath, String modelType, String format,
                      String precision) {
        long t0 = System.nanoTime();
        JobConfig cfg = SparkTestSupport.config("data.train = \"" + trainPath + "\"\nmodel.type = " + modelType
                + "\ndata.partitions = " + (opt.partitions > 0 ? opt.partitions : spark.sparkContext().defaultParallelism())
                + (format == null ? "" : "\ndata.format = " + format) + "\ndata.precision = " + precision + "\n");
        BlockLoader.Options lo = DataOptions.of(cfg, RunComponents.maxClasses(cfg));
        TrainingData train = BlockLoader.loadTraining(spark, "data.train", trainPath, lo);
        TrainingData test = testPath == null ? null
                : BlockLoader.loadHeldOut(spark, "data.test", testPath, lo, train.spec());
        double[] cls = train.spec().classes();
        Data d = new Data(name, train, test, train.spec().numFeatures(), cls == null ? 0 : cls.length);
        log.printf(Locale.ROOT, "loaded %s: %d rows x %d features, %d classes, %d partitions, %.1f MiB cached (%.1f s)%n",
                name, train.numRows(), d.numFeatures, d.numClasses, train.partitionSizes().length,
                train.cachedBytes() / 1048576.0, (System.nanoTime() - t0) / 1e9);
        return d;
    }

    /** B6 for the training rows of {@code d} loaded again as float32 blocks ({@code data.precision = float32}). */
    private void b6Float32(Data d, String modelType, String format) {
        Data f = load(d.name + ", data.precision = float32", d.train.path(), null, modelType, format, "float32");
        b6(f);
        release(f);
    }

    private Data fashionMnist() {
        Path tr = opt.fmnist.resolve("train.csv");
        Path te = opt.fmnist.resolve("test.csv");
        if (!Files.exists(tr) || !Files.exists(te)) {
            throw new IllegalStateException("Fashion-MNIST not found under " + opt.fmnist + ": export it with "
                    + "../shared/tools/fashion-mnist-export data/fashion-mnist (spark-job/bin/steepest-bench does)");
        }
        return load("Fashion-MNIST", tr.toString(), te.toString(), "softmax", null);
    }

    private Data denseSynthetic(int rows) {
        Path tr = Synthetic.dense(opt.work, rows, opt.features, 10, 1, 0);
        // test rows: the same planted model, other rows (quick mode's B1 measures time to accuracy on them)
        Path te = opt.quick ? Synthetic.dense(opt.work, Math.max(1000, rows / 10), opt.features, 10, 1, 1) : null;
        return load("synthetic dense " + rows + " x " + opt.features, tr.toString(),
                te == null ? null : te.toString(), "softmax", null);
    }

    private Data sparseSynthetic(int rows) {
        Path tr = Synthetic.sparse(opt.work, rows, opt.sparseFeatures, opt.density, 2);
        return load("synthetic sparse " + rows + " x " + opt.sparseFeatures + " (density " + opt.density + ")",
                tr.toString(), null, "logistic", "libsvm");
    }

    // ---------------------------------------------------------------- running ours

    private JobConfig cfg(String hocon) {
        return SparkTestSupport.config("data.train = x.csv\n" + hocon + "\ntrain.step-mode = " + opt.stepMode + "\n");
    }

    /**
     * Our trainer (the CLI's loop: RunComponents, StepSources as {@code train.step-mode} says, TrainingLoop) on cached
     * blocks. A validator runs its own Spark job, to which the resident tasks yield their slots (as in the CLI).
     */
    private TrainingResult trainOurs(JavaRDD<Block> blocks, long[] sizes, int d, int classes, JobConfig cfg,
                                     java.util.function.Function<Model, Validator> validator) {
        Model raw = RunComponents.create(cfg, d, classes);
        Model model = cfg.bool("model.standardize")
                ? new Standardized(raw, SparkGradientSource.featureMoments(blocks).std()) : raw;
        try (StepSources.Steps steps = StepSources.create(StepSpec.of(cfg), jsc, blocks, sizes, model, log::println)) {
            if (stepModes.add(steps.describe())) log.println(steps.describe());
            TrainingOptions options = RunComponents.options(cfg);
            if (validator != null) {
                Validator v = validator.apply(model);
                options = options.withValidation(v::evaluate, null);
            }
            return new TrainingLoop(steps.source(), model, TrainingSpec.settings(cfg), RunComponents.optimizer(cfg), List.of(),
                    options).run(RunComponents.initialParameters(cfg, model));
        }
    }

    private static final class Reached extends RuntimeException {
        final double seconds;
        final double accuracy;
        final int epoch;

        Reached(double seconds, double accuracy, int epoch) {
            super(null, null, false, false);
            this.seconds = seconds;
            this.accuracy = accuracy;
            this.epoch = epoch;
        }
    }

    // ---------------------------------------------------------------- the rows

    private void runAll() {
        boolean fm = !opt.quick && (opt.only.contains("B1") || opt.only.contains("B2") || opt.only.contains("B5")
                || opt.only.contains("B6") || opt.only.contains("B8"));
        Data small = null;
        if (fm) {
            Data f = fashionMnist();
            if (opt.only.contains("B1")) b1(f, 0.84);
            if (opt.only.contains("B2")) b2(f);
            if (opt.only.contains("B5")) b5(f, new int[] {256, 128});
            if (opt.only.contains("B6")) b6(f);
            if (opt.only.contains("B8")) b8(f);
            release(f);
            if (opt.only.contains("B6")) b6Float32(f, "softmax", null);
        }
        if (opt.quick || opt.only.contains("B3") || opt.only.contains("B4") || opt.only.contains("B6")) {
            Data dense = denseSynthetic(opt.rows);
            if (opt.quick) {
                if (opt.only.contains("B1")) b1(dense, 0.60);
                if (opt.only.contains("B2")) b2(dense);
                if (opt.only.contains("B5")) b5(dense, new int[] {16});
            }
            if (opt.only.contains("B3")) b3(dense, "softmax");
            if (opt.only.contains("B4")) b4(dense);
            if (opt.only.contains("B6")) b6(dense);
            release(dense);
            if (opt.only.contains("B6")) b6Float32(dense, "softmax", null);
            if (opt.only.contains("B3") || opt.only.contains("B6")) {
                Data sparse = sparseSynthetic(opt.rows);
                if (opt.only.contains("B3")) b3(sparse, "logistic");
                if (opt.only.contains("B6")) b6(sparse);
                release(sparse);
                if (opt.only.contains("B6")) b6Float32(sparse, "logistic", "libsvm");
            }
        }
        if (opt.only.contains("B7")) {
            if (opt.quick) {
                b7("synthetic dense " + opt.rows + " x " + opt.features,
                        Synthetic.dense(opt.work, opt.rows, opt.features, 10, 1, 0), "softmax");
            } else {
                b7("Fashion-MNIST train.csv", opt.fmnist.resolve("train.csv"), "softmax");
            }
        }
        if (opt.only.contains("B6")) rss();
    }

    /**
     * B7 (issue 17): loading a CSV file into cached training data, ours (BlockLoader: parse, check, classes, blocks
     * spread over the partitions, cached and counted) vs Spark's own CSV reader with an explicit schema +
     * VectorAssembler + cache + count; then the same rows as Parquet (label + an ML vector column, written once,
     * untimed) through ours vs Spark's Parquet reader + cache + count. Alternating order, medians over repeats.
     */
    private void b7(String name, Path csv, String modelType) {
        String header;
        try (BufferedReader r = Files.newBufferedReader(csv)) {
            header = r.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] cols = header.split(",");
        StructType schema = new StructType();
        for (String c : cols) schema = schema.add(c, DataTypes.DoubleType);
        String[] features = Arrays.copyOfRange(cols, 1, cols.length);
        String label = cols[0];
        int parts = spark.sparkContext().defaultParallelism();
        StructType csvSchema = schema;
        java.util.function.Supplier<Long> sparkCsv = () -> {
            Dataset<Row> df = spark.read().option("header", "true").schema(csvSchema).csv(csv.toString());
            Dataset<Row> v = new org.apache.spark.ml.feature.VectorAssembler().setInputCols(features)
                    .setOutputCol("features").transform(df).select(label, "features")
                    .persist(StorageLevel.MEMORY_ONLY());
            long n = v.count();
            v.unpersist(true);
            return n;
        };
        Path parquet = opt.work.resolve("b7-" + csv.getFileName() + ".parquet");
        if (!Files.exists(parquet)) {
            new org.apache.spark.ml.feature.VectorAssembler().setInputCols(features).setOutputCol("features")
                    .transform(spark.read().option("header", "true").schema(csvSchema).csv(csv.toString()))
                    .select(label, "features").write().parquet(parquet.toString());
        }
        java.util.function.Supplier<Long> sparkParquet = () -> {
            Dataset<Row> v = spark.read().parquet(parquet.toString()).persist(StorageLevel.MEMORY_ONLY());
            long n = v.count();
            v.unpersist(true);
            return n;
        };
        java.util.function.Function<String, Long> ours = format -> {
            String path = format.equals("csv") ? csv.toString() : parquet.toString();
            JobConfig cfg = SparkTestSupport.config("data.train = \"" + path + "\"\nmodel.type = " + modelType
                    + "\ndata.label = " + label + "\ndata.format = " + format + "\ndata.partitions = " + parts + "\n");
            TrainingData d = BlockLoader.loadTraining(spark, "data.train", path,
                    DataOptions.of(cfg, RunComponents.maxClasses(cfg)));
            long n = d.numRows();
            d.release();
            return n;
        };
        for (String format : List.of("csv", "parquet")) {
            double[] o = new double[opt.repeats];
            double[] a = new double[opt.repeats];
            long rows = -1;
            for (int r = 0; r < opt.repeats; r++) {
                for (int side = 0; side < 2; side++) {
                    boolean oursNow = (side == 0) == (r % 2 == 0);
                    long t0 = System.nanoTime();
                    long n = oursNow ? ours.apply(format) : format.equals("csv") ? sparkCsv.get() : sparkParquet.get();
                    double sec = (System.nanoTime() - t0) / 1e9;
                    if (oursNow) o[r] = sec; else a[r] = sec;
                    if (rows >= 0 && n != rows) throw new IllegalStateException("B7: " + n + " rows vs " + rows);
                    rows = n;
                }
                log.printf(Locale.ROOT, "B7 %s: ours %.2f s, Spark %.2f s%n", format, o[r], a[r]);
            }
            results.add(new Result("B7", String.format(Locale.ROOT, "%s, %,d rows: load %s into cached training data "
                    + "(ours: blocks, %d partitions) vs Spark's %s", name, rows, format.equals("csv") ? "CSV"
                    : "Parquet (label + vector column)", parts, format.equals("csv")
                    ? "CSV reader, explicit schema + VectorAssembler + cache + count"
                    : "Parquet reader + cache + count"), median(o), median(a), "s",
                    format.equals("csv") ? 0.5 : 1.0, false, ""));
        }
    }

    private static void release(Data d) {
        d.train.release();
        if (d.test != null) d.test.release();
    }

    /** B1: time to the target test accuracy, softmax (conf/fashion-mnist-softmax.conf, read from the file) vs Spark ML LogisticRegression. */
    private void b1(Data data, double target) {
        Data test = data.test != null ? data : null;
        TrainingData held = test != null ? data.test : data.train;
        String heldName = test != null ? "test set" : "training set (no test set in quick mode)";
        // full mode times the shipped config itself (its data and spark sections are not used here)
        JobConfig cfg;
        try {
            cfg = opt.quick
                    ? cfg("model.type = softmax\noptimizer { name = adam, lr = 0.002 }\nschedule.name = cosine\n"
                            + "regularization.l2 = 1e-5\ntrain { batch-size = 64, epochs = 5 }\n")
                    : cfg(Files.readString(SparkTestSupport.repoRoot().resolve("conf/fashion-mnist-softmax.conf")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Dataset<Row> trainDf = dataFrame(data.train.blocks()).persist(StorageLevel.MEMORY_ONLY());
        Dataset<Row> testDf = dataFrame(held.blocks()).persist(StorageLevel.MEMORY_ONLY());
        long n = trainDf.count() + testDf.count();
        double[] ours = new double[opt.repeats];
        double[] anchor = new double[opt.repeats];
        double oursAcc = Double.NaN;
        double anchorAcc = Double.NaN;
        int oursEpoch = -1;
        // as every row: --repeats (the median of 3 leaves out the first, cold-JVM run on both sides)
        int repeats = opt.repeats;
        ours = new double[repeats];
        anchor = new double[repeats];
        double[] lbfgs = new double[repeats];
        LbfgsToObjective lbfgsRun = null;
        double sparkObjective = Double.NaN;
        int sparkIterations = 0;
        for (int r = 0; r < repeats; r++) {
            // ours: evaluate the held-out set at each epoch end; the clock excludes the evaluations; stop at target
            long start = System.nanoTime();
            long[] evalNanos = {0};
            int[] epoch = {0};
            double[] lastAcc = {Double.NaN};
            java.util.function.Function<Model, Validator> v = model -> p -> {
                long t = System.nanoTime();
                epoch[0]++;
                Evaluation e = SparkGradientSource.evaluate(jsc, held.blocks(), model, p, 1L << 19);
                lastAcc[0] = e.accuracy();
                if (e.accuracy() >= target) throw new Reached((t - start - evalNanos[0]) / 1e9, e.accuracy(), epoch[0]);
                evalNanos[0] += System.nanoTime() - t;
                return e;
            };
            try {
                trainOurs(data.blocks(), data.sizes(), data.numFeatures, data.numClasses, cfg, v);
                ours[r] = Double.NaN;
                oursAcc = lastAcc[0];
                notes.add(String.format(Locale.ROOT, "B1: ours did not reach %.1f%% in the config's epochs (last %.2f%%)",
                        100 * target, 100 * lastAcc[0]));
            } catch (Reached reached) {
                ours[r] = reached.seconds;
                oursAcc = reached.accuracy;
                oursEpoch = reached.epoch;
            }
            log.printf(Locale.ROOT, "B1 ours: %.2f s (epoch %d, accuracy %.4f)%n", ours[r], oursEpoch, oursAcc);
            // anchor: Spark ML multinomial logistic regression, L-BFGS to its own convergence
            long t0 = System.nanoTime();
            LogisticRegression lr = new LogisticRegression().setFamily("multinomial").setRegParam(1e-4);
            if (opt.quick) lr.setMaxIter(10); // seconds, not minutes: the smoke test only checks that it runs
            LogisticRegressionModel m = lr.fit(trainDf);
            anchor[r] = (System.nanoTime() - t0) / 1e9;
            Dataset<Row> pred = m.transform(testDf);
            anchorAcc = pred.filter(functions.col("prediction").equalTo(functions.col("label"))).count()
                    / (double) testDf.count();
            log.printf(Locale.ROOT, "B1 Spark ML LogisticRegression: %.2f s, %d iterations, accuracy %.4f%n",
                    anchor[r], m.summary().totalIterations(), anchorAcc);
            // the same run's objective: ours with lbfgs on the same objective, timed to Spark's final value
            double[] history = m.summary().objectiveHistory();
            sparkObjective = history[history.length - 1];
            sparkIterations = m.summary().totalIterations();
            lbfgsRun = lbfgsToObjective(data, sparkObjective);
            lbfgs[r] = lbfgsRun.seconds;
            log.printf(Locale.ROOT, "B1 ours lbfgs: %.2f s to Spark ML's final objective %.10g (iteration %d, %s)%n",
                    lbfgs[r], sparkObjective, lbfgsRun.iteration, lbfgsRun.stopReason);
        }
        trainDf.unpersist();
        testDf.unpersist();
        results.add(new Result("B1", String.format(Locale.ROOT,
                "%s: time to %.1f%% %s accuracy, softmax (Adam, cosine, batch %d) vs Spark ML LogisticRegression "
                        + "(multinomial, L-BFGS, regParam 1e-4, to convergence)", data.name, 100 * target, heldName,
                TrainingSpec.settings(cfg).batchSize()), median(ours), median(anchor), "s", 0.1, false, String.format(Locale.ROOT,
                "ours: %.2f%% %s; Spark ML: %.2f%% at convergence (%d repeat(s))", 100 * oursAcc,
                oursEpoch < 0 ? "at the end, target not reached" : "after epoch " + oursEpoch, 100 * anchorAcc,
                repeats)));
        results.add(new Result("B1", String.format(Locale.ROOT,
                "%s: time to Spark ML's final objective (softmax, standardized, l2 = regParam 1e-4), ours lbfgs "
                        + "(full batch) vs Spark ML LogisticRegression (multinomial, L-BFGS, the same fit)", data.name),
                median(lbfgs), median(anchor), "s", 0.5, false, String.format(Locale.ROOT,
                "lbfgs: Spark ML's objective %.10g after its %d iterations; ours reached it at iteration %d (%s)",
                sparkObjective, sparkIterations, lbfgsRun == null ? -1 : lbfgsRun.iteration,
                lbfgsRun == null ? "not run" : "stopped: " + lbfgsRun.stopReason)));
    }

    /** How long our lbfgs took to an objective value, at which iteration, and why the run stopped. */
    private record LbfgsToObjective(double seconds, long iteration, String stopReason) {
    }

    /**
     * Ours with {@code optimizer.name = lbfgs} on the anchor's objective (softmax, standardized, l2 = regParam 1e-4,
     * full batch), stopped at the first iterate whose objective is at most {@code target}. The clock starts before
     * the standardization pass (as Spark's {@code fit} includes its own) and stops when that iterate was reached
     * (its objective is reported with the next step's record). NaN when it is not reached in 1000 iterations.
     */
    private LbfgsToObjective lbfgsToObjective(Data data, double target) {
        JobConfig cfg = cfg("model.type = softmax\nregularization.l2 = 1e-4\noptimizer.name = lbfgs\n"
                + "train { batch-size = full, max-iterations = 1000 }\n");
        long start = System.nanoTime();
        long[] previousStep = {start};
        double[] reached = {Double.NaN};
        long[] at = {-1};
        TrainingListener stopAtTarget = new TrainingListener() {
            @Override
            public void onStep(StepRecord s) {
                long now = System.nanoTime();
                if (Double.isNaN(reached[0]) && s.loss() <= target) {
                    reached[0] = (previousStep[0] - start) / 1e9;
                    at[0] = s.iteration() - 1;
                }
                previousStep[0] = now;
            }

            @Override
            public String stopRequest() {
                return Double.isNaN(reached[0]) ? null : "target";
            }
        };
        Model raw = RunComponents.create(cfg, data.numFeatures, data.numClasses);
        Model model = new Standardized(raw, SparkGradientSource.featureMoments(data.blocks()).std());
        try (StepSources.Steps steps = StepSources.create(StepSpec.of(cfg), jsc, data.blocks(), data.sizes(), model,
                log::println)) {
            TrainingResult r = RunComponents.lbfgs(cfg, steps.source(), model, RunComponents.options(cfg),
                    List.of(stopAtTarget)).run(RunComponents.initialParameters(cfg, model));
            return new LbfgsToObjective(reached[0], at[0], r.stopReason());
        }
    }

    /** B2: epoch time of binary logistic regression with plain SGD, ours vs MLlib GradientDescent.runMiniBatchSGD. */
    private void b2(Data data) {
        // class 0 against the rest, sharing the cached feature arrays
        JavaRDD<Block> binary = data.blocks().map(b -> {
            double[] y = new double[b.numRows()];
            for (int i = 0; i < y.length; i++) y[i] = b.label(i) == 0 ? 1 : 0;
            return b.withLabels(y);
        }).persist(StorageLevel.MEMORY_ONLY());
        binary.count();
        JavaRDD<Tuple2<Object, org.apache.spark.mllib.linalg.Vector>> points = binary.flatMap(b -> {
            List<Tuple2<Object, org.apache.spark.mllib.linalg.Vector>> rows = new ArrayList<>(b.numRows());
            for (int i = 0; i < b.numRows(); i++) {
                rows.add(new Tuple2<>(b.label(i), org.apache.spark.mllib.linalg.Vectors.fromML(vector(b, i))));
            }
            return rows.iterator();
        }).persist(StorageLevel.MEMORY_ONLY());
        long n = points.count();
        @SuppressWarnings({"unchecked", "rawtypes"})
        RDD<Tuple2<Object, org.apache.spark.mllib.linalg.Vector>> rdd = (RDD) points.rdd();
        int d = data.numFeatures;
        int iterations = opt.quick ? 3 : 20;
        for (int batch : new int[] {1024, 128}) {
            double[] ours = new double[opt.repeats];
            double[] anchor = new double[opt.repeats];
            long stepsPerEpoch = (n + batch - 1) / batch;
            for (int r = 0; r < opt.repeats; r++) {
                JobConfig cfg = cfg("model.type = logistic\nmodel.standardize = false\noptimizer { name = sgd, lr = 0.1 }\n"
                        + "train { batch-size = " + batch + ", epochs = 1 }\n");
                TrainingResult res = trainOurs(binary, data.sizes(), d, 2, cfg, null);
                ours[r] = res.trainSeconds() / res.iterations() * stepsPerEpoch;
                double fraction = Math.min(1.0, batch / (double) n);
                long t0 = System.nanoTime();
                Tuple2<org.apache.spark.mllib.linalg.Vector, double[]> out = GradientDescent.runMiniBatchSGD(rdd,
                        new LogisticGradient(), new SimpleUpdater(), 0.1, iterations, 0.0, fraction,
                        org.apache.spark.mllib.linalg.Vectors.zeros(d), 0.0);
                double seconds = (System.nanoTime() - t0) / 1e9;
                int done = Math.max(1, out._2().length);
                anchor[r] = seconds / done * stepsPerEpoch;
                log.printf(Locale.ROOT, "B2 batch %d: ours %.3f s/epoch (%d steps, %.2f ms/step); MLlib %.3f s/epoch "
                                + "(%d iterations, %.2f ms/iteration)%n", batch, ours[r], res.iterations(),
                        1000 * res.trainSeconds() / res.iterations(), anchor[r], done, 1000 * seconds / done);
            }
            results.add(new Result("B2", String.format(Locale.ROOT, "%s, class 0 vs rest: epoch time, logistic SGD, "
                            + "batch %d vs MLlib runMiniBatchSGD (fraction %d/%d; %d iterations, extrapolated)",
                    data.name, batch, batch, n, iterations), median(ours), median(anchor), "s",
                    batch == 1024 ? 0.1 : Double.NaN, false, ""));
        }
        points.unpersist(false);
        binary.unpersist(false);
    }

    /** B3: throughput at large batch, ours vs the same kernel in a plain 2-thread loop over the same blocks. */
    private void b3(Data data, String type) {
        int k = "softmax".equals(type) ? data.numClasses : 2;
        JobConfig base = cfg("model.type = " + type + "\nmodel.standardize = false\n");
        Model model = RunComponents.create(base, data.numFeatures, k);
        List<Block> local = data.blocks().collect();
        long n = data.train.numRows();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            long large = n > 16384 ? 16384 : n / 2;
            for (long batch : new long[] {large, n}) {
                String batchName = batch == n ? "full" : Long.toString(batch);
                // about a second of steps at 16384 (30 steps, 0.15 s, measured mostly the one-time start of the resident
                // tasks and the JIT: docs/BENCHMARKS.md, "Resident steps"); --b3-steps changes it
                int steps = opt.quick ? 3 : batch == n ? 8 : opt.b3Steps;
                double[] ours = new double[opt.repeats];
                double[] raw = new double[opt.repeats];
                double[] loop = new double[opt.repeats];
                for (int r = 0; r < opt.repeats; r++) {
                    JobConfig cfg = cfg("model.type = " + type + "\nmodel.standardize = false\n"
                            + "optimizer { name = sgd, lr = 0.01 }\ntrain { batch-size = " + batchName
                            + ", max-iterations = " + steps + ", epochs = 1000 }\n");
                    TrainingResult res = trainOurs(data.blocks(), data.sizes(), data.numFeatures, k, cfg, null);
                    ours[r] = res.rowsProcessed() / res.trainSeconds();
                    raw[r] = rawLoop(pool, model, local, data.sizes(), batch, steps);
                    // the control: our training loop (optimizer, evolving parameters) on the raw loop's pool
                    TrainingResult pooled = new TrainingLoop(new PooledSource(pool, model, local, data.sizes()), model,
                            TrainingSpec.settings(cfg), RunComponents.optimizer(cfg), List.of(), RunComponents.options(cfg))
                            .run(RunComponents.initialParameters(cfg, model));
                    loop[r] = pooled.rowsProcessed() / pooled.trainSeconds();
                    log.printf(Locale.ROOT, "B3 %s batch %s: ours %.0f rows/s, raw loop %.0f rows/s, training loop on "
                            + "the pool %.0f rows/s%n", type, batchName, ours[r], raw[r], loop[r]);
                }
                results.add(new Result("B3", String.format(Locale.ROOT, "%s, %s: throughput at batch %s vs the same "
                                + "kernel on the same blocks, 2 threads, no Spark", data.name, type, batchName),
                        median(ours), median(raw), "rows/s", batch == large ? 0.8 : Double.NaN, true, ""));
                if (batch == large) {
                    results.add(new Result("B3", String.format(Locale.ROOT, "%s, %s, control: our training loop "
                                    + "(optimizer, evolving parameters) on the raw loop's 2 threads, no Spark, at batch %s "
                                    + "vs the raw loop", data.name, type, batchName),
                            median(loop), median(raw), "rows/s", Double.NaN, true, ""));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The raw loop's partition-per-thread pool as a gradient source for the training loop (B3's control row). */
    private record PooledSource(ExecutorService pool, Model model, List<Block> blocks, long[] sizes)
            implements GradientSource {
        @Override
        public long[] partitionSizes() {
            return sizes.clone();
        }

        @Override
        public Accumulator compute(double[] params, StepPlan plan) {
            List<Future<Accumulator>> parts = new ArrayList<>();
            for (int p = 0; p < blocks.size(); p++) {
                int part = p;
                parts.add(pool.submit(() -> PartitionStep.run(model, blocks.get(part), part, plan, params)));
            }
            Accumulator[] acc = new Accumulator[parts.size()];
            try {
                for (int p = 0; p < acc.length; p++) acc[p] = parts.get(p).get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return PartitionStep.mergeInOrder(acc, model.numParameters());
        }

        @Override
        public Accumulator computeAll(double[] params) {
            return new LocalGradientSource(blocks, model).computeAll(params);
        }
    }

    /** Rows per second of {@code steps} gradient passes of the planner's batches, one partition per task. */
    private static double rawLoop(ExecutorService pool, Model model, List<Block> blocks, long[] sizes, long batch,
                                  int steps) {
        double[] params = new double[model.numParameters()];
        PooledSource source = new PooledSource(pool, model, blocks, sizes);
        BatchPlanner planner = new BatchPlanner(sizes, batch, 42);
        long rows = 0;
        long t0 = System.nanoTime();
        int done = 0;
        for (long e = 0; done < steps; e++) {
            BatchPlanner.Epoch ep = planner.epoch(e);
            while (ep.hasNext() && done < steps) {
                StepPlan plan = ep.next();
                source.compute(params, plan);
                rows += plan.totalRows();
                done++;
            }
        }
        return rows / ((System.nanoTime() - t0) / 1e9);
    }

    /** B4: step time at a tiny batch (one row per partition) vs an empty Spark job over the same cached blocks. */
    private void b4(Data data) {
        int parts = data.sizes().length;
        int steps = opt.quick ? 10 : 300;
        double[] ours = new double[opt.repeats];
        double[] empty = new double[opt.repeats];
        for (int r = 0; r < opt.repeats; r++) {
            JobConfig cfg = cfg("model.type = softmax\nmodel.standardize = false\noptimizer { name = sgd, lr = 0.01 }\n"
                    + "train { batch-size = " + parts + ", max-iterations = " + steps + ", epochs = 1000000 }\n");
            TrainingResult res = trainOurs(data.blocks(), data.sizes(), data.numFeatures, data.numClasses, cfg, null);
            ours[r] = 1000 * res.trainSeconds() / res.iterations();
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) data.blocks().foreachPartition(it -> { });
            empty[r] = (System.nanoTime() - t0) / 1e6 / steps;
            log.printf(Locale.ROOT, "B4: ours %.2f ms/step, empty job %.2f ms%n", ours[r], empty[r]);
        }
        results.add(new Result("B4", String.format(Locale.ROOT, "%s: step time at batch %d (1 row per partition; "
                        + "softmax, SGD, %d steps) vs an empty Spark job (foreachPartition) on the same cached blocks",
                data.name, parts, steps), median(ours), median(empty), "ms", 1.5, false, ""));
    }

    /**
     * B8 (issue 17 part 4, docs/SCALING.md): a step's terms at d = 235,146 (the MLP 784-256-128-10, Adam) in this
     * master: the step at one row per partition (the kernel next to nothing: what is left is the driver's send of
     * the parameters, the partials' return, decode and merge, the optimizer and the round trip) and at 1,024 rows
     * (plus the kernel on the executors' cores). Not an anchored row: it prints its figures and adds a note.
     */
    private void b8(Data data) {
        int parts = data.sizes().length;
        int steps = opt.quick ? 10 : opt.b8Steps;
        int few = Math.max(1, steps / 5);
        int[] batches = {parts, 1024};
        double[] median = new double[batches.length];
        for (int b = 0; b < batches.length; b++) {
            b8Run(data, batches[b], few); // warm-up: the first runs of a JVM compile the kernels and the link
            double[] ms = new double[opt.repeats];
            for (int r = 0; r < opt.repeats; r++) {
                // the difference of a long and a short run: the resident tasks' start and the first steps' JIT cancel
                TrainingResult shortRun = b8Run(data, batches[b], few);
                TrainingResult longRun = b8Run(data, batches[b], steps);
                ms[r] = 1000 * (longRun.trainSeconds() - shortRun.trainSeconds())
                        / (longRun.iterations() - shortRun.iterations());
                log.printf(Locale.ROOT, "B8 batch %d: %.2f ms/step (%d steps %.2f s, %d steps %.2f s)%n", batches[b],
                        ms[r], longRun.iterations(), longRun.trainSeconds(), shortRun.iterations(),
                        shortRun.trainSeconds());
            }
            median[b] = median(ms);
        }
        notes.add(String.format(Locale.ROOT, "B8 (%s, %d partitions): MLP 784-256-128-10 (d = 235,146), Adam: "
                        + "%.2f ms/step at 1 row per partition, %.2f ms/step at 1,024 rows (the kernel's share %.2f ms)",
                opt.master, parts, median[0], median[1], median[1] - median[0]));
    }

    private TrainingResult b8Run(Data data, int batch, int steps) {
        JobConfig cfg = cfg("model { type = mlp, hidden = [256, 128], activation = relu, standardize = false }\n"
                + "optimizer { name = adam, lr = 0.0001 }\ntrain { batch-size = " + batch + ", max-iterations = "
                + steps + ", epochs = 1000000, seed = 7 }\n");
        return trainOurs(data.blocks(), data.sizes(), data.numFeatures, data.numClasses, cfg, null);
    }

    /** B5: MLP epoch time, ours vs PyTorch CPU with the same net, batch, optimizer and thread count. */
    private void b5(Data data, int[] hidden) {
        String hiddenList = Arrays.toString(hidden).replaceAll("[\\[\\] ]", "");
        int[] batches = {128, 1024};
        double[][] ours = new double[batches.length][opt.repeats];
        for (int bi = 0; bi < batches.length; bi++) {
            for (int r = 0; r < opt.repeats; r++) {
                JobConfig cfg = cfg("model { type = mlp, hidden = [" + hiddenList + "], activation = relu, "
                        + "standardize = false }\noptimizer { name = adamw, lr = 0.001, weight-decay = 0.1 }\n"
                        + "train { batch-size = " + batches[bi] + ", epochs = 1, seed = 7 }\n");
                TrainingResult res = trainOurs(data.blocks(), data.sizes(), data.numFeatures, data.numClasses, cfg, null);
                ours[bi][r] = res.trainSeconds();
                log.printf(Locale.ROOT, "B5 batch %d: ours %.2f s/epoch (%d steps)%n", batches[bi], ours[bi][r],
                        res.iterations());
            }
        }
        double[][] torch = torch(data, hiddenList, batches);
        for (int bi = 0; bi < batches.length; bi++) {
            String what = String.format(Locale.ROOT, "%s: MLP %d-%s-%d ReLU epoch time, AdamW, batch %d vs PyTorch "
                    + "CPU (2 threads, float32)", data.name, data.numFeatures, hiddenList.replace(',', '-'),
                    data.numClasses, batches[bi]);
            double target = batches[bi] == 1024 ? 1.0 : 1.5;
            if (torch == null) {
                results.add(new Result("B5", what, median(ours[bi]), Double.NaN, "s", target, false,
                        "skipped: " + torchMissing));
            } else {
                results.add(new Result("B5", what, median(ours[bi]), median(torch[bi]), "s", target, false, ""));
            }
        }
    }

    private String torchMissing = "";

    /** The PyTorch anchor's epoch seconds per batch size and repeat, or null (with the reason) without torch. */
    private double[][] torch(Data data, String hiddenList, int[] batches) {
        try {
            Process check = new ProcessBuilder(opt.python, "-c", "import torch").redirectErrorStream(true).start();
            check.getInputStream().readAllBytes();
            if (check.waitFor() != 0) {
                torchMissing = opt.python + " cannot import torch; install Debian's python3-torch "
                        + "(apt-get install -y python3-torch) to run this anchor";
                notes.add("B5: " + torchMissing);
                return null;
            }
        } catch (IOException | InterruptedException e) {
            torchMissing = opt.python + " not runnable (" + e.getMessage() + "); install python3 and python3-torch";
            notes.add("B5: " + torchMissing);
            return null;
        }
        Path x = opt.work.resolve("torch-" + Math.abs(data.name.hashCode()) + ".f32");
        Path y = opt.work.resolve("torch-" + Math.abs(data.name.hashCode()) + ".labels.i32");
        long n = exportFloat32(data.blocks(), data.numFeatures, x, y);
        List<String> cmd = List.of(opt.python, opt.torchScript.toString(), "--features-file", x.toString(),
                "--labels-file", y.toString(), "--rows", Long.toString(n), "--features",
                Integer.toString(data.numFeatures), "--classes", Integer.toString(data.numClasses), "--hidden",
                hiddenList, "--batches", Arrays.toString(batches).replaceAll("[\\[\\] ]", ""), "--repeats",
                Integer.toString(opt.repeats), "--threads", "2");
        double[][] seconds = new double[batches.length][];
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            // PyTorch's own 2 threads, also for the BLAS under it: not the one-thread-per-call setting that the
            // launcher gives our JVM (whose 2 Spark tasks are the 2 threads)
            for (String v : List.of("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")) {
                pb.environment().put(v, "2");
            }
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.println("B5 PyTorch: " + line);
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 4 && f[0].equals("batch") && f[2].equals("epoch_seconds")) {
                        int b = Integer.parseInt(f[1]);
                        double[] s = new double[f.length - 3];
                        for (int i = 3; i < f.length; i++) s[i - 3] = Double.parseDouble(f[i]);
                        for (int bi = 0; bi < batches.length; bi++) if (batches[bi] == b) seconds[bi] = s;
                    }
                }
            }
            if (p.waitFor() != 0) throw new IllegalStateException("PyTorch anchor failed: exit " + p.exitValue());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("PyTorch anchor failed", e);
        } finally {
            try {
                Files.deleteIfExists(x);
                Files.deleteIfExists(y);
            } catch (IOException ignored) {
                // a leftover export in target/ is harmless
            }
        }
        for (double[] s : seconds) if (s == null) throw new IllegalStateException("PyTorch anchor printed no times");
        return seconds;
    }

    /** Writes the blocks' rows as little-endian float32 features and int32 labels; returns the row count. */
    private static long exportFloat32(JavaRDD<Block> blocks, int d, Path x, Path y) {
        long n = 0;
        try {
            Files.createDirectories(x.getParent());
            try (FileChannel fx = FileChannel.open(x, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                 FileChannel fy = FileChannel.open(y, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                java.util.Iterator<Block> it = blocks.toLocalIterator();
                while (it.hasNext()) {
                    Block b = it.next();
                    ByteBuffer bx = ByteBuffer.allocate(4 * d).order(ByteOrder.LITTLE_ENDIAN);
                    ByteBuffer by = ByteBuffer.allocate(4 * b.numRows()).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < b.numRows(); i++) {
                        bx.clear();
                        for (int j = 0; j < d; j++) bx.putFloat((float) b.feature(i, j));
                        bx.flip();
                        while (bx.hasRemaining()) fx.write(bx);
                        by.putInt((int) b.label(i));
                    }
                    by.flip();
                    while (by.hasRemaining()) fy.write(by);
                    n += b.numRows();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /** B6: bytes of cached training data vs the raw float32 size (features + labels; CSR adds int32 indices). */
    private void b6(Data data) {
        long[] counts = data.blocks().map(b -> new long[] {b.numRows(), b.isSparse() ? b.numValues()
                : (long) b.numRows() * b.numFeatures(), b.isSparse() ? 1 : 0}).reduce((a, b) ->
                new long[] {a[0] + b[0], a[1] + b[1], Math.max(a[2], b[2])});
        long rows = counts[0];
        long values = counts[1];
        boolean sparse = counts[2] == 1;
        long raw = 4 * values + 4 * rows + (sparse ? 4 * values + 4 * (rows + 1) : 0);
        results.add(new Result("B6", String.format(Locale.ROOT, "%s: cached bytes vs raw float32 (%s)", data.name,
                sparse ? "values + int32 column indices and row pointers + labels" : "n x d + labels"),
                data.train.cachedBytes(), raw, "bytes", 1.1, false, ""));
    }

    /** Peak RSS (VmHWM) of the driver and of every executor JVM the tasks ran in. */
    private void rss() {
        long driverPid = ProcessHandle.current().pid();
        long driver = vmHwmKiB();
        int parts = Math.max(2, spark.sparkContext().defaultParallelism());
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < parts * 4; i++) idx.add(i);
        List<long[]> peaks = jsc.parallelize(idx, parts * 4).map(i -> new long[] {ProcessHandle.current().pid(),
                vmHwmKiB()}).collect();
        java.util.Map<Long, Long> byPid = new java.util.TreeMap<>();
        for (long[] p : peaks) byPid.merge(p[0], p[1], Math::max);
        StringBuilder s = new StringBuilder();
        byPid.forEach((pid, kib) -> s.append(s.length() > 0 ? ", " : "").append(pid == driverPid ? "driver JVM"
                : "executor " + pid).append(' ').append(kib / 1024).append(" MiB"));
        String note = byPid.size() == 1 && byPid.containsKey(driverPid)
                ? "local master: the executors run in the driver JVM, so this is the only process" : s.toString();
        notes.add(String.format(Locale.ROOT, "B6: peak RSS (VmHWM) driver %d MiB; %s; max heap %d MiB", driver / 1024,
                note, Runtime.getRuntime().maxMemory() / 1048576));
    }

    static long vmHwmKiB() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    // ---------------------------------------------------------------- helpers

    private Dataset<Row> dataFrame(JavaRDD<Block> blocks) {
        JavaRDD<Row> rows = blocks.flatMap(b -> {
            List<Row> out = new ArrayList<>(b.numRows());
            for (int i = 0; i < b.numRows(); i++) out.add(RowFactory.create(b.label(i), vector(b, i)));
            return out.iterator();
        });
        StructType schema = new StructType().add("label", DataTypes.DoubleType)
                .add("features", SQLDataTypes.VectorType());
        return spark.createDataFrame(rows, schema);
    }

    static org.apache.spark.ml.linalg.Vector vector(Block b, int i) {
        int d = b.numFeatures();
        if (b.isSparse()) {
            int from = b.rowPtr()[i];
            int to = b.rowPtr()[i + 1];
            return org.apache.spark.ml.linalg.Vectors.sparse(d, Arrays.copyOfRange(b.colIdx(), from, to),
                    Arrays.copyOfRange(b.values(), from, to));
        }
        return org.apache.spark.ml.linalg.Vectors.dense(Arrays.copyOfRange(b.values(), i * d, (i + 1) * d));
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private String table() {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%nsteepest benchmark suite: master %s, %d repeat(s), medians%s; "
                + "our kernels' BLAS: %s; %s%n%n", opt.master, opt.repeats,
                opt.quick ? ", QUICK mode (tiny synthetic data)" : "", dev.steepest.core.model.Blas.implementation(),
                stepModes.isEmpty() ? "train.step-mode = " + opt.stepMode : String.join("; ", stepModes)));
        t.append("| row | measurement | ours | anchor | unit | ratio (ours / anchor) | target | |\n");
        t.append("|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            t.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", r.row, r.what,
                    num(r.ours), Double.isNaN(r.anchor) && !r.note.isEmpty() ? r.note : num(r.anchor), r.unit,
                    Double.isFinite(r.ratio()) ? String.format(Locale.ROOT, "%.3f", r.ratio()) : "n/a",
                    Double.isNaN(r.target) ? "" : (r.higherIsBetter ? "≥ " : "≤ ") + r.target, r.verdict()));
        }
        for (Result r : results) {
            if (!r.note.isEmpty() && Double.isFinite(r.anchor)) t.append("\n").append(r.row).append(": ").append(r.note);
        }
        for (String n : notes) t.append("\n").append(n);
        return t.append("\n").toString();
    }

    private static String num(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (Math.abs(v) >= 1e5) return String.format(Locale.ROOT, "%,.0f", v);
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
