package dev.steepest.spark.output;

import dev.steepest.core.model.Evaluation;
import dev.steepest.core.train.BackoffEvent;
import dev.steepest.core.train.EpochRecord;
import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.spark.InputError;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.proto.Summary;

/**
 * {@code train.tensorboard-dir}: the run's scalars as a TensorBoard event file
 * ({@code events.out.tfevents.<seconds>.<host>.<pid>.<n>}, n counting the files this JVM opened) — TensorFlow's own {@code Event} / {@code Summary} messages
 * (the classes TensorFlow Java generates from TensorFlow's protos, with no native code) in TFRecord framing.
 * Every scalar's step is the run's iteration, so step and epoch figures share one axis:
 * <ul>
 *   <li>per step: {@code train/loss}, {@code train/lr}, {@code train/gradient_norm} (before clipping),
 *       {@code gradient_norm/<group>} per parameter group, {@code train/samples_per_second};</li>
 *   <li>per epoch, at its last step: {@code epoch/loss}, {@code epoch/gradient_norm},
 *       {@code epoch/parameter_change}, {@code validation/<metric>} (loss, accuracy or rmse);</li>
 *   <li>per backoff: {@code event/backoff_lr_factor}.</li>
 * </ul>
 * A resumed run starts a new file with a {@code SessionLog START} at its first step, which makes TensorBoard drop
 * what the interrupted run wrote after its checkpoint: the curves then show the run once, as it was.
 * The file is flushed at every epoch and at most every {@value #FLUSH_SECONDS} s; a failed write ends the events
 * (reported once through {@code onFailure}), never the run.
 */
public final class TensorBoardWriter implements TrainingListener, Closeable {
    static final double FLUSH_SECONDS = 5;
    private static final int MASK_DELTA = 0xa282ead8;
    private static final java.util.concurrent.atomic.AtomicLong OPENED = new java.util.concurrent.atomic.AtomicLong();

    private final OutputStream out;
    private final String file;
    private final Function<Evaluation, Map<String, Object>> validationMetrics;
    private final Consumer<String> onFailure;
    private double lastElapsed = Double.NaN;
    private long lastFlush = System.nanoTime();
    private boolean failed;
    private boolean closed;

    private TensorBoardWriter(OutputStream out, String file, Function<Evaluation, Map<String, Object>> validation,
                              Consumer<String> onFailure) {
        this.out = out;
        this.file = file;
        this.validationMetrics = validation;
        this.onFailure = onFailure;
    }

    /**
     * Opens a new event file in {@code dir} (a path, or any Hadoop FileSystem URI); {@code resumedAfter} is the
     * step a resumed run goes on after ({@code -1} for a new run). An unwritable directory is an input error.
     */
    public static TensorBoardWriter open(String dir, Configuration hadoop, long resumedAfter,
                                         Function<Evaluation, Map<String, Object>> validation,
                                         Consumer<String> onFailure) {
        // the counter tells apart the runs one JVM starts within a second (a resume right after its run, fits)
        String name = String.format(Locale.ROOT, "events.out.tfevents.%d.%s.%d.%d", System.currentTimeMillis() / 1000,
                host(), ProcessHandle.current().pid(), OPENED.incrementAndGet());
        String where = dir;
        try {
            OutputStream stream;
            URI uri = new URI(dir);
            if (uri.getScheme() == null || uri.getScheme().length() == 1) {
                Path d = Paths.get(dir);
                Files.createDirectories(d);
                where = d.resolve(name).toString();
                stream = new BufferedOutputStream(Files.newOutputStream(d.resolve(name)), 1 << 16);
            } else {
                org.apache.hadoop.fs.Path d = new org.apache.hadoop.fs.Path(uri);
                FileSystem fs = d.getFileSystem(hadoop);
                fs.mkdirs(d);
                org.apache.hadoop.fs.Path f = new org.apache.hadoop.fs.Path(d, name);
                where = f.toString();
                stream = fs.create(f, false);
            }
            TensorBoardWriter w = new TensorBoardWriter(stream, where, validation, onFailure);
            w.write(Event.newBuilder().setWallTime(now()).setFileVersion("brain.Event:2").build());
            if (resumedAfter >= 0) {
                w.write(Event.newBuilder().setWallTime(now()).setStep(resumedAfter + 1)
                        .setSessionLog(SessionLog.newBuilder().setStatus(SessionLog.SessionStatus.START)).build());
            }
            w.flush();
            return w;
        } catch (IOException | java.net.URISyntaxException | IllegalArgumentException e) {
            throw new InputError("train.tensorboard-dir: cannot write " + where + " (" + e.getMessage() + ")", e);
        }
    }

    /** Where the events go. */
    public String file() {
        return file;
    }

    @Override
    public void onStep(StepRecord s) {
        Summary.Builder b = Summary.newBuilder();
        scalar(b, "train/loss", s.loss());
        scalar(b, "train/lr", s.lr());
        scalar(b, "train/gradient_norm", s.gradientNorm());
        for (Map.Entry<String, Double> g : s.groupGradientNorms().entrySet()) {
            scalar(b, "gradient_norm/" + g.getKey(), g.getValue());
        }
        double dt = s.elapsedSeconds() - lastElapsed;
        if (dt > 0) scalar(b, "train/samples_per_second", s.rows() / dt);
        lastElapsed = s.elapsedSeconds();
        summary(s.iteration(), b);
        if ((System.nanoTime() - lastFlush) / 1e9 >= FLUSH_SECONDS) flush();
    }

    @Override
    public void onEpoch(EpochRecord e) {
        Summary.Builder b = Summary.newBuilder();
        scalar(b, "epoch/loss", e.meanLoss());
        scalar(b, "epoch/gradient_norm", e.gradientNorm());
        scalar(b, "epoch/parameter_change", e.parameterChange());
        if (e.validation() != null) {
            for (Map.Entry<String, Object> m : validationMetrics.apply(e.validation()).entrySet()) {
                if (m.getValue() instanceof Double v && !m.getKey().equals("rows")) scalar(b, "validation/" + m.getKey(), v);
            }
        }
        summary(e.iteration(), b);
        flush();
    }

    @Override
    public void onBackoff(BackoffEvent e) {
        summary(e.step(), scalar(Summary.newBuilder(), "event/backoff_lr_factor", e.lrFactor()));
        flush();
    }

    @Override
    public void close() {
        if (closed) return;
        flush();
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            fail(e);
        }
    }

    private static Summary.Builder scalar(Summary.Builder b, String tag, double v) {
        return b.addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) v));
    }

    private void summary(long step, Summary.Builder b) {
        write(Event.newBuilder().setWallTime(now()).setStep(step).setSummary(b).build());
    }

    /** One TFRecord: length (u64 LE), its masked CRC32C, the bytes, their masked CRC32C. */
    private void write(Event event) {
        if (failed || closed) return;
        byte[] data = event.toByteArray();
        ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(data.length);
        head.putInt(maskedCrc(head.array(), 0, 8));
        try {
            out.write(head.array());
            out.write(data);
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc(data, 0, data.length))
                    .array());
        } catch (IOException e) {
            fail(e);
        }
    }

    /** TFRecord's checksum: CRC32C rotated right by 15 bits plus a constant. */
    static int maskedCrc(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    private void flush() {
        if (failed || closed) return;
        try {
            out.flush();
            if (out instanceof FSDataOutputStream h) h.hflush();
        } catch (IOException e) {
            fail(e);
        }
        lastFlush = System.nanoTime();
    }

    private void fail(IOException e) {
        if (failed) return;
        failed = true;
        onFailure.accept("train.tensorboard-dir: stopped writing " + file + " (" + e.getMessage() + ")");
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
