package dev.steepest.core.model;

import dev.steepest.core.data.Block;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an {@link MlpModel}'s parameters live in its flat vector. Layer by layer ({@code l = 0 .. L}, layer 0
 * reads the features, layer L is the output layer): the weights {@code W_l} as a row-major {@code n_out x n_in}
 * matrix, then the bias {@code b_l} ({@code n_out}). {@link #groups()} has one group per weight matrix,
 * {@code layer<l>.weights} (regularized), and one per bias, {@code layer<l>.bias} (not regularized), in that
 * order. The kernels ({@link MlpLoopKernel}, {@link MlpDenseKernel}) and the initializer ({@link MlpInitializer})
 * read the widths and offsets from here.
 */
final class MlpLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Layer widths: {@code sizes[0] = numFeatures}, then the hidden widths, then {@code numOutputs}. */
    final int[] sizes;
    final int[] weightOffset;
    final int[] biasOffset;
    final int numParameters;

    /** @param sizes {@code [d, h_1, ..., h_{L-1}, K]}; the hidden widths are checked here (each >= 1). */
    MlpLayout(int[] sizes) {
        for (int l = 1; l < sizes.length - 1; l++) {
            if (sizes[l] < 1) throw new IllegalArgumentException("hidden width must be >= 1: " + sizes[l]);
        }
        this.sizes = sizes.clone();
        int layers = sizes.length - 1;
        weightOffset = new int[layers];
        biasOffset = new int[layers];
        long offset = 0;
        for (int l = 0; l < layers; l++) {
            weightOffset[l] = (int) offset;
            offset += (long) sizes[l] * sizes[l + 1];
            if (offset > Integer.MAX_VALUE - 8) break;
            biasOffset[l] = (int) offset;
            offset += sizes[l + 1];
            if (offset > Integer.MAX_VALUE - 8) break;
        }
        if (offset > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many parameters for one array: more than " + offset);
        }
        numParameters = (int) offset;
    }

    int numFeatures() {
        return sizes[0];
    }

    int numOutputs() {
        return sizes[sizes.length - 1];
    }

    /** Number of affine layers, hidden ones plus the output layer. */
    int numLayers() {
        return sizes.length - 1;
    }

    /** The widest layer output ({@code max n_{l+1}}, at least 1): the width of the kernels' delta buffers. */
    int widestOutput() {
        int widest = 1;
        for (int l = 1; l < sizes.length; l++) widest = Math.max(widest, sizes[l]);
        return widest;
    }

    List<ParameterGroup> groups() {
        List<ParameterGroup> g = new ArrayList<>(2 * numLayers());
        for (int l = 0; l < numLayers(); l++) {
            g.add(new ParameterGroup("layer" + l + ".weights", weightOffset[l], sizes[l] * sizes[l + 1], true));
            g.add(new ParameterGroup("layer" + l + ".bias", biasOffset[l], sizes[l + 1], false));
        }
        return List.copyOf(g);
    }

    void checkBlock(Block block) {
        if (block.numFeatures() != numFeatures()) {
            throw new IllegalArgumentException("block has " + block.numFeatures() + " features, model "
                    + numFeatures());
        }
    }

    void checkParams(double[] params) {
        if (params.length != numParameters) {
            throw new IllegalArgumentException("expected " + numParameters + " parameters: " + params.length);
        }
    }
}
