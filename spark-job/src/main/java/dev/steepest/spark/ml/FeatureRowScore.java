package dev.steepest.spark.ml;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenFallback;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a features column straight from its stored form, in one call per row: a Catalyst expression over a
 * {@code VectorUDT} column that reads the vector's {@code struct<type, size, indices, values>} (Spark's storage of a
 * vector) with two bulk array copies and hands the arrays to a {@link Outputs}, which returns every output column
 * of the row as one struct.
 *
 * <p>Why not a UDF, as Spark ML's own models do: a UDF over a vector column gets a {@code Vector} object per row,
 * made by {@code VectorUDT.deserialize}, whose {@code SparseVector} constructor checks its indices one boxed
 * {@code Integer} at a time — on Fashion-MNIST's rows (half their pixels are zero, so {@code VectorAssembler} makes
 * them sparse) a JFR profile put more samples there than in the scoring itself. And Spark ML's transform makes up to
 * three UDF calls per row (raw prediction; probability from the raw prediction, read back; prediction, read back
 * again). The values are the same: {@link Outputs} implementations call the model's own {@code predictRaw},
 * {@code raw2probability} and {@code raw2prediction} logic (SparkMlModelsTest holds them to Spark's transform).
 *
 * <p>This is Catalyst's internal expression API (pinned: Spark 4.1.0, the version the build compiles against), reached
 * from Java; it evaluates without generated code ({@link CodegenFallback}), as a UDF does. Its outputs are never null
 * (the prediction column is non-nullable, as Spark ML's); a row whose features are null is refused, naming the
 * column.
 */
final class FeatureRowScore extends Expression implements CodegenFallback, Serializable {
    private static final long serialVersionUID = 1L;

    /** One row's output struct (of type {@link #type()}) from its features; {@code indices} is null for a dense row. */
    interface Outputs extends Serializable {
        StructType type();

        InternalRow of(int size, int[] indices, double[] values);
    }

    private final Expression child;
    private final String column;
    private final Outputs outputs;
    private final scala.collection.immutable.Seq<Expression> children;

    private FeatureRowScore(Expression child, String column, Outputs outputs) {
        this.child = child;
        this.column = column;
        this.outputs = outputs;
        this.children = scala.jdk.javaapi.CollectionConverters.asScala(java.util.List.of(child)).toList();
    }

    /**
     * {@code dataset} with the fields of {@code outputs.type()} appended as the columns {@code columns} (in field
     * order), each with the metadata {@code schema} (the model's {@code transformSchema}) gives it: the struct is
     * computed once a row, in a column of a fresh name that is dropped once its fields are out.
     */
    static Dataset<Row> append(Dataset<?> dataset, String features, Outputs outputs, StructType schema,
                               List<String> columns) {
        Set<String> taken = new HashSet<>();
        for (String t : dataset.columns()) taken.add(t.toLowerCase(Locale.ROOT));
        String struct = "__steepest_scores";
        for (int i = 1; taken.contains(struct); i++) struct = "__steepest_scores_" + i;
        Column scores = ExpressionUtils.column(new FeatureRowScore(ExpressionUtils.expression(dataset.col(features)),
                features, outputs));
        Dataset<Row> out = dataset.withColumn(struct, scores);
        String[] fields = outputs.type().fieldNames();
        for (int i = 0; i < fields.length; i++) {
            out = out.withColumn(columns.get(i), out.col(struct).getField(fields[i]),
                    schema.apply(columns.get(i)).metadata());
        }
        return out.drop(struct);
    }

    @Override
    public Object eval(InternalRow row) {
        InternalRow vector = (InternalRow) child.eval(row);
        if (vector == null) {
            throw new IllegalArgumentException("features: a null vector in column " + column
                    + "; every row to score needs its features");
        }
        ArrayData values = vector.getArray(3);
        if (vector.getByte(0) == 0) {
            return outputs.of(vector.getInt(1), vector.getArray(2).toIntArray(), values.toDoubleArray());
        }
        double[] dense = values.toDoubleArray();
        return outputs.of(dense.length, null, dense);
    }

    @Override public scala.collection.immutable.Seq<Expression> children() { return children; }
    @Override public boolean nullable() { return false; }
    @Override public DataType dataType() { return outputs.type(); }
    @Override public String prettyName() { return "steepest_score"; }
    @Override
    public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
        return CodegenFallback.super.doGenCode(ctx, ev);
    }
    @Override
    public Expression withNewChildrenInternal(scala.collection.immutable.IndexedSeq<Expression> newChildren) {
        return new FeatureRowScore(newChildren.apply(0), column, outputs);
    }

    // Catalyst's trees are Scala products: the constructor's arguments, in order.
    @Override public int productArity() { return 3; }
    @Override public Object productElement(int n) { return n == 0 ? child : n == 1 ? column : outputs; }
    @Override public boolean canEqual(Object other) { return other instanceof FeatureRowScore; }

    @Override
    public boolean equals(Object other) {
        return other instanceof FeatureRowScore f && f.child.equals(child) && f.column.equals(column)
                && f.outputs == outputs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(child, column, System.identityHashCode(outputs));
    }
}
