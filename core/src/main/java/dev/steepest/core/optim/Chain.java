package dev.steepest.core.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs transformations in order, each on the previous one's output; the state is the list of their states, the
 * gain the product of their gains.
 */
public final class Chain implements GradientTransformation {
    private static final long serialVersionUID = 1L;

    private final List<GradientTransformation> pieces;

    private Chain(List<GradientTransformation> pieces) {
        this.pieces = List.copyOf(pieces);
    }

    public static Chain of(GradientTransformation... pieces) {
        return new Chain(Arrays.asList(pieces));
    }

    public List<GradientTransformation> pieces() {
        return pieces;
    }

    /** The state of a chain: one state per piece, in order. */
    public record ChainState(List<OptState> states) implements OptState {
        public ChainState {
            states = List.copyOf(states);
        }
    }

    @Override
    public OptState init(double[] params) {
        List<OptState> states = new ArrayList<>(pieces.size());
        for (GradientTransformation t : pieces) states.add(t.init(params));
        return new ChainState(states);
    }

    @Override
    public Update update(double[] gradient, OptState state, double[] params) {
        List<OptState> in = ((ChainState) state).states();
        List<OptState> out = new ArrayList<>(pieces.size());
        double[] u = gradient;
        double gain = 1.0;
        double[] gains = null;
        for (int i = 0; i < pieces.size(); i++) {
            Update r = pieces.get(i).update(u, in.get(i), params);
            u = r.updates();
            out.add(r.state());
            gain *= r.gain();
            gains = Update.product(gains, r.gains());
        }
        return new Update(u, new ChainState(out), gain, gains);
    }
}
