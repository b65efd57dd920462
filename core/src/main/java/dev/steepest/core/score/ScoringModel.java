package dev.steepest.core.score;

import dev.steepest.core.model.Activation;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A trained model as {@code model.json} describes it, parsed from its JSON object (maps, lists, numbers and
 * strings, as any JSON reader gives them): the {@link Scorer}, the feature names and, for classifiers, the original
 * label of each class index ({@code label_mapping}). The file's {@code format_version} must be
 * {@link #FORMAT_VERSION}; anything else is refused, so a reader never misreads a layout it does not know.
 */
public record ScoringModel(String type, int formatVersion, Scorer scorer, List<String> featureNames,
                           List<Object> labelMapping) implements Serializable {
    /** The {@code model.json} layout this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** The model types and what their scores are. */
    private static final Map<String, ScoreHead> LINEAR_HEADS = Map.of("linear", ScoreHead.IDENTITY,
            "huber", ScoreHead.IDENTITY, "logistic", ScoreHead.SIGMOID, "hinge", ScoreHead.MARGIN,
            "softmax", ScoreHead.SOFTMAX);

    public int numFeatures() {
        return scorer.numFeatures();
    }

    public boolean isClassifier() {
        return scorer.head().isClassifier();
    }

    /** Classes (the raw prediction's length) for classifiers; 0 for regression. */
    public int numClasses() {
        return isClassifier() ? scorer.rawSize() : 0;
    }

    /**
     * Parses {@code model.json}'s object. Throws {@link IllegalArgumentException} with a one-line message naming
     * the field when the object is not a steepest model of this format version.
     */
    public static ScoringModel fromJson(Map<String, Object> json) {
        Object version = json.get("format_version");
        if (version == null) {
            throw new IllegalArgumentException("no format_version: not a steepest model.json of format "
                    + FORMAT_VERSION + " (written by an older steepest, or not by steepest)");
        }
        if (!(version instanceof Number n) || n.doubleValue() != FORMAT_VERSION) {
            throw new IllegalArgumentException("format_version " + version + " is not supported; this steepest reads "
                    + "format_version " + FORMAT_VERSION);
        }
        String type = string(json, "type");
        Scorer scorer;
        if ("mlp".equals(type)) {
            scorer = mlp(list(json, "layers"));
        } else if (LINEAR_HEADS.containsKey(type)) {
            scorer = new LinearScorer(matrix(json.get("coefficients"), "coefficients"),
                    vector(json.get("intercepts"), "intercepts"), LINEAR_HEADS.get(type));
        } else {
            throw new IllegalArgumentException("type: '" + type + "' is not a steepest model type");
        }
        Object declared = json.get("num_features");
        if (!(declared instanceof Number d) || d.intValue() != scorer.numFeatures()) {
            throw new IllegalArgumentException("num_features: " + declared + ", but the parameters take "
                    + scorer.numFeatures() + " features");
        }
        @SuppressWarnings("unchecked")
        List<String> names = json.get("feature_names") instanceof List<?> l ? (List<String>) l : null;
        List<Object> labels = json.get("label_mapping") instanceof List<?> l ? List.copyOf(l) : null;
        if (scorer.head().isClassifier() && (labels == null || labels.size() != scorer.rawSize())) {
            throw new IllegalArgumentException("label_mapping: expected " + scorer.rawSize() + " labels for a "
                    + type + " model, found " + (labels == null ? "none" : labels.size()));
        }
        return new ScoringModel(type, FORMAT_VERSION, scorer, names, scorer.head().isClassifier() ? labels : null);
    }

    private static Scorer mlp(List<?> layers) {
        int n = layers.size();
        if (n == 0) throw new IllegalArgumentException("layers: empty");
        double[][][] w = new double[n][][];
        double[][] b = new double[n][];
        Activation[] hidden = new Activation[n - 1];
        ScoreHead head = null;
        for (int l = 0; l < n; l++) {
            if (!(layers.get(l) instanceof Map<?, ?> layer)) throw new IllegalArgumentException("layers[" + l + "]: not an object");
            w[l] = matrix(layer.get("weights"), "layers[" + l + "].weights");
            b[l] = vector(layer.get("bias"), "layers[" + l + "].bias");
            String act = String.valueOf(layer.get("activation"));
            try {
                if (l < n - 1) {
                    hidden[l] = Activation.fromName(act);
                } else {
                    head = switch (act) {
                        case "softmax" -> ScoreHead.SOFTMAX;
                        case "sigmoid" -> ScoreHead.SIGMOID;
                        case "identity" -> ScoreHead.IDENTITY;
                        default -> throw new IllegalArgumentException(act);
                    };
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layers[" + l + "].activation: '" + act + "' is not allowed here");
            }
        }
        return new MlpScorer(w, b, hidden, head);
    }

    private static String string(Map<String, Object> json, String field) {
        Object v = json.get(field);
        if (!(v instanceof String s)) throw new IllegalArgumentException(field + ": missing or not a string");
        return s;
    }

    private static List<?> list(Map<String, Object> json, String field) {
        if (!(json.get(field) instanceof List<?> l)) throw new IllegalArgumentException(field + ": missing or not a list");
        return l;
    }

    private static double[][] matrix(Object v, String field) {
        if (!(v instanceof List<?> rows)) throw new IllegalArgumentException(field + ": missing or not a list of rows");
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < m.length; i++) m[i] = vector(rows.get(i), field + "[" + i + "]");
        return m;
    }

    private static double[] vector(Object v, String field) {
        if (!(v instanceof List<?> xs)) throw new IllegalArgumentException(field + ": missing or not a list of numbers");
        double[] out = new double[xs.size()];
        for (int i = 0; i < out.length; i++) out[i] = number(xs.get(i), field);
        return out;
    }

    /** A number; Jackson writes non-finite doubles as the strings "NaN", "Infinity", "-Infinity". */
    private static double number(Object o, String field) {
        if (o instanceof Number n) return n.doubleValue();
        if (o instanceof String s && (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity"))) {
            return Double.parseDouble(s);
        }
        throw new IllegalArgumentException(field + ": '" + o + "' is not a number");
    }
}
