package dev.steepest.spark.data;

import java.io.Serializable;
import java.util.List;

/**
 * What the training data fixed for every later data set of the run: the feature columns (names, order, count),
 * whether blocks are sparse, and the class labels in class-index order ({@code null} for regression).
 */
public record DataSpec(String format, List<String> featureNames, int numFeatures, boolean sparse,
                       double[] classes) implements Serializable {
    /** The class index of {@code label}, or -1 when it is not one of the classes. */
    public int classIndex(double label) {
        for (int k = 0; k < classes.length; k++) {
            if (Double.compare(classes[k], label) == 0 || classes[k] == label) return k;
        }
        return -1;
    }
}
