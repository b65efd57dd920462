package dev.steepest.spark.data;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The fast Parquet path (issue 17): one partition of the columns {@link ParquetStager} selects, read as Spark SQL's
 * own {@link InternalRow}s, straight into {@link PackedRows} — no external {@code Row} and no Spark ML vector per
 * record (the profile in docs/BENCHMARKS.md: {@code VectorUDT.deserialize} and {@code SparseVector}'s boxing index
 * check were the largest costs after Parquet's own decoding). A vector column is read as the struct
 * {@code VectorUDT} stores ({@code type, size, indices, values}). Every check, its order and its message are
 * {@link ParquetStager#record}'s, so the packs equal those of its rows ({@code PackedRows.add}), field for field;
 * {@link #of} says which column types it reads so (the rest keep the row path).
 */
final class ParquetPacker implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final VectorUDT VECTOR = new VectorUDT();

    private final ParquetStager.Plan plan;
    private final Reading label;
    private final Reading weight;
    private final Reading[] features;

    /** How a column's value is read as the external row's value (a {@code Number}, {@code Boolean} or String). */
    private record Reading(char type, int precision, int scale) implements Serializable {
        double number(InternalRow r, int i) {
            return switch (type) {
                case 'b' -> r.getByte(i);
                case 's' -> r.getShort(i);
                case 'i' -> r.getInt(i);
                case 'l' -> r.getLong(i);
                case 'f' -> r.getFloat(i);
                case 'd' -> r.getDouble(i);
                case 'm' -> r.getDecimal(i, precision, scale).toJavaBigDecimal().doubleValue();
                case 'z' -> r.getBoolean(i) ? 1.0 : 0.0;
                default -> throw new IllegalStateException("not a number: " + type);
            };
        }

        /** The label as {@link ParquetStager#record} writes it: a number's double, else the value's text. */
        String text(InternalRow r, int i) {
            return switch (type) {
                case 'z' -> Boolean.toString(r.getBoolean(i));
                case 't' -> r.getUTF8String(i).toString();
                default -> Double.toString(number(r, i));
            };
        }
    }

    private ParquetPacker(ParquetStager.Plan plan, Reading label, Reading weight, Reading[] features) {
        this.plan = plan;
        this.label = label;
        this.weight = weight;
        this.features = features;
    }

    /**
     * The packer for columns of {@code types} (the label, then the weight when the plan has one, then the
     * features), or null when one is of a type it does not read as the row path does: a label other than a number,
     * boolean or string, a boolean weight (the row path fails on it), or categorical columns.
     */
    static ParquetPacker of(ParquetStager.Plan plan, List<DataType> types) {
        if (plan.categorical().length > 0) return null;
        int at = 0;
        Reading label = reading(types.get(at++), true);
        Reading weight = plan.weight() == null ? null : reading(types.get(at++), false);
        if (label == null || (plan.weight() != null && (weight == null || weight.type == 'z'))) return null;
        Reading[] features = new Reading[plan.vector() ? 0 : plan.features().length];
        for (int j = 0; j < features.length; j++) {
            features[j] = reading(types.get(at++), false);
            if (features[j] == null) return null;
        }
        return new ParquetPacker(plan, label, weight, features);
    }

    private static Reading reading(DataType t, boolean text) {
        if (t instanceof ByteType) return new Reading('b', 0, 0);
        if (t instanceof ShortType) return new Reading('s', 0, 0);
        if (t instanceof IntegerType) return new Reading('i', 0, 0);
        if (t instanceof LongType) return new Reading('l', 0, 0);
        if (t instanceof FloatType) return new Reading('f', 0, 0);
        if (t instanceof DoubleType) return new Reading('d', 0, 0);
        if (t instanceof DecimalType dt) return new Reading('m', dt.precision(), dt.scale());
        if (t instanceof BooleanType) return new Reading('z', 0, 0);
        if (text && t instanceof StringType) return new Reading('t', 0, 0);
        return null;
    }

    /** Source partition {@code source}'s rows, in order, into one trimmed pack. */
    PackedRows pack(int source, Iterator<InternalRow> rows) {
        PackedRows pack = new PackedRows(source);
        Scratch s = new Scratch();
        while (rows.hasNext()) add(rows.next(), pack, s);
        return pack.trim();
    }

    /**
     * Per-partition state: the last file's name (one String for a file's rows), the numeric columns' values, and
     * the vector last read ({@code count} entries of {@code indices} when {@code sparse}, and of {@code values}),
     * whose arrays are reused from row to row.
     */
    private static final class Scratch {
        UTF8String lastFile;
        String lastFileName;
        String lastLabelText;
        long lastLabelBits;
        double[] x = new double[0];
        int size;
        int count;
        boolean sparse;
        int[] indices = new int[0];
        double[] values = new double[0];
    }

    private void add(InternalRow r, PackedRows out, Scratch s) {
        String file = file(r.getUTF8String(0), s);
        long pos = r.getLong(1);
        int at = 2;
        int labelAt = at++;
        int weightAt = weight != null ? at++ : -1;
        int featuresAt = at;
        // the row path's conversion to an external Row built the vector (and failed on a malformed one) first
        boolean hasVector = plan.vector() && !r.isNullAt(featuresAt);
        if (hasVector) {
            vector(r.getStruct(featuresAt, 4), s);
            if (out.firstVectorSize < 0) out.firstVectorSize = s.size;
        }
        String labelText = r.isNullAt(labelAt) ? null : labelText(r, labelAt, s);
        String p = Labels.stagingProblem(labelText, plan.regression());
        if (p != null) {
            out.addBad(file, pos, p, TextFields.detail(plan.label(), String.valueOf(labelText), p));
            return;
        }
        double w = Double.NaN;
        if (weight != null) {
            if (r.isNullAt(weightAt)) {
                out.addBad(file, pos, BadRecord.MISSING_VALUE, "column '" + plan.weight() + "': no value");
                return;
            }
            w = weight.number(r, weightAt);
            p = StagedRows.weightProblem(w);
            if (p != null) {
                out.addBad(file, pos, p, StagedRows.weightDetail(plan.weight(), w));
                return;
            }
        }
        if (plan.vector()) {
            String column = plan.features()[0];
            if (!hasVector) {
                out.addBad(file, pos, BadRecord.MISSING_VALUE, "column '" + column + "': no vector");
                return;
            }
            for (int k = 0; k < s.count; k++) {
                double value = s.values[k];
                if (!Double.isFinite(value)) {
                    out.addBad(file, pos, BadRecord.NON_FINITE, "column '" + column + "': a value is " + value);
                    return;
                }
            }
            out.addGood(file, pos, labelText, w, s.sparse, s.size, s.indices, s.values, s.count);
            return;
        }
        if (s.x.length != features.length) s.x = new double[features.length];
        double[] x = s.x;
        for (int j = 0; j < x.length; j++, at++) {
            String name = plan.features()[j];
            if (r.isNullAt(at)) {
                out.addBad(file, pos, BadRecord.MISSING_VALUE, "column '" + name + "': no value");
                return;
            }
            x[j] = features[j].number(r, at);
            if (!Double.isFinite(x[j])) {
                out.addBad(file, pos, BadRecord.NON_FINITE, "column '" + name + "': " + x[j] + " is not finite");
                return;
            }
        }
        out.addGood(file, pos, labelText, w, false, x.length, null, x, x.length);
    }

    /** {@code label.text}, the last number's text reused when the number repeats (as labels do, row after row). */
    private String labelText(InternalRow r, int at, Scratch s) {
        if (label.type == 't' || label.type == 'z') return label.text(r, at);
        long bits = Double.doubleToRawLongBits(label.number(r, at));
        if (s.lastLabelText == null || bits != s.lastLabelBits) {
            s.lastLabelText = label.text(r, at);
            s.lastLabelBits = bits;
        }
        return s.lastLabelText;
    }

    private static String file(UTF8String name, Scratch s) {
        if (!name.equals(s.lastFile)) {
            s.lastFileName = name.toString();
            s.lastFile = UTF8String.fromString(s.lastFileName); // the row's buffer is reused for the next row
        }
        return s.lastFileName;
    }

    /**
     * Reads the vector in {@code struct} into {@code s} as {@code VectorUDT.deserialize} reads it (the arrays'
     * elements copied as {@code toIntArray} / {@code toDoubleArray} copy them, into reused arrays); a struct this
     * does not read plainly (an unknown type, a null part, a sparse vector whose indices are not increasing or beyond
     * its size) goes to {@code deserialize} itself, to fail (or not) as the row path does.
     */
    private static void vector(InternalRow struct, Scratch s) {
        byte type = struct.getByte(0);
        if (type == 1 && !struct.isNullAt(3)) {
            s.count = doubles(struct.getArray(3), s);
            s.size = s.count;
            s.sparse = false;
            return;
        }
        if (type == 0 && !struct.isNullAt(1) && !struct.isNullAt(2) && !struct.isNullAt(3)) {
            int size = struct.getInt(1);
            int n = ints(struct.getArray(2), s);
            if (doubles(struct.getArray(3), s) == n && validSparse(size, s.indices, n)) {
                s.count = n;
                s.size = size;
                s.sparse = true;
                return;
            }
        }
        Vector v = VECTOR.deserialize(struct);
        if (v instanceof SparseVector sv) { // its arrays, fresh from deserialize, become the scratch arrays
            s.indices = sv.indices();
            s.values = sv.values();
            s.size = sv.size();
            s.sparse = true;
        } else {
            s.values = v.toArray();
            s.size = s.values.length;
            s.sparse = false;
        }
        s.count = s.values.length;
    }

    /** {@code a}'s elements into {@code s.values}, as {@code a.toDoubleArray()} has them; returns their count. */
    private static int doubles(ArrayData a, Scratch s) {
        int n = a.numElements();
        if (s.values.length < n) s.values = new double[Math.max(n, 2 * s.values.length)];
        if (!copyUnsafe(a, n, s.values, Platform.DOUBLE_ARRAY_OFFSET, 8)) {
            System.arraycopy(a.toDoubleArray(), 0, s.values, 0, n);
        }
        return n;
    }

    /** {@code a}'s elements into {@code s.indices}, as {@code a.toIntArray()} has them; returns their count. */
    private static int ints(ArrayData a, Scratch s) {
        int n = a.numElements();
        if (s.indices.length < n) s.indices = new int[Math.max(n, 2 * s.indices.length)];
        if (!copyUnsafe(a, n, s.indices, Platform.INT_ARRAY_OFFSET, 4)) {
            System.arraycopy(a.toIntArray(), 0, s.indices, 0, n);
        }
        return n;
    }

    /**
     * The {@code n} elements of {@code elementBytes} each of an {@link UnsafeArrayData} {@code a}, copied in one
     * block into the primitive array {@code to} (whose first element is at {@code toOffset}); false, nothing copied,
     * when {@code a} is another kind of array.
     */
    private static boolean copyUnsafe(ArrayData a, int n, Object to, long toOffset, int elementBytes) {
        if (!(a instanceof UnsafeArrayData u)) return false;
        Platform.copyMemory(u.getBaseObject(), u.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(n),
                to, toOffset, (long) n * elementBytes);
        return true;
    }

    /** {@code SparseVector}'s own requirements on its first {@code n} indices (as many as values). */
    private static boolean validSparse(int size, int[] indices, int n) {
        if (size < 0 || n > size) return false;
        int prev = -1;
        for (int k = 0; k < n; k++) {
            if (indices[k] <= prev) return false;
            prev = indices[k];
        }
        return prev < size;
    }
}
