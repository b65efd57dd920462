package dev.steepest.spark.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The notes' debugging checklist applied to a finished run: loss NaN or diverged (gradient explosion), loss
 * increasing (rate too high), gradient vanishing while the loss is high or the loss stuck (plateau or saddle),
 * dead layers, exploding gradient norms, validation loss rising (overfitting). One line per finding, each ending
 * with the question the notes ask; none when the checklist finds nothing.
 */
public final class Diagnosis {
    /** A gradient norm below this while the loss is still high reads as a plateau or saddle. */
    static final double VANISHING = 1e-6;
    /** "High" loss: at least this fraction of the loss at the start. */
    static final double HIGH_LOSS = 0.5;

    private Diagnosis() {
    }

    public static List<String> of(RunData r) {
        List<String> out = new ArrayList<>();
        JsonNode s = r.summary();
        double[] loss = RunCharts.column(r.epochs(), "loss");
        double[] stepLoss = RunCharts.column(r.steps(), "loss");
        double[] norms = RunCharts.column(r.steps(), "gradient_norm");
        double start = stepLoss.length > 0 ? stepLoss[0] : loss.length > 0 ? loss[0] : Double.NaN;
        if ("diverged".equals(s.path("stop_reason").asText())) {
            out.add("training diverged (" + s.path("divergence").asText("non-finite loss") + "): gradient explosion? "
                    + "clip gradients (clip.norm) or lower optimizer.lr");
        }
        int window = Math.min(10, loss.length - 1);
        if (window >= 4) {
            int rose = 0;
            for (int i = loss.length - window; i < loss.length; i++) if (loss[i] > loss[i - 1]) rose++;
            if (rose * 2 > window) {
                out.add("loss rose in " + rose + " of the last " + window + " epochs: rate too high "
                        + "(or the gradient's sign wrong)?");
            }
        }
        double last = loss.length > 0 ? loss[loss.length - 1] : stepLoss.length > 0 ? stepLoss[stepLoss.length - 1]
                : Double.NaN;
        boolean high = Double.isFinite(start) && start > 0 && last >= HIGH_LOSS * start;
        double lastNorm = lastFinite(norms.length > 0 ? norms : RunCharts.column(r.epochs(), "gradient_norm"));
        if (high && lastNorm < VANISHING) {
            out.add(String.format(Locale.ROOT, "gradient norm fell below %.0e while loss is high (%.4g, %.0f%% of "
                    + "the start): plateau or saddle? add noise, try SGD, check the initialization", VANISHING, last,
                    100 * last / start));
        } else if (loss.length >= 5 && last >= 0.9 * start) {
            double first = loss[loss.length - 5];
            if (Math.abs(first - last) <= 1e-3 * Math.abs(first)) {
                out.add(String.format(Locale.ROOT, "loss stuck near its start (%.4g after %d epochs): plateau or "
                        + "saddle? add noise, try SGD, check the initialization", last, loss.length));
            }
        }
        for (JsonNode w : s.path("warnings")) {
            String t = w.asText();
            if (t.contains("no gradient reached")) {
                out.add(t.replaceFirst(" in the whole epoch.*", "")
                        + ": vanishing gradients or dead ReLUs? check activations, lower optimizer.lr");
            }
        }
        if (norms.length > 1 && norms[0] > 0 && !"diverged".equals(s.path("stop_reason").asText())) {
            double max = 0;
            for (double g : norms) if (Double.isFinite(g)) max = Math.max(max, g);
            if (max > 1e3 * norms[0]) {
                out.add(String.format(Locale.ROOT, "gradient norm grew to %.3g (%.0fx its start): exploding "
                        + "gradients? clip gradients (clip.norm) or lower optimizer.lr", max, max / norms[0]));
            }
        }
        if (s.path("best_epoch").isNumber()) {
            int best = s.path("best_epoch").asInt();
            double bestLoss = RunData.num(s, "best_validation_loss");
            JsonNode lastEpoch = r.epochs().isEmpty() ? null : r.epochs().get(r.epochs().size() - 1);
            double lastVal = lastEpoch == null ? Double.NaN : RunData.num(lastEpoch.path("validation"), "loss");
            int epochs = r.epochs().size();
            if (epochs - best >= 3 && lastVal > 1.05 * bestLoss) {
                out.add(String.format(Locale.ROOT, "validation loss rose from %.4g (epoch %d) to %.4g (epoch %d) "
                        + "while training went on: overfitting? early stopping or more regularization", bestLoss, best,
                        lastVal, epochs));
            }
        }
        return out;
    }

    private static double lastFinite(double[] v) {
        for (int i = v.length - 1; i >= 0; i--) if (Double.isFinite(v[i])) return v[i];
        return Double.NaN;
    }
}
