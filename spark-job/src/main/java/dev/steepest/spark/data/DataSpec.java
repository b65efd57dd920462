package dev.steepest.spark.data;

import java.io.Serializable;
import java.util.List;

/**
 * What the training data fixed for every later data set of the run: the feature columns (names, order, count),
 * whether blocks are sparse, and the class labels in class-index order ({@code null} for regression): numeric
 * labels in {@code classes}, or, for a string label column, the names in {@code labelNames} (then
 * {@code classes} is 0 .. K-1).
 */
public record DataSpec(String format, List<String> featureNames, int numFeatures, boolean sparse,
                       double[] classes, String[] labelNames) implements Serializable {
    /** What model.json records as {@code label_mapping}: the original label of each class index. */
    public Object labelMapping() {
        return labelNames != null ? labelNames : classes;
    }
}
