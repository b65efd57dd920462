package dev.steepest.spark.data;

import dev.steepest.spark.InputError;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Every rule about labels, in one place: what a staged record's label must be ({@link #stagingProblem}), which
 * classes the training set has ({@link #of}: numbers, sorted, or strings, sorted, mapped to 0 .. K-1), what each
 * record's label becomes in a block ({@link #value}, or why it cannot, {@link #problem}), and that a regression
 * label is not constant ({@link #checkNotConstant}). {@code classes} null: regression.
 */
final class Labels implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int MAX_DISTINCT_LABELS = 100_000;
    static final Labels REGRESSION = new Labels(null, null, List.of());

    /** The class values in class-index order (numbers), or 0 .. K-1 for string labels; null: regression. */
    final double[] classes;
    /** String labels in class-index order; null for numeric labels and regression. */
    final String[] names;
    /** Labels among numeric ones that are not numbers (bad records). */
    final List<String> notNumbers;
    private transient Map<String, Integer> index;

    Labels(double[] classes, String[] names, List<String> notNumbers) {
        this.classes = classes;
        this.names = names;
        this.notNumbers = notNumbers;
    }

    /** Training's classes as a held-out set meets them ({@link DataSpec}). */
    static Labels of(DataSpec train) {
        return train.classes() == null ? REGRESSION : new Labels(train.classes(), train.labelNames(), List.of());
    }

    /**
     * Checks a label's text while staging: it must be there, and a regression label must be a number (class
     * labels are mapped later). Returns the {@link BadRecord} reason, or null.
     */
    static String stagingProblem(String text, boolean regression) {
        if (text == null || text.isEmpty()) return BadRecord.MISSING_VALUE;
        return regression ? TextFields.problem(text) : null;
    }

    /**
     * The classes, from the distinct labels of the good records: numbers when at least two distinct labels are
     * numbers or all of them are (then a label that is not a number is a bad record), strings otherwise. A
     * multiclass model's numeric labels must be whole numbers; a binary one needs exactly two.
     */
    static Labels of(StagedInput staged, BlockLoader.Options opt) {
        List<Row> rows = staged.rows().filter(functions.col(StagedRows.BAD).isNull()).select(StagedRows.LABEL)
                .distinct().limit(MAX_DISTINCT_LABELS + 1).collectAsList();
        List<String> distinct = new ArrayList<>();
        for (Row r : rows) distinct.add(r.getString(0));
        return of(distinct, staged, opt);
    }

    /** The classes from {@code distinct}, the distinct labels of the good records (at most 100,001 of them). */
    static Labels of(java.util.Collection<String> distinct, StagedInput staged, BlockLoader.Options opt) {
        TreeSet<String> text = new TreeSet<>();
        TreeSet<Double> numbers = new TreeSet<>();
        for (String s : distinct) {
            text.add(s);
            double v = TextFields.parse(s);
            if (Double.isFinite(v)) numbers.add(v == 0.0 ? 0.0 : v); // -0.0 and 0.0 are one class
        }
        String where = staged.key() + ": label column '" + opt.labelColumn() + "' of '" + staged.path() + "': ";
        boolean numeric = numbers.size() >= 2 || (!numbers.isEmpty() && numbers.size() == text.size());
        int k = numeric ? numbers.size() : text.size();
        List<String> shown = new ArrayList<>();
        if (numeric) for (double v : numbers) shown.add(fmt(v));
        else shown.addAll(text);
        String found = k == 0 ? "no labels" : k > 5 ? k + " distinct labels"
                : "the label" + (k > 1 ? "s " : " ") + String.join(", ", shown);
        if (opt.maxClasses() == 2 && k != 2) {
            throw new InputError(where + "a binary classifier needs exactly 2 classes; found " + found
                    + (k > 2 ? " (model.type = softmax takes more)" : ""));
        }
        if (k < 2) throw new InputError(where + "a classifier needs at least 2 classes; found " + found);
        if (k > opt.maxClasses()) {
            throw new InputError(where + "more than " + opt.maxClasses() + " distinct labels (model.max-classes)");
        }
        if (!numeric) return new Labels(zeroTo(k), text.toArray(new String[0]), List.of());
        double[] classes = numbers.stream().mapToDouble(Double::doubleValue).toArray();
        if (opt.maxClasses() > 2) {
            for (double c : classes) {
                if (c != Math.rint(c)) {
                    throw new InputError(where + "the label " + c + " is not a whole number; a multiclass model "
                            + "takes whole-number or string labels");
                }
            }
        }
        List<String> notNumbers = text.stream().filter(t -> !Double.isFinite(TextFields.parse(t))).toList();
        return new Labels(classes, null, notNumbers);
    }

    /**
     * What a good staged record's label {@code text} becomes in a block: the regression value or the class index;
     * NaN when the label is bad at this point ({@link #problem} says why).
     */
    double value(String text) {
        if (classes == null) return TextFields.parse(text);
        if (names != null) {
            Integer k = index().get(text);
            return k == null ? Double.NaN : k;
        }
        double v = TextFields.parse(text);
        if (!Double.isFinite(v)) return Double.NaN;
        int k = Arrays.binarySearch(classes, v == 0.0 ? 0.0 : v);
        return k < 0 ? Double.NaN : k;
    }

    /** Why {@link #value} refused {@code text}: the {@link BadRecord} reason and the detail. */
    String[] problem(String text) {
        if (names != null) {
            return new String[] {BadRecord.UNSEEN_LABEL, "label '" + text + "', which training did not see (classes "
                    + describe() + ")"};
        }
        double v = TextFields.parse(text);
        if (!Double.isFinite(v)) {
            return new String[] {BadRecord.NOT_A_NUMBER, "label '" + TextFields.abbreviate(text)
                    + "' is not a number (the other labels are)"};
        }
        return new String[] {BadRecord.UNSEEN_LABEL, "label " + fmt(v) + ", which training did not see (classes "
                + describe() + ")"};
    }

    /** A training set's regression labels ranging over [lo, hi] must not be constant. */
    void checkNotConstant(String key, String path, double lo, double hi) {
        if (classes == null && lo == hi) {
            throw new InputError(key + ": the label of '" + path + "' is constant (" + fmt(lo)
                    + "); there is nothing to learn");
        }
    }

    private Map<String, Integer> index() {
        if (index == null) {
            Map<String, Integer> m = new HashMap<>();
            if (names != null) for (int k = 0; k < names.length; k++) m.put(names[k], k);
            index = m;
        }
        return index;
    }

    private String describe() {
        if (names != null) return String.join(", ", names);
        List<String> s = new ArrayList<>();
        for (double c : classes) s.add(fmt(c));
        return String.join(", ", s);
    }

    private static double[] zeroTo(int k) {
        double[] c = new double[k];
        for (int i = 0; i < k; i++) c[i] = i;
        return c;
    }

    /** A label as a message shows it: whole numbers without a fraction. */
    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
