package dev.steepest.spark.data;

import dev.steepest.spark.InputError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Column references of the config ({@code data.label}, {@code data.weight}, {@code data.features},
 * {@code data.exclude}, {@code data.categorical}: names, or 0-based positions as numbers) resolved against the
 * columns {@code names} of a file at {@code path} read for {@code key}.
 */
record Columns(String[] names, String key, String path) {
    int resolve(String configKey, String ref) {
        for (int i = 0; i < names.length; i++) if (names[i].equals(ref)) return i;
        if (ref.matches("\\d{1,9}")) {
            int i = Integer.parseInt(ref);
            if (i < names.length) return i;
        }
        List<String> shown = Arrays.asList(names).subList(0, Math.min(names.length, 12));
        throw new InputError(configKey + ": no column '" + ref + "' in '" + path + "' (columns: "
                + String.join(", ", shown) + (names.length > 12 ? ", ..." : "") + ")");
    }

    int[] resolveAll(String configKey, List<String> refs) {
        int[] out = new int[refs == null ? 0 : refs.size()];
        for (int i = 0; i < out.length; i++) out[i] = resolve(configKey, refs.get(i));
        return out;
    }

    /** data.features, or every column but the label, the weight, the excluded and the categorical ones. */
    int[] features(BlockLoader.Options opt, int label, int weight, int[] categorical) {
        TreeSet<Integer> taken = new TreeSet<>(List.of(label, weight));
        for (int c : categorical) taken.add(c);
        for (int e : resolveAll("data.exclude", opt.exclude())) taken.add(e);
        int[] out;
        if (opt.features() != null) {
            out = resolveAll("data.features", opt.features());
            for (int j : out) {
                if (taken.contains(j)) {
                    throw new InputError("data.features: column '" + names[j] + "' is also the label, the weight,"
                            + " excluded or categorical");
                }
            }
        } else {
            out = IntStream.range(0, names.length).filter(j -> !taken.contains(j)).toArray();
        }
        if (out.length == 0 && categorical.length == 0) {
            throw new InputError(key + ": '" + path + "' has no feature columns besides the label");
        }
        return out;
    }

    /** The names of the columns at {@code positions}. */
    List<String> named(int[] positions) {
        List<String> out = new ArrayList<>();
        for (int j : positions) out.add(names[j]);
        return out;
    }

    /** The names a vector's or LibSVM file's features get: f0, f1, ... */
    static List<String> indexNames(int d) {
        List<String> names = new ArrayList<>(d);
        for (int j = 0; j < d; j++) names.add("f" + j);
        return names;
    }
}
