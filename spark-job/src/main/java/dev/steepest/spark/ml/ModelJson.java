package dev.steepest.spark.ml;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.steepest.core.score.ScoringModel;
import dev.steepest.spark.InputError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code model.json} as text on any Hadoop FileSystem: read (from the file, or from a run directory that holds
 * it), parsed into a {@link ScoringModel} (its {@code format_version} checked), and written. A file that is not a
 * steepest model of this format version is an {@link InputError} naming the file.
 */
public final class ModelJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelJson() {
    }

    /** The text of {@code model.json} at {@code path}, or in the directory {@code path} (a run directory). */
    public static String read(Configuration conf, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            if (fs.getFileStatus(p).isDirectory()) p = new Path(p, "model.json");
            if (!fs.exists(p)) {
                throw new InputError("--model: '" + path + "' is not a steepest model (no model.json in it)");
            }
            try (InputStream in = fs.open(p)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (java.io.FileNotFoundException e) {
            throw new InputError("--model: no such file or directory '" + path + "'");
        } catch (IOException e) {
            throw new InputError("--model: cannot read '" + path + "': " + e.getMessage(), e);
        }
    }

    /** Parses model.json's text; {@code where} names the file in errors. */
    public static ScoringModel parse(String json, String where) {
        Map<String, Object> map;
        try {
            map = MAPPER.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new InputError(where + ": not a steepest model.json (not a JSON object)", e);
        }
        try {
            return ScoringModel.fromJson(map);
        } catch (IllegalArgumentException e) {
            throw new InputError(where + ": " + e.getMessage(), e);
        }
    }

    /** The text of a model.json object as {@code TrainJob} builds it (maps, arrays, records). */
    public static String text(Map<String, Object> modelJson) {
        try {
            return MAPPER.writeValueAsString(modelJson);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses model.json's text into a map (for its config and other fields). */
    public static Map<String, Object> map(String json) {
        try {
            return MAPPER.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new InputError("model.json: not a JSON object", e);
        }
    }

    /** Writes {@code text} to {@code file} (replacing it) through its Hadoop FileSystem. */
    public static void writeText(Configuration conf, Path file, String text) {
        try (OutputStream out = file.getFileSystem(conf).create(file, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        }
    }

    static String readFile(Configuration conf, Path file) {
        try (InputStream in = file.getFileSystem(conf).open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputError("cannot read '" + file + "': " + e.getMessage(), e);
        }
    }
}
