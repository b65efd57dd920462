package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.model.MlpModel;
import dev.steepest.spark.job.TrainJob;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Softmax, Huber and hinge through the trainer on the samples, checked against their ground truth. */
class ModelTypesTrainingTest extends LocalSparkTest {

    @SuppressWarnings("unchecked")
    private static double test(TrainJob.Outcome o, String metric) {
        return ((Number) ((Map<String, Object>) o.summary().get("test")).get(metric)).doubleValue();
    }

    @Test
    void softmaxLearnsThreeClasses() {
        TrainJob.Outcome o = train(String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("softmax.csv") + "\"",
                "data.test = \"" + SparkTestSupport.sample("softmax-test.csv") + "\"",
                "model.type = softmax",
                "optimizer { name = adam, lr = 0.05 }",
                "schedule.name = cosine",
                "train { batch-size = 128, epochs = 15 }"));
        double[][] w = (double[][]) o.modelJson().get("coefficients");
        assertEquals(3, w.length);
        assertEquals(4, w[0].length);
        assertEquals(3, ((double[]) o.modelJson().get("intercepts")).length);
        // softmax is identified up to a shift common to all classes: compare differences with the truth
        // W = [[2, 0, -1, 0.5], [-1, 1.5, 0.5, 0], [0, -1.5, 1, -1]] (data-samples/README.md)
        double[][] truth = {{2.0, 0.0, -1.0, 0.5}, {-1.0, 1.5, 0.5, 0.0}, {0.0, -1.5, 1.0, -1.0}};
        for (int j = 0; j < 4; j++) {
            double fitted = w[0][j] - w[1][j];
            double expected = truth[0][j] - truth[1][j];
            assertEquals(expected, fitted, 0.5, "w0 - w1 at feature " + j);
        }
        assertTrue(test(o, "accuracy") > 0.7, o.summary().toString());
        assertTrue(test(o, "log_loss") < 0.7, o.summary().toString());
        assertTrue(test(o, "macro_f1") > 0.65, o.summary().toString());
        // the confusion matrix holds every test row once, its diagonal is the accuracy
        @SuppressWarnings("unchecked")
        double[][] confusion = (double[][]) ((Map<String, Object>) o.summary().get("test")).get("confusion_matrix");
        double total = 0;
        double diagonal = 0;
        for (int a = 0; a < 3; a++) {
            for (int p = 0; p < 3; p++) total += confusion[a][p];
            diagonal += confusion[a][a];
        }
        assertEquals(500.0, total, 0.0);
        assertEquals(test(o, "accuracy"), diagonal / total, 1e-12);
    }

    @Test
    @SuppressWarnings("unchecked")
    void mlpTrainsWithPerLayerOutputs() {
        TrainJob.Outcome o = train(String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("softmax.csv") + "\"",
                "data.test = \"" + SparkTestSupport.sample("softmax-test.csv") + "\"",
                "model { type = mlp, hidden = [16], activation = tanh }",
                "optimizer { name = adam, lr = 0.01 }",
                "schedule.name = cosine",
                "train { batch-size = 128, epochs = 15, seed = 3 }"));
        List<MlpModel.Layer> layers = (List<MlpModel.Layer>) o.modelJson().get("layers");
        assertEquals(2, layers.size());
        assertEquals(16, layers.get(0).weights().length);
        assertEquals(4, layers.get(0).weights()[0].length);
        assertEquals(3, layers.get(1).weights().length);
        assertEquals("tanh", layers.get(0).activation());
        assertTrue(!o.modelJson().containsKey("coefficients"), "networks are written as layers");
        assertTrue(test(o, "accuracy") > 0.7, o.summary().toString());
        assertTrue(test(o, "log_loss") < 0.7, o.summary().toString());
    }

    @Test
    void huberRegressionRecoversTheLinearTruth() {
        TrainJob.Outcome o = train(String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("linear.csv") + "\"",
                "data.test = \"" + SparkTestSupport.sample("linear-test.csv") + "\"",
                "data.label = y",
                "model { type = huber, huber-delta = 0.5 }",
                "optimizer { name = momentum, lr = 0.1 }",
                "train { batch-size = 100, epochs = 30 }"));
        double[] w = ((double[][]) o.modelJson().get("coefficients"))[0];
        double[] truth = {1.5, -2.0, 0.5, 0.0, 3.0};
        for (int j = 0; j < 5; j++) assertEquals(truth[j], w[j], 0.05, "coefficient " + j);
        assertEquals(2.0, ((double[]) o.modelJson().get("intercepts"))[0], 0.05);
        assertTrue(test(o, "rmse") < 0.15, o.summary().toString());
        assertTrue(test(o, "huber_loss") > 0);
        assertTrue(test(o, "r2") > 0.99, o.summary().toString());
    }

    @Test
    void hingeSvmClassifiesTheLogisticSample() {
        TrainJob.Outcome o = train(String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                "data.test = \"" + SparkTestSupport.sample("logistic-test.csv") + "\"",
                "model.type = hinge",
                "regularization.l2 = 0.01",
                "optimizer { name = sgd, lr = 0.1 }",
                "schedule.name = cosine",
                "train { batch-size = 100, epochs = 20 }"));
        double[] w = ((double[][]) o.modelJson().get("coefficients"))[0];
        // the SVM's direction agrees with the generating logistic model (2, -1, 0.5, 1.5) up to scale
        double dot = 2 * w[0] - w[1] + 0.5 * w[2] + 1.5 * w[3];
        double norm = Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2] + w[3] * w[3]) * Math.sqrt(4 + 1 + 0.25 + 2.25);
        assertTrue(dot / norm > 0.98, "cosine to the truth " + dot / norm);
        assertTrue(test(o, "accuracy") > 0.8, o.summary().toString());
        assertTrue(o.summary().containsKey("test") && test(o, "hinge_loss") > 0);
        assertTrue(test(o, "auc") > 0.85, o.summary().toString());
    }
}
