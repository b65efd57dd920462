package dev.steepest.spark.cli;

import dev.steepest.core.score.ScoringModel;
import dev.steepest.spark.InputError;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.DataSpec;
import dev.steepest.spark.ml.SteepestClassificationModel;
import dev.steepest.spark.ml.SteepestModels;
import dev.steepest.spark.ml.SteepestRegressionModel;
import dev.steepest.spark.spec.TrainingSpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * {@code steepest predict}: distributed scoring of data of any size with a run's model, through the Spark ML model
 * ({@link SteepestClassificationModel} / {@link SteepestRegressionModel}). Writes the kept input columns (by default
 * every column that is not a feature: ids, the label, excluded columns), {@code prediction} in the original label
 * values (as {@code label_mapping} has them) and, for classifiers with probabilities, {@code probability_<label>} per
 * class. The data is read with training's settings: CSV header and delimiter, the feature and categorical columns
 * (one-hot with training's categories; one training did not see encodes as all zeros), a vector column or LibSVM.
 * A record with a missing, non-numeric or non-finite feature value fails the run ({@code data.on-bad-record =
 * fail}) or is left out and counted ({@code skip}).
 */
final class PredictCommand {
    private static final String FEATURES = "__steepest_features";
    private static final String INDEX = "__steepest_prediction";
    private static final String PROBABILITY = "__steepest_probability";

    private PredictCommand() {
    }

    /** Scores {@code cli.data()} with {@code run}'s model, reading it with {@code training}'s data options. */
    static void run(SparkSession spark, RunModel run, TrainingSpec training, ScoringArgs cli, String target,
                    PrintStream out) {
        BlockLoader.Options options = training.data().loader();
        DataSpec spec = run.spec(options);
        ScoringModel model = run.model();
        Dataset<Row> df = read(spark, options, cli.data(), model.numFeatures());
        List<String> inputs = Arrays.asList(df.columns());
        boolean vector = spec.numericColumns().equals(RunModel.indexNames(spec.numericColumns().size()))
                && spec.categoricalColumns().isEmpty();
        String vectorColumn = vector ? vectorColumn(df, cli.data()) : null;
        List<String> featureColumns = new ArrayList<>();
        Column bad = functions.lit(false);
        if (vector) {
            featureColumns.add(vectorColumn);
            checkSize(df, vectorColumn, cli.data(), model.numFeatures());
            df = df.withColumn(FEATURES, functions.col(quote(vectorColumn)));
            bad = functions.col(FEATURES).isNull();
        } else {
            List<String> parts = new ArrayList<>();
            for (String c : spec.numericColumns()) {
                requireColumn(inputs, c, cli.data());
                featureColumns.add(c);
                String p = "__steepest_num_" + parts.size();
                df = df.withColumn(p, functions.col(quote(c)).cast("double"));
                bad = bad.or(functions.col(p).isNull()).or(functions.isnan(functions.col(p)))
                        .or(functions.abs(functions.col(p)).equalTo(Double.POSITIVE_INFINITY));
                parts.add(p);
            }
            for (int c = 0; c < spec.categoricalColumns().size(); c++) {
                String name = spec.categoricalColumns().get(c);
                requireColumn(inputs, name, cli.data());
                featureColumns.add(name);
                for (String v : spec.categories()[c]) {
                    String p = "__steepest_cat_" + parts.size();
                    df = df.withColumn(p, functions.when(functions.col(quote(name)).equalTo(v), 1.0).otherwise(0.0));
                    parts.add(p);
                }
            }
            df = new VectorAssembler().setInputCols(parts.toArray(new String[0])).setOutputCol(FEATURES)
                    .setHandleInvalid("keep").transform(df.withColumn("__steepest_bad", bad))
                    .drop(parts.toArray(new String[0]));
            bad = functions.col("__steepest_bad");
        }
        df = df.withColumn("__steepest_bad", bad);
        if (!options.skipBadRecords()) {
            Row first = df.filter(functions.col("__steepest_bad")).limit(1).select(
                    featureColumns.stream().map(c -> functions.col(quote(c))).toArray(Column[]::new)).collectAsList()
                    .stream().findFirst().orElse(null);
            if (first != null) {
                throw new InputError("--data: '" + cli.data() + "' has a record with a missing, non-numeric or "
                        + "non-finite feature value (" + describe(featureColumns, first) + "); set --set "
                        + "data.on-bad-record=skip to leave such records out");
            }
        } else {
            df = df.filter(functions.not(functions.col("__steepest_bad")));
        }
        List<String> keep = cli.keep() != null ? cli.keep()
                : inputs.stream().filter(c -> !featureColumns.contains(c)).toList();
        for (String k : keep) requireColumn(inputs, k, cli.data());
        List<Column> select = new ArrayList<>();
        for (String k : keep) select.add(functions.col(quote(k)));
        org.apache.spark.ml.PredictionModel<?, ?> sparkModel = SteepestModels.of(run.json());
        if (sparkModel instanceof SteepestClassificationModel m) {
            boolean prob = m.hasProbability();
            Dataset<Row> scored = m.setFeaturesCol(FEATURES).setPredictionCol(INDEX).setRawPredictionCol("")
                    .setProbabilityCol(prob ? PROBABILITY : "").transform(df);
            List<Object> labels = model.labelMapping();
            Column[] lits = labels.stream().map(functions::lit).toArray(Column[]::new);
            select.add(functions.element_at(functions.array(lits), functions.col(INDEX).cast("int").plus(1))
                    .as("prediction"));
            if (prob) {
                Column p = org.apache.spark.ml.functions.vector_to_array(functions.col(PROBABILITY), "float64");
                for (int c = 0; c < labels.size(); c++) select.add(p.getItem(c).as("probability_" + labels.get(c)));
            }
            df = scored;
        } else {
            df = ((SteepestRegressionModel) sparkModel).setFeaturesCol(FEATURES).setPredictionCol(INDEX).transform(df);
            select.add(functions.col(INDEX).as("prediction"));
        }
        var writer = df.select(select.toArray(new Column[0])).write().mode(cli.overwrite() ? "overwrite" : "errorifexists")
                .format(cli.format());
        if (cli.format().equals("csv")) writer = writer.option("header", true);
        writer.save(target);
        out.println("predictions: " + target);
    }

    private static Dataset<Row> read(SparkSession spark, BlockLoader.Options options, String path, int numFeatures) {
        try {
            return switch (options.format()) {
                case "csv" -> spark.read().option("header", options.header())
                        .option("sep", delimiter(options.delimiter())).csv(path);
                case "parquet" -> spark.read().parquet(path);
                default -> spark.read().format("libsvm").option("numFeatures", numFeatures).load(path);
            };
        } catch (Exception e) { // AnalysisException is checked in Java's eyes
            throw dev.steepest.spark.data.Errors.inputErrorOr(e, "--data: cannot read '" + path + "' as "
                    + options.format());
        }
    }

    private static String delimiter(String d) {
        return d.equals("\\t") || d.equalsIgnoreCase("tab") ? "\t" : d;
    }

    private static String vectorColumn(Dataset<Row> df, String path) {
        for (var f : df.schema().fields()) if (f.dataType() instanceof VectorUDT) return f.name();
        throw new InputError("--data: '" + path + "' has no vector column; training's features were a vector");
    }

    private static void checkSize(Dataset<Row> df, String column, String path, int d) {
        Row first = df.select(quote(column)).where(functions.col(quote(column)).isNotNull()).limit(1)
                .collectAsList().stream().findFirst().orElse(null);
        if (first != null && ((Vector) first.get(0)).size() != d) {
            throw new InputError("--data: '" + path + "' has " + ((Vector) first.get(0)).size()
                    + " features; the model takes " + d);
        }
    }

    private static void requireColumn(List<String> columns, String c, String path) {
        if (!columns.contains(c)) {
            throw new InputError("--data: no column '" + c + "' in '" + path + "' (the model's features are "
                    + "training's columns; columns here: " + String.join(", ", columns.subList(0,
                    Math.min(12, columns.size()))) + (columns.size() > 12 ? ", ..." : "") + ")");
        }
    }

    private static String describe(List<String> columns, Row r) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < columns.size() && parts.size() < 3; i++) {
            Object v = r.get(i);
            String s = String.valueOf(v);
            if (v == null || !s.matches("[-+]?[0-9.eE+-]+") || s.contains("Infinity")) parts.add(columns.get(i) + "=" + s);
        }
        return parts.isEmpty() ? "column " + columns.get(0) : String.join(", ", parts);
    }

    private static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }
}
