package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import java.util.ArrayList;
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

    /**
     * @param lr                   the global learning-rate schedule {@code gamma(t)}
     * @param momentum             {@code m >= 0} (paper: 0.9)
     * @param weightDecay          {@code beta >= 0}, inside the trust ratio and the step
     * @param trustCoefficient     {@code eta > 0} (paper: 0.001)
     * @param excludeUnregularized no decay and ratio 1 for groups with {@code regularized = false}
     * @param groups               the layers; one trust ratio each
     * @throws IllegalArgumentException on an impossible hyper-parameter
     */
    public static GradientTransformation create(LearningRateSchedule lr, double momentum, double weightDecay,
                                                double trustCoefficient, boolean excludeUnregularized,
                                                List<ParameterGroup> groups) {
        return Chain.of(new LocalRate(weightDecay, trustCoefficient, layerwiseGroups(groups, excludeUnregularized)),
                new ScheduledMomentum(lr, momentum));
    }

    /**
     * The groups a layer-wise method (LARS, LAMB) decays and rescales: with {@code excludeUnregularized} only the
     * regularized ones, otherwise all of them.
     */
    static List<ParameterGroup> layerwiseGroups(List<ParameterGroup> groups, boolean excludeUnregularized) {
        List<ParameterGroup> out = new ArrayList<>(groups.size());
        for (ParameterGroup g : groups) {
            if (g.regularized() || !excludeUnregularized) out.add(g);
        }
        return List.copyOf(out);
    }

    /**
     * {@code u_l = lambda_l * (g_l + beta * w_l)} on the given groups, {@code u = g} elsewhere; stateless.
     */
    public static final class LocalRate implements GradientTransformation {
        private static final long serialVersionUID = 1L;

        private final double weightDecay;
        private final double trustCoefficient;
        private final List<ParameterGroup> groups;

        /** @param groups the groups that get decay and a trust ratio (all others pass through) */
        public LocalRate(double weightDecay, double trustCoefficient, List<ParameterGroup> groups) {
            if (!(weightDecay >= 0.0) || Double.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("weight_decay must be finite and >= 0: " + weightDecay);
            }
            if (!(trustCoefficient > 0.0) || Double.isInfinite(trustCoefficient)) {
                throw new IllegalArgumentException("trust coefficient must be finite and > 0: " + trustCoefficient);
            }
            this.weightDecay = weightDecay;
            this.trustCoefficient = trustCoefficient;
            this.groups = List.copyOf(groups);
        }

        @Override
        public OptState init(double[] params) {
            return EmptyState.INSTANCE;
        }

        @Override
        public Update update(double[] gradient, OptState state, double[] params) {
            double[] u = gradient.clone();
            for (ParameterGroup g : groups) {
                double wNorm = g.norm(params);
                double gNorm = g.norm(gradient);
                double local = (wNorm == 0.0 || gNorm == 0.0)
                        ? 1.0 : trustCoefficient * wNorm / (gNorm + weightDecay * wNorm);
                for (int i = g.offset(); i < g.end(); i++) u[i] = local * (gradient[i] + weightDecay * params[i]);
            }
            return new Update(u, state);
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
            return new Update(out, new VelocityState(s.count() + 1, v));
        }
    }
}
