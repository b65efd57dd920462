package dev.steepest.spark.exec;

import java.io.Serializable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * How one step's parameters reach the tasks: inside the task closure when small (no broadcast round trip), as a
 * broadcast when large (fetched once per executor instead of once per task). Released after the step.
 */
abstract class ParameterRef implements Serializable {
    private static final long serialVersionUID = 1L;

    abstract double[] get();

    abstract void release();

    static ParameterRef ship(JavaSparkContext jsc, double[] params, long broadcastThresholdBytes) {
        if (8L * params.length > broadcastThresholdBytes) {
            return new Broadcasted(jsc.broadcast(params));
        }
        return new InClosure(params);
    }

    static final class InClosure extends ParameterRef {
        private static final long serialVersionUID = 1L;
        private final double[] params;

        InClosure(double[] params) {
            this.params = params;
        }

        @Override double[] get() { return params; }
        @Override void release() { }
    }

    static final class Broadcasted extends ParameterRef {
        private static final long serialVersionUID = 1L;
        private final Broadcast<double[]> broadcast;

        Broadcasted(Broadcast<double[]> broadcast) {
            this.broadcast = broadcast;
        }

        @Override double[] get() { return broadcast.value(); }

        /** Non-blocking: executors drop their copies in the background. */
        @Override void release() { broadcast.destroy(false); }
    }
}
