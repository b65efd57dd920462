package dev.steepest.spark.ml;

import dev.steepest.core.score.LinearScorer;
import dev.steepest.core.score.MlpScorer;
import dev.steepest.core.score.Scorer;
import dev.steepest.core.score.ScoringModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * What the two model classes share: a Spark {@link Vector} scored by the {@link Scorer}, and the parameters as
 * Spark {@link Matrix} / {@link Vector} values.
 */
final class ModelParts {
    private ModelParts() {
    }

    static double[] raw(ScoringModel model, Vector features) {
        if (features instanceof SparseVector s) return raw(model, s.size(), s.indices(), s.values());
        double[] values = ((DenseVector) features.toDense()).values();
        return raw(model, values.length, null, values);
    }

    /** The raw scores of a row of {@code size} features: dense {@code values} when {@code indices} is null. */
    static double[] raw(ScoringModel model, int size, int[] indices, double[] values) {
        int d = model.numFeatures();
        if (size != d) {
            throw new IllegalArgumentException("features: a vector of size " + size + "; the model takes " + d
                    + " features");
        }
        return model.scorer().raw(indices, values);
    }

    static Matrix matrix(double[][] rows) {
        int r = rows.length;
        int c = r == 0 ? 0 : rows[0].length;
        double[] colMajor = new double[r * c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) colMajor[j * r + i] = rows[i][j];
        return new DenseMatrix(r, c, colMajor);
    }

    static LinearScorer linear(ScoringModel model) {
        if (model.scorer() instanceof LinearScorer l) return l;
        throw new UnsupportedOperationException("an mlp model has layers(), not coefficients and intercepts");
    }

    static List<MlpLayer> layers(ScoringModel model) {
        if (!(model.scorer() instanceof MlpScorer mlp)) {
            throw new UnsupportedOperationException("a " + model.type() + " model has coefficients and intercepts, "
                    + "not layers()");
        }
        List<MlpLayer> out = new ArrayList<>();
        for (int l = 0; l < mlp.numLayers(); l++) {
            out.add(new MlpLayer(matrix(mlp.weights(l)), Vectors.dense(mlp.bias(l).clone()), mlp.activation(l)));
        }
        return out;
    }

    /** Throws {@code t} unchecked (a Scala-style checked exception, as Spark's models throw SparkException). */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
