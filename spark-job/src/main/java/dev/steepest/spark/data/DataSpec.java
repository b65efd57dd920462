package dev.steepest.spark.data;

import java.io.Serializable;
import java.util.List;

/**
 * What the training data fixed for every later data set of the run: the input columns (the numeric feature
 * columns, by name or LibSVM / vector position, and the categorical ones with the categories training saw, in
 * one-hot order), the model's feature names and count (numeric features, then one slot per category), whether
 * blocks are sparse, and the class labels in class-index order ({@code null} for regression): numeric labels in
 * {@code classes}, or, for a string label column, the names in {@code labelNames} (then {@code classes} is
 * 0 .. K-1).
 */
public record DataSpec(String format, List<String> featureNames, int numFeatures, boolean sparse,
                       double[] classes, String[] labelNames, List<String> numericColumns,
                       List<String> categoricalColumns, String[][] categories) implements Serializable {
    public DataSpec(String format, List<String> featureNames, int numFeatures, boolean sparse, double[] classes,
                    String[] labelNames) {
        this(format, featureNames, numFeatures, sparse, classes, labelNames, featureNames, List.of(), new String[0][]);
    }

    /** What model.json records as {@code label_mapping}: the original label of each class index. */
    public Object labelMapping() {
        return labelNames != null ? labelNames : classes;
    }

    /** The number of numeric input features (vector size, LibSVM feature count or numeric columns). */
    public int numericFeatures() {
        int slots = 0;
        for (String[] c : categories) slots += c.length;
        return numFeatures - slots;
    }
}
