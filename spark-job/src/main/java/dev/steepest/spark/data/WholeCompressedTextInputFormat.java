package dev.steepest.spark.data;

import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Hadoop's line reader, except that a compressed file is never split (bzip2 would be). Then every line's key is
 * its offset in the decompressed text (Hadoop's keys for a split bzip2 stream are compressed positions), which is
 * what {@link InputFiles#lineNumber} turns into the line number of a bad record. Uncompressed files still split.
 */
public class WholeCompressedTextInputFormat extends TextInputFormat {
    @Override
    protected boolean isSplitable(JobContext context, Path file) {
        return new CompressionCodecFactory(context.getConfiguration()).getCodec(file) == null;
    }
}
