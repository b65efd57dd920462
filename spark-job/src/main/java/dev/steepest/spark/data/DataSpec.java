package dev.steepest.spark.data;

import java.io.Serializable;
import java.util.List;

/**
 * What the training data fixed for every later data set of the run: the feature columns (names, order, count),
 * whether blocks are sparse, and the class labels in class-index order ({@code null} for regression).
 */
public record DataSpec(String format, List<String> featureNames, int numFeatures, boolean sparse,
                       double[] classes) implements Serializable {
}
