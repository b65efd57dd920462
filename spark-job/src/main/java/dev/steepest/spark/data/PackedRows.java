package dev.steepest.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;

/**
 * Staged rows ({@link StagedRows}, without categorical columns) of one source partition bound for one block,
 * packed into flat arrays for Spark's shuffle: no row object, no vector object, no Spark SQL row per record — a
 * Kryo or Java stream of a few primitive arrays. Lossless: {@link #rows} gives back rows that every accessor of
 * {@link StagedRows} reads as the originals. {@code skipped}: bad records the source partition left out before
 * the rows got their ids ({@code data.on-bad-record = skip}), counted per reason, carried to one block's summary.
 * Public only for the Kryo registrator.
 */
public final class PackedRows implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final byte NONE = 0;
    private static final byte DENSE = 1;
    private static final byte SPARSE = 2;

    /** The source partition: blocks take the packs of their rows in source order. */
    final int source;
    int n;
    String[] file = new String[16];
    long[] pos = new long[16];
    String[] bad = new String[16];
    String[] detail = new String[16];
    String[] label = new String[16];
    /** The weight column's value; NaN when the record has none (a weight is finite when present). */
    double[] weight = new double[16];
    byte[] kind = new byte[16];
    int[] size = new int[16];
    /**
     * Row i's values are values[start[i] .. start[i + 1]) (or smallValues[...]), with indices[...] for a sparse
     * vector.
     */
    int[] start = new int[17];
    /** The values, when one is not {@linkplain #small small}; else null. */
    double[] values;
    int[] indices = new int[0];
    /**
     * The values as bytes while every one is {@linkplain #small small} (image pixels, counts, one-hot flags) —
     * exact, an eighth of the bytes to pack, cache and shuffle — and {@code values} null; else null. The first value
     * that is not small turns the bytes into {@code values}, once.
     */
    byte[] smallValues = new byte[1024];
    int valueCount;
    Map<String, Long> skipped = new TreeMap<>();
    /**
     * The size of the partition's first non-null vector, bad record or not (a vector column's feature count, as
     * {@code ParquetStager.vectorSize} finds it); -1 for none, or when the pack was not made from a vector column.
     */
    int firstVectorSize = -1;

    PackedRows(int source) {
        this.source = source;
    }

    /**
     * An empty pack with room for {@code rows} rows and {@code valueCapacity} values (indices too when
     * {@code sparse}): a pack that would otherwise grow from 16 rows and 1,024 values by doubling, each step a copy
     * of large arrays (the profile in docs/BENCHMARKS.md).
     */
    PackedRows(int source, int rows, int valueCapacity, boolean sparse) {
        this(source);
        int r = Math.max(rows, 16);
        file = new String[r];
        pos = new long[r];
        bad = new String[r];
        detail = new String[r];
        label = new String[r];
        weight = new double[r];
        kind = new byte[r];
        size = new int[r];
        start = new int[r + 1];
        smallValues = new byte[Math.max(valueCapacity, 1024)];
        if (sparse) indices = new int[smallValues.length];
    }

    void add(Row r) {
        Vector v = StagedRows.features(r);
        String bad = StagedRows.badReason(r);
        double w = StagedRows.hasWeight(r) ? StagedRows.weight(r) : Double.NaN;
        if (v == null) {
            begin(StagedRows.file(r), StagedRows.position(r), bad, StagedRows.badDetail(r), StagedRows.label(r), w,
                    NONE, 0);
        } else if (v instanceof SparseVector sv) {
            begin(StagedRows.file(r), StagedRows.position(r), bad, StagedRows.badDetail(r), StagedRows.label(r), w,
                    SPARSE, sv.size());
            append(sv.values(), sv.indices(), sv.values().length);
        } else {
            begin(StagedRows.file(r), StagedRows.position(r), bad, StagedRows.badDetail(r), StagedRows.label(r), w,
                    DENSE, v.size());
            append(((DenseVector) v).values(), null, v.size());
        }
        end();
    }

    /** A bad record, as {@link #add} packs {@code StagedRows.bad(file, pos, reason, detail, 0)}. */
    void addBad(String file, long pos, String reason, String detail) {
        begin(file, pos, reason, detail, null, Double.NaN, NONE, 0);
        end();
    }

    /**
     * A good record, as {@link #add} packs {@code StagedRows.good} of the same values: {@code weight} NaN for none,
     * the first {@code count} of {@code values} (and of {@code indices} when {@code sparse}) a vector of
     * {@code size}.
     */
    void addGood(String file, long pos, String label, double weight, boolean sparse, int size, int[] indices,
                 double[] values, int count) {
        begin(file, pos, null, null, label, weight, sparse ? SPARSE : DENSE, size);
        append(values, sparse ? indices : null, count);
        end();
    }

    private void begin(String f, long p, String b, String d, String l, double w, byte k, int s) {
        if (n == file.length) grow();
        file[n] = f;
        pos[n] = p;
        bad[n] = b;
        detail[n] = d;
        label[n] = l;
        weight[n] = w;
        kind[n] = k;
        size[n] = s;
    }

    private void end() {
        n++;
        start[n] = valueCount;
    }

    private void append(double[] v, int[] idx, int count) {
        int need = valueCount + count;
        if (smallValues != null && !allSmall(v, 0, count)) widen();
        if (smallValues != null) {
            if (need > smallValues.length) smallValues = Arrays.copyOf(smallValues, Math.max(need, smallValues.length * 2));
            for (int k = 0; k < count; k++) smallValues[valueCount + k] = (byte) (int) v[k];
        } else {
            if (need > values.length) values = Arrays.copyOf(values, Math.max(need, values.length * 2));
            System.arraycopy(v, 0, values, valueCount, count);
        }
        if (idx != null) growIndices(need);
        if (idx != null) System.arraycopy(idx, 0, indices, valueCount, count);
        valueCount = need;
    }

    /** Whether {@code v} is exact as a byte 0..255: a whole number in range, and not -0.0. */
    private static boolean small(double v) {
        return v >= 0 && v <= 255 && v == (int) v && Double.doubleToRawLongBits(v) != NEGATIVE_ZERO;
    }

    private static boolean allSmall(double[] v, int from, int count) {
        for (int k = from; k < from + count; k++) if (!small(v[k])) return false;
        return true;
    }

    /** The values so far, bytes, as doubles from now on. */
    private void widen() {
        values = new double[Math.max(1024, smallValues.length)];
        for (int k = 0; k < valueCount; k++) values[k] = smallValues[k] & 0xff;
        smallValues = null;
    }

    private void growIndices(int need) {
        if (need > indices.length) indices = Arrays.copyOf(indices, Math.max(need, 2 * indices.length));
    }

    private void grow() {
        int c = file.length * 2;
        file = Arrays.copyOf(file, c);
        pos = Arrays.copyOf(pos, c);
        bad = Arrays.copyOf(bad, c);
        detail = Arrays.copyOf(detail, c);
        label = Arrays.copyOf(label, c);
        weight = Arrays.copyOf(weight, c);
        kind = Arrays.copyOf(kind, c);
        size = Arrays.copyOf(size, c);
        start = Arrays.copyOf(start, c + 1);
    }

    /** Drops the unused capacity before the pack is shipped. */
    PackedRows trim() {
        file = Arrays.copyOf(file, n);
        pos = Arrays.copyOf(pos, n);
        bad = Arrays.copyOf(bad, n);
        detail = Arrays.copyOf(detail, n);
        label = Arrays.copyOf(label, n);
        weight = Arrays.copyOf(weight, n);
        kind = Arrays.copyOf(kind, n);
        size = Arrays.copyOf(size, n);
        start = Arrays.copyOf(start, n + 1);
        if (indices.length > 0) indices = Arrays.copyOf(indices, Math.min(indices.length, valueCount));
        if (smallValues != null) smallValues = Arrays.copyOf(smallValues, valueCount);
        else values = Arrays.copyOf(values, valueCount);
        return this;
    }

    private static final long NEGATIVE_ZERO = Double.doubleToRawLongBits(-0.0);

    /**
     * The sparse rows' indices as variable-length deltas ({@link #compactIndices}), null when {@code indices}
     * holds them: in the shuffle an index is most often its predecessor + 1, one byte instead of four.
     */
    byte[] deltaIndices;

    /**
     * Before the pack is shipped: the sparse rows' indices as deltas from their predecessor in the row (7 bits a
     * byte, low bits first; any int round-trips), {@code indices} dropped; {@link #expandIndices} gives them back.
     */
    PackedRows compactIndices() {
        if (indices.length == 0 || deltaIndices != null) return this;
        int bytes = 0;
        for (int pass = 0; pass < 2; pass++) {
            byte[] out = pass == 0 ? null : new byte[bytes];
            int at = 0;
            for (int i = 0; i < n; i++) {
                if (kind[i] != SPARSE) continue;
                int prev = -1;
                for (int k = start[i]; k < start[i + 1]; k++) {
                    int d = indices[k] - prev - 1;
                    prev = indices[k];
                    while ((d & ~0x7f) != 0) {
                        if (out != null) out[at] = (byte) ((d & 0x7f) | 0x80);
                        at++;
                        d >>>= 7;
                    }
                    if (out != null) out[at] = (byte) d;
                    at++;
                }
            }
            bytes = at;
            if (out != null) deltaIndices = out;
        }
        indices = null;
        return this;
    }

    /** Undoes {@link #compactIndices} (nothing to do for a pack that was not compacted). */
    void expandIndices() {
        if (deltaIndices == null) return;
        int[] idx = new int[valueCount];
        int at = 0;
        for (int i = 0; i < n; i++) {
            if (kind[i] != SPARSE) continue;
            int prev = -1;
            for (int k = start[i]; k < start[i + 1]; k++) {
                int d = 0;
                int shift = 0;
                byte b;
                do {
                    b = deltaIndices[at++];
                    d |= (b & 0x7f) << shift;
                    shift += 7;
                } while (b < 0);
                prev = prev + 1 + d;
                idx[k] = prev;
            }
        }
        indices = idx;
        deltaIndices = null;
    }

    /**
     * The values row {@code i} stores in a block: its entries, or, for a dense vector in a sparse block
     * ({@code sparseBlock}), its non-zeros (what a builder is told to reserve, so that the block's arrays come out
     * exactly full and are handed over without a last copy).
     */
    int blockEntries(int i, boolean sparseBlock) {
        int from = start[i];
        int to = start[i + 1];
        if (!sparseBlock || kind[i] != DENSE) return to - from;
        int nz = 0;
        if (smallValues != null) {
            for (int k = from; k < to; k++) if (smallValues[k] != 0) nz++;
        } else {
            for (int k = from; k < to; k++) if (values[k] != 0.0) nz++;
        }
        return nz;
    }

    /** Whether row i's features are a sparse vector. */
    boolean sparse(int i) {
        return kind[i] == SPARSE;
    }

    /** Whether row i has a feature vector (every good record has one). */
    boolean hasFeatures(int i) {
        return kind[i] != NONE;
    }

    /** The packs in source order, as {@link #rows} reads them. */
    static List<PackedRows> inSourceOrder(List<PackedRows> packs) {
        List<PackedRows> sorted = new ArrayList<>(packs);
        sorted.sort((a, b) -> Integer.compare(a.source, b.source));
        return sorted;
    }

    /** The k-th stored value (of all rows). */
    double value(int k) {
        return smallValues != null ? smallValues[k] & 0xff : values[k];
    }

    /** Row {@code i} of {@code src} appended to this pack, as {@link #add} would append the row it came from. */
    void addFrom(PackedRows src, int i) {
        if (n == file.length) grow();
        file[n] = src.file[i];
        pos[n] = src.pos[i];
        bad[n] = src.bad[i];
        detail[n] = src.detail[i];
        label[n] = src.label[i];
        weight[n] = src.weight[i];
        kind[n] = src.kind[i];
        size[n] = src.size[i];
        int from = src.start[i];
        int count = src.start[i + 1] - from;
        int need = valueCount + count;
        if (smallValues != null && src.smallValues == null && !allSmall(src.values, from, count)) widen();
        if (smallValues != null) {
            if (need > smallValues.length) smallValues = Arrays.copyOf(smallValues, Math.max(need, smallValues.length * 2));
            if (src.smallValues != null) {
                System.arraycopy(src.smallValues, from, smallValues, valueCount, count);
            } else {
                for (int k = 0; k < count; k++) smallValues[valueCount + k] = (byte) (int) src.values[from + k];
            }
        } else {
            if (need > values.length) values = Arrays.copyOf(values, Math.max(need, values.length * 2));
            if (src.smallValues != null) {
                for (int k = 0; k < count; k++) values[valueCount + k] = src.smallValues[from + k] & 0xff;
            } else {
                System.arraycopy(src.values, from, values, valueCount, count);
            }
        }
        if (src.kind[i] == SPARSE) {
            growIndices(need);
            System.arraycopy(src.indices, from, indices, valueCount, count);
        }
        valueCount = need;
        n++;
        start[n] = valueCount;
    }

    Row row(int i) {
        Vector v = null;
        int from = start[i];
        int to = start[i + 1];
        if (kind[i] == DENSE) {
            v = Vectors.dense(slice(from, to));
        } else if (kind[i] == SPARSE) {
            v = Vectors.sparse(size[i], Arrays.copyOfRange(indices, from, to), slice(from, to));
        }
        return bad[i] != null ? StagedRows.bad(file[i], pos[i], bad[i], detail[i], 0)
                : StagedRows.good(file[i], pos[i], label[i], Double.isNaN(weight[i]) ? null : weight[i], v,
                new String[0]);
    }

    private double[] slice(int from, int to) {
        if (smallValues == null) return Arrays.copyOfRange(values, from, to);
        double[] v = new double[to - from];
        for (int k = 0; k < v.length; k++) v[k] = smallValues[from + k] & 0xff;
        return v;
    }

    /** The rows of {@code packs}, in source order and, within a source, in their order. */
    static Iterator<Row> rows(List<PackedRows> packs) {
        List<PackedRows> sorted = inSourceOrder(packs);
        for (PackedRows p : sorted) p.expandIndices();
        return new Iterator<>() {
            private int pack;
            private int row;

            @Override
            public boolean hasNext() {
                while (pack < sorted.size() && row >= sorted.get(pack).n) {
                    pack++;
                    row = 0;
                }
                return pack < sorted.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                return sorted.get(pack).row(row++);
            }
        };
    }
}
