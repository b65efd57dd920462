package dev.steepest.spark.data;

import dev.steepest.spark.InputError;
import java.io.Serializable;
import java.util.List;
import java.util.TreeSet;

/**
 * What the loader needs to know of one source pack before its rows go to blocks, found in one pass: the size of its
 * first vector ({@link PackedRows#firstVectorSize}), the distinct labels of its good records (at most
 * {@link #MAX_LABELS}, as {@code Labels.of}'s Spark query finds them), and its largest sparse index + 1
 * ({@code LibsvmStager.largestIndex}). One job collects them for every pack, where there were up to three (the
 * vector size, the classes, the LibSVM feature count), each a pass over the packs and a job's fixed cost. Public
 * only for the Kryo registrator (a task result).
 */
public final class PackFacts implements Serializable {
    private static final long serialVersionUID = 1L;
    /** {@code Labels}' limit on distinct labels, plus one. */
    static final int MAX_LABELS = 100_001;

    private final int firstVectorSize;
    private final String[] labels;
    private final int largestIndex;
    /** Whether a good record has a dense vector (a LibSVM record never has). */
    private final boolean denseGood;

    private PackFacts(int firstVectorSize, String[] labels, int largestIndex, boolean denseGood) {
        this.firstVectorSize = firstVectorSize;
        this.labels = labels;
        this.largestIndex = largestIndex;
        this.denseGood = denseGood;
    }

    static PackFacts of(PackedRows p) {
        TreeSet<String> seen = new TreeSet<>();
        int largest = 0;
        boolean dense = false;
        for (int i = 0; i < p.n; i++) {
            if (p.bad[i] != null) continue;
            if (seen.size() < MAX_LABELS) seen.add(p.label[i]);
            if (!p.sparse(i)) {
                dense = true;
                continue;
            }
            int end = p.start[i + 1];
            if (end > p.start[i]) largest = Math.max(largest, p.indices[end - 1] + 1);
        }
        return new PackFacts(p.firstVectorSize, seen.toArray(new String[0]), largest, dense);
    }

    /** The distinct labels of every pack's good records, at most {@link #MAX_LABELS}. */
    static TreeSet<String> labels(List<PackFacts> facts) {
        TreeSet<String> all = new TreeSet<>();
        for (PackFacts f : facts) {
            for (String l : f.labels) if (all.size() < MAX_LABELS) all.add(l);
        }
        return all;
    }

    /** The first vector's size in pack order, -1 for none. */
    static int firstVectorSize(List<PackFacts> facts) {
        for (PackFacts f : facts) if (f.firstVectorSize >= 0) return f.firstVectorSize;
        return -1;
    }

    /** {@code LibsvmStager.largestIndex} over the packs: the LibSVM feature count. */
    static int largestIndex(List<PackFacts> facts, StagedInput staged) {
        int max = 0;
        for (PackFacts f : facts) {
            if (f.denseGood) throw new ClassCastException("a LibSVM record without a sparse vector");
            max = Math.max(max, f.largestIndex);
        }
        if (max == 0) {
            throw new InputError(staged.key() + ": '" + staged.path() + "' has no features (no index:value pairs)");
        }
        return max;
    }
}
