package dev.steepest.spark.config;

import dev.steepest.spark.InputError;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A config value to the type its {@link Key} declares, in range, or an input error naming the key and its origin. */
final class ValueConversion {
    private ValueConversion() {
    }

    static String where(ConfigValue v) {
        if (v.origin() == null || v.origin().lineNumber() < 0) return "";
        // a file's text is parsed with the file's path as its origin description (ConfigLoader)
        String name = v.origin().filename() != null ? v.origin().filename()
                : v.origin().description().replaceFirst(":\\s*\\d+(-\\d+)?$", "");
        if (name.isEmpty() || name.equals("String")) return "";
        return " (" + name + ":" + v.origin().lineNumber() + ")";
    }

    static Object convert(Key key, ConfigValue v) {
        Object raw = v.unwrapped();
        String text = String.valueOf(raw).trim();
        String bad = key.name() + ": '" + text + "' is not allowed" + where(v) + "; expected " + key.allowed();
        if (key.type() == Key.Type.NUMBER_LIST) {
            return numberList(key, v, bad);
        }
        if (key.type() == Key.Type.INT_LIST) {
            return intList(v, bad);
        }
        if (key.type() == Key.Type.STRING_LIST) {
            return stringList(v, bad);
        }
        if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
            throw new InputError(bad);
        }
        switch (key.type()) {
            case STRING:
                if (text.isEmpty()) throw new InputError(key.name() + ": must not be empty" + where(v));
                return text;
            case BOOLEAN:
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) return Boolean.parseBoolean(text);
                throw new InputError(bad);
            case WORD:
                if (key.choices().contains(text)) return text;
                throw new InputError(bad);
            case WORD_OR_INT:
                if (key.choices().contains(text)) return text;
                long n = parseLong(text, bad);
                checkRange(key, n, bad);
                return Long.toString(n);
            case INT:
            case LONG:
                long l = parseLong(text, bad);
                checkRange(key, l, bad);
                return l;
            case DOUBLE:
                double d;
                try {
                    d = Double.parseDouble(text);
                } catch (NumberFormatException ex) {
                    throw new InputError(bad);
                }
                if (!Double.isFinite(d)) throw new InputError(bad);
                return checkRange(key, d, bad);
            default:
                throw new IllegalStateException(key.type().toString());
        }
    }

    /** Column references: a list of names or positions, or one comma-separated string; no duplicates. */
    private static List<String> stringList(ConfigValue v, String bad) {
        List<String> out = new ArrayList<>();
        if (v.valueType() == ConfigValueType.LIST) {
            for (Object o : (List<?>) v.unwrapped()) {
                if (o == null || o instanceof List || o instanceof Map) throw new InputError(bad);
                out.add(o instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                        ? Long.toString(n.longValue()) : String.valueOf(o).trim());
            }
        } else if (v.valueType() == ConfigValueType.OBJECT) {
            throw new InputError(bad);
        } else {
            for (String part : String.valueOf(v.unwrapped()).split(",")) {
                if (!part.isBlank()) out.add(part.trim());
            }
        }
        if (out.stream().anyMatch(String::isEmpty) || out.stream().distinct().count() != out.size()) {
            throw new InputError(bad);
        }
        return List.copyOf(out);
    }

    /** A non-empty, strictly increasing list of positive numbers, e.g. {@code [30, 60, 80]} or {@code "30,60,80"}. */
    private static List<Double> numberList(Key key, ConfigValue v, String bad) {
        List<Double> out = new ArrayList<>();
        if (v.valueType() == ConfigValueType.LIST) {
            for (Object o : (List<?>) v.unwrapped()) {
                if (!(o instanceof Number n)) throw new InputError(bad);
                out.add(n.doubleValue());
            }
        } else {
            for (String part : String.valueOf(v.unwrapped()).split(",")) {
                try {
                    out.add(Double.parseDouble(part.trim()));
                } catch (NumberFormatException e) {
                    throw new InputError(bad);
                }
            }
        }
        for (int i = 0; i < out.size(); i++) {
            if (!(out.get(i) > 0) || !Double.isFinite(out.get(i)) || (i > 0 && out.get(i) <= out.get(i - 1))) {
                throw new InputError(bad);
            }
        }
        if (out.isEmpty()) throw new InputError(bad);
        return List.copyOf(out);
    }

    /** A list of whole numbers >= 1 (possibly empty), e.g. {@code [256, 128]} or {@code "256,128"}. */
    private static List<Long> intList(ConfigValue v, String bad) {
        List<Long> out = new ArrayList<>();
        List<?> items = v.valueType() == ConfigValueType.LIST ? (List<?>) v.unwrapped()
                : List.of(String.valueOf(v.unwrapped()).split(","));
        for (Object o : items) {
            String t = String.valueOf(o).trim();
            if (t.isEmpty() && items.size() == 1) break;
            long n;
            try {
                n = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new InputError(bad);
            }
            if (n < 1 || n > Integer.MAX_VALUE) throw new InputError(bad);
            out.add(n);
        }
        return List.copyOf(out);
    }

    private static long parseLong(String text, String bad) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException ex) {
            throw new InputError(bad);
        }
    }

    private static double checkRange(Key key, double d, String bad) {
        boolean lowOk = key.minExclusive() ? d > key.min() : d >= key.min();
        boolean highOk = key.maxExclusive() ? d < key.max() : d <= key.max();
        if (!lowOk || !highOk) throw new InputError(bad);
        return d;
    }
}
