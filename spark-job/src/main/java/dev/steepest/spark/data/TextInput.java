package dev.steepest.spark.data;

import dev.steepest.spark.InputError;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * What the text formats (CSV, LibSVM) share: their files' lines as Hadoop records, each knowing its byte offset
 * (so a bad record can be reported as {@code file:line}), read in as many partitions as Spark's own file readers
 * would use, and turned lazily into staged rows.
 */
final class TextInput {
    private TextInput() {
    }

    /** Spark SQL's bytes per file partition ({@code spark.sql.files.maxPartitionBytes}, 128 MiB by default). */
    static long partitionBytes(SparkSession spark) {
        return org.apache.spark.network.util.JavaUtils.byteStringAsBytes(
                spark.conf().get("spark.sql.files.maxPartitionBytes", "128m"));
    }

    /**
     * How many partitions Spark's own file readers would give text input: the total size over
     * {@code spark.sql.files.maxPartitionBytes}, so a directory of many small files does not become as many blocks
     * (each one a task in every step).
     */
    static int partitions(SparkSession spark, Configuration conf, List<Path> files) {
        long total = 0;
        try {
            for (Path f : files) total += f.getFileSystem(conf).getFileStatus(f).getLen();
        } catch (IOException e) {
            return files.size();
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (total + partitionBytes(spark) - 1) / partitionBytes(spark)));
    }

    /**
     * The files' lines as Hadoop records: uncompressed files split in pieces of at least Spark SQL's partition
     * size (Hadoop's default, the 32 MiB block of a local file system, would triple the tasks of Spark's CSV
     * reader), compressed files whole. A configured {@code mapreduce.input.fileinputformat.split.maxsize} wins.
     */
    static JavaNewHadoopRDD<LongWritable, Text> lines(SparkSession spark, Configuration conf, List<Path> files) {
        try {
            Job job = Job.getInstance(new Configuration(conf));
            FileInputFormat.setInputPaths(job, files.toArray(new Path[0]));
            if (conf.get(FileInputFormat.SPLIT_MAXSIZE) == null) {
                FileInputFormat.setMinInputSplitSize(job, partitionBytes(spark));
            }
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            return (JavaNewHadoopRDD<LongWritable, Text>) jsc.newAPIHadoopRDD(job.getConfiguration(),
                    WholeCompressedTextInputFormat.class, LongWritable.class, Text.class);
        } catch (IOException e) {
            throw new InputError("cannot read " + files + ": " + e.getMessage(), e);
        }
    }

    /** Hadoop's (offset, line) records to staged rows, lazily, skipping the lines {@link #parse} returns null for. */
    abstract static class Lines implements Iterator<Row> {
        private final Iterator<Tuple2<LongWritable, Text>> in;
        private Row next;

        Lines(Iterator<Tuple2<LongWritable, Text>> in) {
            this.in = in;
        }

        abstract Row parse(long offset, String line);

        /**
         * The line as Hadoop read it ({@code line.getBytes()} up to {@code getLength()}, reused for the next line):
         * as {@link #parse(long, String)} of its text unless a format reads the bytes itself.
         */
        Row parse(long offset, Text line) {
            return parse(offset, line.toString());
        }

        @Override
        public boolean hasNext() {
            while (next == null && in.hasNext()) {
                Tuple2<LongWritable, Text> t = in.next();
                next = parse(t._1().get(), t._2()); // Hadoop reuses the Text: parse it now
            }
            return next != null;
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            Row r = next;
            next = null;
            return r;
        }
    }
}
