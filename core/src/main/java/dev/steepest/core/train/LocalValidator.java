package dev.steepest.core.train;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Evaluation;
import dev.steepest.core.model.Model;
import java.util.List;

/** The single-process {@link Validator}: the model's evaluation over the blocks, merged in block order. */
public final class LocalValidator implements Validator {
    private final List<Block> blocks;
    private final Model model;

    public LocalValidator(List<Block> blocks, Model model) {
        this.blocks = List.copyOf(blocks);
        this.model = model;
    }

    @Override
    public Evaluation evaluate(double[] params) {
        Evaluation total = new Evaluation();
        for (Block b : blocks) {
            Evaluation part = new Evaluation();
            model.evaluate(b, params, part);
            total.merge(part);
        }
        return total;
    }
}
