package dev.steepest.spark.job;

import dev.steepest.core.model.MlpModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.model.Standardized;
import dev.steepest.core.score.LinearScorer;
import dev.steepest.core.score.MlpScorer;
import dev.steepest.core.score.ScoringModel;
import dev.steepest.spark.InputError;
import dev.steepest.spark.ml.FlatParameters;
import dev.steepest.spark.ml.ModelJson;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Warm start ({@code model.init-from}, the Estimators' {@code setInitialModel}): the model to start from, read and
 * parsed, and its parameters as the run's model takes them. Both the CLI and the Estimators come through here: the
 * parameters replace the initializer's, nothing else changes. A model of another shape (type, features, classes,
 * layers) is an {@link InputError} naming both shapes.
 */
public final class WarmStart {
    private WarmStart() {
    }

    /** A model to start from: {@code name} says where it came from in messages. */
    public record Source(String name, ScoringModel model) {
    }

    /** The model at {@code path}: a run directory, a model.json, or a saved Spark ML model directory. */
    public static Source read(Configuration conf, String key, String path) {
        String name = key + ": '" + path + "'";
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            Path file = p;
            if (fs.getFileStatus(p).isDirectory()) {
                dev.steepest.spark.output.RunDirectory.requireComplete(path, conf, key);
                file = new Path(p, "model.json");
                if (!fs.exists(file)) file = new Path(new Path(p, "data"), "model.json");
                if (!fs.exists(file)) {
                    throw new InputError(name + " is not a steepest model (no model.json or data/model.json in it)");
                }
            }
            try (InputStream in = fs.open(file)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new Source(name, ModelJson.parse(text, key + ": " + file));
            }
        } catch (FileNotFoundException e) {
            throw new InputError(key + ": no such file or directory '" + path + "'");
        } catch (IOException e) {
            throw new InputError(key + ": cannot read '" + path + "': " + e.getMessage(), e);
        }
    }

    /**
     * The initial parameters of {@code model} (the run's, possibly {@link Standardized}) from {@code source}: the
     * stored parameters, which are in the original feature space, mapped into the scaled space when the run
     * standardizes ({@link Standardized#fromOriginal}).
     */
    public static double[] parameters(Source source, Model model) {
        Model inner = model instanceof Standardized s ? s.inner() : model;
        ScoringModel json = source.model();
        String have = shape(json);
        String want = shape(inner);
        if (!have.equals(want)) {
            throw new InputError(source.name() + " holds " + article(have) + have + "; this run trains " + article(want)
                    + want);
        }
        if (!(inner instanceof MlpModel) && inner.numParameters() == inner.numOutputs() * inner.numFeatures()) {
            for (double b : ((LinearScorer) json.scorer()).intercepts()) {
                if (b != 0.0) {
                    throw new InputError(source.name() + " has non-zero intercepts; this run fits none "
                            + "(model.fit-intercept = false)");
                }
            }
        }
        double[] original = FlatParameters.of(json, inner);
        return model instanceof Standardized s ? s.fromOriginal(original) : original;
    }

    private static String article(String shape) {
        return shape.startsWith("mlp") ? "an " : "a ";
    }

    /** "softmax model of 4 features and 3 classes", "mlp model of layers 4-8-3 (relu, softmax)". */
    static String shape(ScoringModel m) {
        if (m.scorer() instanceof MlpScorer mlp) {
            StringJoiner widths = new StringJoiner("-");
            StringJoiner acts = new StringJoiner(", ");
            widths.add(String.valueOf(mlp.numFeatures()));
            for (int l = 0; l < mlp.numLayers(); l++) {
                widths.add(String.valueOf(mlp.weights(l).length));
                if (l == 0 || !mlp.activation(l).equals(mlp.activation(l - 1))) acts.add(mlp.activation(l));
            }
            return "mlp model of layers " + widths + " (" + acts + ")";
        }
        return linearShape(m.type(), m.numFeatures(), m.numClasses());
    }

    static String shape(Model m) {
        if (m instanceof MlpModel net) {
            StringJoiner widths = new StringJoiner("-");
            StringJoiner acts = new StringJoiner(", ");
            int[] sizes = net.layerSizes();
            widths.add(String.valueOf(sizes[0]));
            java.util.List<MlpModel.Layer> layers = net.layers(new double[net.numParameters()]);
            for (int l = 0; l < layers.size(); l++) {
                widths.add(String.valueOf(sizes[l + 1]));
                if (l == 0 || !layers.get(l).activation().equals(layers.get(l - 1).activation())) {
                    acts.add(layers.get(l).activation());
                }
            }
            return "mlp model of layers " + widths + " (" + acts + ")";
        }
        return linearShape(m.type(), m.numFeatures(), m.isClassifier() ? Math.max(2, m.numOutputs()) : 0);
    }

    private static String linearShape(String type, int features, int classes) {
        return type + " model of " + features + " features" + (classes > 0 ? " and " + classes + " classes" : "");
    }
}
