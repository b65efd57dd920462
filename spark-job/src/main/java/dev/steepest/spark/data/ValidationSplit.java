package dev.steepest.spark.data;

import dev.steepest.core.data.Block;
import dev.steepest.core.train.StratifiedSplit;
import dev.steepest.spark.InputError;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;

/**
 * {@code data.validation-fraction}: splits the cached training blocks into training and validation blocks, in
 * place, partition by partition. The driver counts the rows of each class in each partition (one job), computes
 * the exact quotas ({@link StratifiedSplit#quotas}), and every partition then marks its own validation rows with
 * {@link StratifiedSplit#validationRows} — a pure function of the labels, the quotas, {@code train.seed} and the
 * partition index, so the two {@code mapPartitions} passes (training rows, validation rows) agree row for row and a
 * rerun gives the same split. Regression uses a single stratum: a plain seeded split.
 */
public final class ValidationSplit {
    private ValidationSplit() {
    }

    /** The rows kept for training, and the held-out validation rows (both cached, one block per partition). */
    public record Parts(TrainingData train, TrainingData validation) {
    }

    /**
     * Splits {@code data} into two cached parts; {@code data} itself stays cached until its owner releases it (a
     * run's loaded training set may serve several runs: {@code steepest compare}). {@code numStrata} is the number of
     * classes for a classifier (labels are class indices 0..K-1), 1 for regression.
     *
     * @throws InputError naming {@code data.validation-fraction} when either part would be empty
     */
    public static Parts split(TrainingData data, double fraction, long seed, int numStrata, boolean truncateLineage) {
        JavaRDD<Block> blocks = data.blocks();
        // counts travel as double[] (registered with Kryo; exact below 2^53)
        List<double[]> perPartition = blocks.map(b -> strataCounts(b, numStrata)).collect();
        long[][] counts = new long[perPartition.size()][numStrata];
        for (int p = 0; p < counts.length; p++) {
            for (int s = 0; s < numStrata; s++) counts[p][s] = (long) perPartition.get(p)[s];
        }
        long[][] quotas = StratifiedSplit.quotas(counts, fraction);
        long held = 0;
        for (long[] q : quotas) for (long v : q) held += v;
        long n = data.numRows();
        if (held == 0 || held == n) {
            throw new InputError("data.validation-fraction: " + fraction + " of " + n + " rows leaves "
                    + (held == 0 ? "no validation rows" : "no training rows"));
        }
        // both parts derive from the lineage of the cached blocks, so that a lost part's partition is recomputed
        // from the input (CachedBlocks)
        JavaRDD<Block> source = CachedBlocks.lineage(blocks);
        JavaRDD<Block> train = CachedBlocks.cache(source.mapPartitionsWithIndex(part(quotas, seed, numStrata, false),
                true), truncateLineage);
        JavaRDD<Block> validation = CachedBlocks.cache(source.mapPartitionsWithIndex(part(quotas, seed, numStrata,
                true), true), truncateLineage);
        TrainingData trainData = summarize(train, data, "training");
        TrainingData validationData = summarize(validation, data, "validation");
        return new Parts(trainData, validationData);
    }

    /** Rows per stratum (class index, or 0 for regression) of one block. */
    static double[] strataCounts(Block b, int numStrata) {
        double[] counts = new double[numStrata];
        for (int s : strata(b, numStrata)) counts[s]++;
        return counts;
    }

    private static int[] strata(Block b, int numStrata) {
        int[] s = new int[b.numRows()];
        if (numStrata > 1) {
            for (int i = 0; i < s.length; i++) s[i] = (int) b.label(i);
        }
        return s;
    }

    // static, so that the closure captures the quotas and nothing else
    private static Function2<Integer, Iterator<Block>, Iterator<Block>> part(long[][] quotas, long seed,
                                                                             int numStrata, boolean validation) {
        return (index, it) -> {
            Block b = it.next();
            boolean[] held = StratifiedSplit.validationRows(strata(b, numStrata), quotas[index], seed, index);
            return List.of(StratifiedSplit.select(b, held, validation)).iterator();
        };
    }

    private static TrainingData summarize(JavaRDD<Block> blocks, TrainingData from, String what) {
        // counted over the lineage: this computes and caches the blocks that `blocks` reads
        List<double[]> sizes = CachedBlocks.lineage(blocks).map(b -> new double[] {b.numRows(), b.sizeInBytes()})
                .collect();
        long[] rows = new long[sizes.size()];
        long bytes = 0;
        for (int p = 0; p < rows.length; p++) {
            rows[p] = (long) sizes.get(p)[0];
            bytes += (long) sizes.get(p)[1];
        }
        return new TrainingData(blocks, rows, bytes, from.spec(), from.path() + " (" + what + " rows)");
    }
}
