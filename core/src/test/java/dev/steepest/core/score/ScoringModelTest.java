package dev.steepest.core.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scoring kernel against a reference written from the model.json layout alone (plain formulas, no code of
 * the kernel), on random models of every type and random dense and sparse rows.
 */
class ScoringModelTest {
    private static final int D = 7;
    private final Random rnd = new Random(11);

    @Test
    void everyLinearModelTypeScoresAsItsFormulaFromModelJson() {
        for (String type : List.of("linear", "huber", "logistic", "hinge", "softmax")) {
            int k = type.equals("softmax") ? 4 : 1;
            Map<String, Object> json = linearJson(type, k);
            ScoringModel model = ScoringModel.fromJson(json);
            for (int r = 0; r < 50; r++) {
                double[] x = row(r % 3 == 0);
                checkRow(model, json, x);
            }
        }
    }

    @Test
    void everyMlpHeadAndActivationScoresAsTheForwardPassFromModelJson() {
        String[][] cases = {{"relu", "softmax"}, {"leaky_relu", "sigmoid"}, {"tanh", "identity"},
            {"sigmoid", "softmax"}};
        for (String[] c : cases) {
            int outputs = c[1].equals("softmax") ? 3 : 1;
            Map<String, Object> json = mlpJson(new int[] {D, 5, 4, outputs}, c[0], c[1]);
            ScoringModel model = ScoringModel.fromJson(json);
            for (int r = 0; r < 50; r++) checkRow(model, json, row(r % 2 == 0));
        }
        // no hidden layer at all
        Map<String, Object> json = mlpJson(new int[] {D, 3}, "relu", "softmax");
        checkRow(ScoringModel.fromJson(json), json, row(false));
    }

    @Test
    void aSparseRowScoresAsItsDenseForm() {
        Map<String, Object> json = mlpJson(new int[] {D, 6, 3}, "relu", "softmax");
        Scorer s = ScoringModel.fromJson(json).scorer();
        double[] dense = new double[D];
        dense[1] = 0.5;
        dense[4] = -2.0;
        double[] a = s.raw(dense);
        double[] b = s.raw(new int[] {1, 4}, new double[] {0.5, -2.0});
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-15);
    }

    @Test
    void aMissingOrUnknownFormatVersionIsRefusedNamingTheField() {
        Map<String, Object> json = linearJson("logistic", 1);
        json.remove("format_version");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoringModel.fromJson(json));
        assertTrue(e.getMessage().startsWith("no format_version"), e.getMessage());
        json.put("format_version", 2);
        e = assertThrows(IllegalArgumentException.class, () -> ScoringModel.fromJson(json));
        assertTrue(e.getMessage().startsWith("format_version 2 is not supported"), e.getMessage());
    }

    @Test
    void aClassifierWithoutItsLabelMappingOrWithAnUnknownTypeIsRefused() {
        Map<String, Object> json = linearJson("softmax", 3);
        json.put("label_mapping", List.of("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> ScoringModel.fromJson(json));
        Map<String, Object> other = linearJson("linear", 1);
        other.put("type", "forest");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScoringModel.fromJson(other))
                .getMessage().startsWith("type:"));
    }

    @Test
    void theHingeModelHasMarginsButNoProbability() {
        ScoringModel m = ScoringModel.fromJson(linearJson("hinge", 1));
        assertFalse(m.scorer().head().hasProbability());
        assertEquals(2, m.numClasses());
        assertThrows(UnsupportedOperationException.class, () -> m.scorer().probability(row(false)));
    }

    // ------------------------------------------------------------------------------------------ the reference

    @Test
    void aSparseRowOfASoftmaxModelScoresAsEachClassSumOfItsNonZerosInColumnOrder() {
        Map<String, Object> json = linearJson("softmax", 5);
        ScoringModel model = ScoringModel.fromJson(json);
        LinearScorer s = (LinearScorer) model.scorer();
        for (int r = 0; r < 50; r++) {
            double[] x = row(true);
            int nnz = 0;
            for (double v : x) if (v != 0.0) nnz++;
            int[] idx = new int[nnz];
            double[] val = new double[nnz];
            for (int j = 0, n = 0; j < D; j++) {
                if (x[j] != 0.0) {
                    idx[n] = j;
                    val[n++] = x[j];
                }
            }
            double[] raw = s.raw(idx, val);
            double[] dense = s.raw(x);
            for (int c = 0; c < 5; c++) {
                double want = 0.0;
                for (int n = 0; n < nnz; n++) want += s.coefficients()[c][idx[n]] * val[n];
                want += s.intercepts()[c];
                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(raw[c]), "class " + c);
                assertEquals(dense[c], raw[c], 1e-12 * Math.max(1, Math.abs(dense[c])));
            }
        }
    }

    private void checkRow(ScoringModel model, Map<String, Object> json, double[] x) {
        double[] outputs = referenceOutputs(json, x);
        String type = (String) json.get("type");
        String head = type.equals("mlp") ? lastActivation(json) : type;
        Scorer s = model.scorer();
        double[] raw = s.raw(x);
        switch (head) {
            case "linear", "huber", "identity" -> {
                assertEquals(1, raw.length);
                assertEquals(outputs[0], raw[0], 1e-12 * Math.max(1, Math.abs(outputs[0])));
                assertEquals(outputs[0], s.predict(x), 1e-12 * Math.max(1, Math.abs(outputs[0])));
                assertEquals(0, model.numClasses());
            }
            case "logistic", "hinge", "sigmoid" -> {
                double m = outputs[0];
                assertEquals(-m, raw[0], 1e-12);
                assertEquals(m, raw[1], 1e-12);
                assertEquals(m > 0 ? 1.0 : 0.0, s.predict(x));
                if (!head.equals("hinge")) {
                    double p1 = 1 / (1 + Math.exp(-m));
                    double[] p = s.probability(x);
                    assertEquals(1 - p1, p[0], 1e-12);
                    assertEquals(p1, p[1], 1e-12);
                }
            }
            default -> { // softmax
                double sum = 0;
                for (double o : outputs) sum += Math.exp(o);
                double[] p = s.probability(x);
                int best = 0;
                for (int c = 0; c < outputs.length; c++) {
                    assertEquals(outputs[c], raw[c], 1e-12);
                    assertEquals(Math.exp(outputs[c]) / sum, p[c], 1e-12);
                    if (outputs[c] > outputs[best]) best = c;
                }
                assertEquals(best, s.predict(x));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static double[] referenceOutputs(Map<String, Object> json, double[] x) {
        if (!json.get("type").equals("mlp")) {
            List<List<Double>> w = (List<List<Double>>) json.get("coefficients");
            List<Double> b = (List<Double>) json.get("intercepts");
            double[] out = new double[w.size()];
            for (int c = 0; c < out.length; c++) {
                double s = b.get(c);
                for (int j = 0; j < x.length; j++) s += w.get(c).get(j) * x[j];
                out[c] = s;
            }
            return out;
        }
        double[] a = x;
        List<Map<String, Object>> layers = (List<Map<String, Object>>) json.get("layers");
        for (int l = 0; l < layers.size(); l++) {
            List<List<Double>> w = (List<List<Double>>) layers.get(l).get("weights");
            List<Double> b = (List<Double>) layers.get(l).get("bias");
            String act = (String) layers.get(l).get("activation");
            double[] z = new double[w.size()];
            for (int o = 0; o < z.length; o++) {
                double s = b.get(o);
                for (int i = 0; i < a.length; i++) s += w.get(o).get(i) * a[i];
                z[o] = l == layers.size() - 1 ? s : switch (act) {
                    case "relu" -> Math.max(0, s);
                    case "leaky_relu" -> s > 0 ? s : 0.01 * s;
                    case "tanh" -> Math.tanh(s);
                    case "sigmoid" -> 1 / (1 + Math.exp(-s));
                    default -> throw new IllegalStateException(act);
                };
            }
            a = z;
        }
        return a;
    }

    @SuppressWarnings("unchecked")
    private static String lastActivation(Map<String, Object> json) {
        List<Map<String, Object>> layers = (List<Map<String, Object>>) json.get("layers");
        return (String) layers.get(layers.size() - 1).get("activation");
    }

    // ------------------------------------------------------------------------------------------ fixtures

    private double[] row(boolean sparse) {
        double[] x = new double[D];
        for (int j = 0; j < D; j++) x[j] = sparse && rnd.nextBoolean() ? 0.0 : rnd.nextGaussian() * 2;
        return x;
    }

    private List<Double> numbers(int n) {
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < n; i++) v.add(rnd.nextGaussian());
        return v;
    }

    private Map<String, Object> linearJson(String type, int k) {
        Map<String, Object> m = base(type);
        List<List<Double>> w = new ArrayList<>();
        for (int c = 0; c < k; c++) w.add(numbers(D));
        m.put("coefficients", w);
        m.put("intercepts", numbers(k));
        boolean classifier = !type.equals("linear") && !type.equals("huber");
        m.put("label_mapping", !classifier ? null : k == 1 ? List.of(-1.0, 1.0) : labels(k));
        return m;
    }

    private Map<String, Object> mlpJson(int[] sizes, String hidden, String head) {
        Map<String, Object> m = base("mlp");
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.length; l++) {
            List<List<Double>> w = new ArrayList<>();
            for (int o = 0; o < sizes[l + 1]; o++) w.add(numbers(sizes[l]));
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("weights", w);
            layer.put("bias", numbers(sizes[l + 1]));
            layer.put("activation", l + 2 == sizes.length ? head : hidden);
            layers.add(layer);
        }
        m.put("layers", layers);
        int out = sizes[sizes.length - 1];
        m.put("label_mapping", head.equals("identity") ? null : head.equals("sigmoid") ? List.of("no", "yes") : labels(out));
        return m;
    }

    private static List<Object> labels(int k) {
        List<Object> l = new ArrayList<>();
        for (int c = 0; c < k; c++) l.add("class" + c);
        return l;
    }

    private static Map<String, Object> base(String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format_version", 1);
        m.put("type", type);
        m.put("num_features", D);
        List<String> names = new ArrayList<>();
        for (int j = 0; j < D; j++) names.add("f" + j);
        m.put("feature_names", names);
        return m;
    }
}
