package dev.steepest.spark.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.steepest.core.checkpoint.StateCodec;
import dev.steepest.core.train.LoopState;
import dev.steepest.core.train.Resume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One checkpoint: the loop's whole state and what a resume checks and continues. Its files (README, "Checkpoint
 * and resume"): {@code state.json} — {@code format}, {@code format_version}, {@code iteration}, {@code epoch},
 * {@code elapsed_seconds}, {@code run_directory}, the resolved {@code config} (secrets redacted), the {@code data}
 * fingerprint and the {@code state} tree of {@link StateCodec}; {@code state.bin} — the state's arrays as
 * little-endian doubles; {@code metrics.jsonl} — the run's metrics up to this step; and the store's manifest.
 *
 * @param state        the loop state after step {@code state.iteration()}
 * @param elapsed      the run's training seconds at that point
 * @param runDirectory the output directory of the run that wrote it (a resume writes there by default)
 * @param config       the run's resolved config, secrets redacted
 * @param source       what rebuilds that config ({@link SavedConfig}): the keys set explicitly, the Spark settings
 *                     that are not secret
 * @param data         the data fingerprint: rows, partitions and their sizes, features, labels, files
 * @param metrics      metrics.jsonl as it was at that step
 */
public record Checkpoint(LoopState state, double elapsed, String runDirectory, Map<String, Object> config,
                         Map<String, Object> source, Map<String, Object> data, byte[] metrics) {
    public static final String FORMAT = "steepest-checkpoint";
    public static final int FORMAT_VERSION = 1;
    static final String STATE = "state.json";
    static final String BIN = "state.bin";
    static final String METRICS = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Resume resume() {
        return new Resume(state, elapsed);
    }

    /** The files of this checkpoint. */
    Map<String, byte[]> files() {
        StateCodec.Encoded e = StateCodec.encode(state);
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("format", FORMAT);
        head.put("format_version", FORMAT_VERSION);
        head.put("iteration", state.iteration());
        head.put("epoch", state.epoch().index() + 1);
        head.put("step_in_epoch", state.epoch().drawn());
        head.put("elapsed_seconds", elapsed);
        head.put("run_directory", runDirectory);
        head.put("config", config);
        head.put("config_source", source);
        head.put("data", data);
        head.put("state", e.tree());
        Map<String, byte[]> files = new LinkedHashMap<>();
        try {
            files.put(STATE, JSON.writeValueAsBytes(head));
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        files.put(BIN, e.doubleBytes());
        files.put(METRICS, metrics);
        return files;
    }

    /** The checkpoint in {@code files} (read and checked by the store); {@code where} names it in errors. */
    @SuppressWarnings("unchecked")
    static Checkpoint of(Map<String, byte[]> files, String where) {
        Map<String, Object> head;
        try {
            head = JSON.readValue(files.get(STATE), Map.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(where + ": state.json is not a checkpoint: " + e.getMessage());
        }
        if (!FORMAT.equals(head.get("format"))) {
            throw new IllegalArgumentException(where + ": not a steepest checkpoint");
        }
        Object version = head.get("format_version");
        if (!(version instanceof Number n) || n.intValue() != FORMAT_VERSION) {
            throw new IllegalArgumentException(where + ": checkpoint format_version " + version + ", this steepest reads "
                    + FORMAT_VERSION);
        }
        LoopState state = StateCodec.decode(head.get("state"), StateCodec.Encoded.fromBytes(files.get(BIN)),
                LoopState.class);
        return new Checkpoint(state, ((Number) head.get("elapsed_seconds")).doubleValue(),
                (String) head.get("run_directory"), (Map<String, Object>) head.get("config"),
                (Map<String, Object>) head.get("config_source"),
                (Map<String, Object>) head.get("data"), files.getOrDefault(METRICS, new byte[0]));
    }
}
