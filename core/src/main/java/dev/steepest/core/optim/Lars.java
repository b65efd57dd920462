package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import java.util.Arrays;
import java.util.List;

/**
 * LARS: Y. You, I. Gitman, B. Ginsburg, "Large Batch Training of Convolutional Networks", arXiv:1708.03888 (2017),
 * Algorithm 1 with the trust coefficient of its equation (6). For every layer (parameter group) {@code l}, at
 * update {@code t = 0, 1, ...}, with {@code v = 0} at the start:
 * <pre>
 *   lambda_l = eta * ||w_l|| / (||g_l|| + beta * ||w_l||)        (local LR; 1 if ||w_l|| = 0 or ||g_l|| = 0)
 *   v_l      = m * v_l + gamma(t) * lambda_l * (g_l + beta * w_l)
 *   w_l      = w_l - v_l
 * </pre>
 * {@code eta} is the trust coefficient, {@code beta} the weight decay, {@code m} the momentum and {@code gamma}
 * the global learning-rate schedule (0-based {@code t}, as {@link ScaleByLearningRate}). The global rate sits
 * <em>inside</em> the momentum, as in the paper: the velocity remembers the rates of the steps that built it, so
 * a warmup or decay changes only the new contributions (unlike {@code torch.optim.SGD}, whose {@code -lr} scales
 * the whole buffer). When {@code excludeUnregularized} is set, groups with {@code regularized = false}
 * (intercepts, biases) get neither decay nor trust ratio: {@code v = m * v + gamma(t) * g} there. Parameters in
 * no group are treated the same way.
 *
 * <p>As a chain: {@link LocalRate} ({@code lambda_l * (g_l + beta * w_l)}, stateless) then {@link
 * ScheduledMomentum} ({@code v = m * v + gamma(t) * u}, returns {@code -v}, keeps {@code v} and the step count).
 * Sign convention: the chain returns the update to add, {@code w + updates = w - v}.
 */
public final class Lars {
    private Lars() {
    }

    /** {@link Optimizers#lars}. */
    public static GradientTransformation create(LearningRateSchedule lr, double momentum, double weightDecay,
                                                double trustCoefficient, boolean excludeUnregularized,
                                                List<ParameterGroup> groups) {
        return Optimizers.lars(lr, momentum, weightDecay, trustCoefficient, excludeUnregularized, groups);
    }

    /**
     * LARS' local rate, {@code u_l = lambda_l * (g_l + beta * w_l)} on the given groups, {@code u = g} elsewhere:
     * {@link ScaleByTrustRatio} with the trust coefficient {@code eta} and the decay inside the ratio. Stateless.
     */
    public static final class LocalRate extends ScaleByTrustRatio {
        private static final long serialVersionUID = 1L;

        /** @param groups the groups that get decay and a trust ratio (all others pass through) */
        public LocalRate(double weightDecay, double trustCoefficient, List<ParameterGroup> groups) {
            super(trustCoefficient, weightDecay, groups);
        }
    }

    /** Heavy-ball momentum with the learning rate inside: {@code v = m * v + gamma(t) * u}, returns {@code -v}. */
    public static final class ScheduledMomentum implements GradientTransformation {
        private static final long serialVersionUID = 1L;

        private final LearningRateSchedule schedule;
        private final double momentum;

        public ScheduledMomentum(LearningRateSchedule schedule, double momentum) {
            if (!(momentum >= 0.0) || Double.isInfinite(momentum)) {
                throw new IllegalArgumentException("momentum must be finite and >= 0: " + momentum);
            }
            this.schedule = schedule;
            this.momentum = momentum;
        }

        /** The number of updates already made and the velocity {@code v} (the last step was {@code -v}). */
        public record VelocityState(long count, double[] velocity) implements OptState {
            @Override
            public boolean equals(Object o) {
                return o instanceof VelocityState s && count == s.count && Arrays.equals(velocity, s.velocity);
            }

            @Override
            public int hashCode() {
                return 31 * Long.hashCode(count) + Arrays.hashCode(velocity);
            }

            @Override
            public String toString() {
                return "VelocityState[count=" + count + ", velocity=" + Arrays.toString(velocity) + "]";
            }
        }

        @Override
        public OptState init(double[] params) {
            return new VelocityState(0, new double[params.length]);
        }

        @Override
        public Update update(double[] gradient, OptState state, double[] params) {
            VelocityState s = (VelocityState) state;
            double rate = schedule.rate(s.count());
            double[] v = new double[gradient.length];
            double[] out = new double[gradient.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = momentum * s.velocity()[i] + rate * gradient[i];
                out[i] = -v[i];
            }
            // settled: v = gamma(t) u / (1 - m), and the update is -v
            return new Update(out, new VelocityState(s.count() + 1, v), -rate / (1.0 - momentum), null);
        }
    }
}
