package dev.steepest.core.checkpoint;

import dev.steepest.core.train.StepPlan;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's state ({@link dev.steepest.core.train.LoopState} and everything it holds) as a JSON-ready tree plus one
 * block of raw doubles: the checkpoint format (documented in the README), not Java serialization.
 *
 * <p>The tree is made of {@code Map<String, Object>} (a record or value class: its components by name and its class
 * under {@code "@type"}), {@code List}, {@code String}, {@code Number}, {@code Boolean} and {@code null}. Scalar
 * doubles are numbers (or the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}); a {@code double[]}
 * is {@code {"@doubles": [offset, length]}}, a range of the little-endian IEEE 754 block, so the parameters and
 * the optimizer's moments come back bit for bit. Only classes of {@code dev.steepest.core} are read back (a
 * checkpoint cannot name an arbitrary class), and each must be a record, {@link StepPlan}, or a class with a
 * no-argument constructor whose fields are values of these kinds (as {@code Evaluation}).
 */
public final class StateCodec {
    private static final String PACKAGE = "dev.steepest.core.";
    static final String TYPE = "@type";
    static final String DOUBLES = "@doubles";

    private StateCodec() {
    }

    /** A state in its two parts: the tree (for JSON) and the doubles its arrays refer to. */
    public record Encoded(Object tree, double[] doubles) {
        /** The doubles as little-endian bytes (the {@code state.bin} file). */
        public byte[] doubleBytes() {
            ByteBuffer b = ByteBuffer.allocate(doubles.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (double d : doubles) b.putDouble(d);
            return b.array();
        }

        /** The doubles of a {@code state.bin} file. */
        public static double[] fromBytes(byte[] bytes) {
            if (bytes.length % Double.BYTES != 0) {
                throw new IllegalArgumentException("a state.bin of " + bytes.length + " bytes is not whole doubles");
            }
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            double[] d = new double[bytes.length / Double.BYTES];
            for (int i = 0; i < d.length; i++) d[i] = b.getDouble();
            return d;
        }
    }

    public static Encoded encode(Object value) {
        Writer w = new Writer();
        Object tree = w.write(value);
        return new Encoded(tree, w.doubles());
    }

    /** The value of {@code type} that {@link #encode} turned into {@code tree} and {@code doubles}. */
    public static <T> T decode(Object tree, double[] doubles, Class<T> type) {
        return type.cast(new Reader(doubles).read(tree, type));
    }

    private static final class Writer {
        private double[] buffer = new double[1024];
        private int size;

        double[] doubles() {
            return java.util.Arrays.copyOf(buffer, size);
        }

        Object write(Object v) {
            if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Integer) {
                return v;
            }
            if (v instanceof Double d) return scalar(d);
            if (v instanceof Enum<?> e) return e.name();
            if (v instanceof double[] a) return doubles(a);
            if (v instanceof int[] a) {
                List<Object> out = new ArrayList<>(a.length);
                for (int x : a) out.add(x);
                return out;
            }
            if (v instanceof long[] a) {
                List<Object> out = new ArrayList<>(a.length);
                for (long x : a) out.add(x);
                return out;
            }
            if (v instanceof List<?> list) {
                List<Object> out = new ArrayList<>(list.size());
                for (Object o : list) out.add(write(o));
                return out;
            }
            Class<?> c = v.getClass();
            checkAllowed(c);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put(TYPE, c.getName());
            if (v instanceof StepPlan p) {
                int[] offsets = new int[p.numPartitions()];
                int[] counts = new int[p.numPartitions()];
                for (int i = 0; i < offsets.length; i++) {
                    offsets[i] = p.offset(i);
                    counts[i] = p.count(i);
                }
                out.put("seed", p.seed());
                out.put("epoch", p.epoch());
                out.put("offsets", write(offsets));
                out.put("counts", write(counts));
            } else if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) out.put(rc.getName(), write(invoke(rc, v)));
            } else {
                for (Field f : fields(c)) out.put(f.getName(), write(get(f, v)));
            }
            return out;
        }

        private Object doubles(double[] a) {
            while (size + a.length > buffer.length) buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
            System.arraycopy(a, 0, buffer, size, a.length);
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put(DOUBLES, List.of((long) size, (long) a.length));
            size += a.length;
            return ref;
        }
    }

    private static final class Reader {
        private final double[] doubles;

        Reader(double[] doubles) {
            this.doubles = doubles;
        }

        Object read(Object tree, Type type) {
            if (tree == null) return null;
            Class<?> raw = rawClass(type);
            if (raw == double.class || raw == Double.class) return scalar(tree);
            if (raw == long.class || raw == Long.class) return number(tree).longValue();
            if (raw == int.class || raw == Integer.class) return Math.toIntExact(number(tree).longValue());
            if (raw == boolean.class || raw == Boolean.class) return (Boolean) tree;
            if (raw == String.class) return (String) tree;
            if (raw.isEnum()) return enumValue(raw, (String) tree);
            if (raw == double[].class) return doubleRange(tree);
            if (raw == int[].class || raw == long[].class) {
                List<?> list = (List<?>) tree;
                Object out = Array.newInstance(raw.getComponentType(), list.size());
                for (int i = 0; i < list.size(); i++) {
                    long x = number(list.get(i)).longValue();
                    if (raw == int[].class) Array.setInt(out, i, Math.toIntExact(x));
                    else Array.setLong(out, i, x);
                }
                return out;
            }
            if (raw == List.class) {
                Type element = type instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
                List<Object> out = new ArrayList<>();
                for (Object o : (List<?>) tree) out.add(read(o, element));
                return List.copyOf(out);
            }
            Map<?, ?> map = (Map<?, ?>) tree;
            Class<?> c = classOf((String) map.get(TYPE), raw);
            if (c == StepPlan.class) {
                return new StepPlan(number(map.get("seed")).longValue(), number(map.get("epoch")).longValue(),
                        (int[]) read(map.get("offsets"), int[].class), (int[]) read(map.get("counts"), int[].class));
            }
            try {
                if (c.isRecord()) {
                    RecordComponent[] rcs = c.getRecordComponents();
                    Class<?>[] types = new Class<?>[rcs.length];
                    Object[] args = new Object[rcs.length];
                    for (int i = 0; i < rcs.length; i++) {
                        types[i] = rcs[i].getType();
                        if (!map.containsKey(rcs[i].getName())) {
                            throw new IllegalArgumentException(c.getSimpleName() + " lacks '" + rcs[i].getName() + "'");
                        }
                        args[i] = read(map.get(rcs[i].getName()), rcs[i].getGenericType());
                    }
                    Constructor<?> k = c.getDeclaredConstructor(types);
                    k.setAccessible(true);
                    return k.newInstance(args);
                }
                Constructor<?> k = c.getDeclaredConstructor();
                k.setAccessible(true);
                Object o = k.newInstance();
                for (Field f : fields(c)) {
                    if (map.containsKey(f.getName())) f.set(o, read(map.get(f.getName()), f.getGenericType()));
                }
                return o;
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot rebuild " + c.getName() + ": " + e, e);
            }
        }

        private double[] doubleRange(Object tree) {
            List<?> ref = (List<?>) ((Map<?, ?>) tree).get(DOUBLES);
            int offset = Math.toIntExact(number(ref.get(0)).longValue());
            int length = Math.toIntExact(number(ref.get(1)).longValue());
            if (offset < 0 || length < 0 || offset + length > doubles.length) {
                throw new IllegalArgumentException("an array at " + offset + "+" + length + " lies outside state.bin ("
                        + doubles.length + " doubles)");
            }
            return java.util.Arrays.copyOfRange(doubles, offset, offset + length);
        }
    }

    private static Object scalar(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        return d;
    }

    private static double scalar(Object tree) {
        if (tree instanceof String s) return Double.parseDouble(s);
        return number(tree).doubleValue();
    }

    private static Number number(Object tree) {
        if (tree instanceof Number n) return n;
        throw new IllegalArgumentException("expected a number, found " + tree);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> raw, String name) {
        return Enum.valueOf((Class<Enum>) raw, name);
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) return c;
        if (type instanceof ParameterizedType p) return (Class<?>) p.getRawType();
        return Object.class;
    }

    private static Class<?> classOf(String name, Class<?> declared) {
        if (name == null) throw new IllegalArgumentException("a value without " + TYPE);
        if (!name.startsWith(PACKAGE)) throw new IllegalArgumentException("a checkpoint may not name class " + name);
        try {
            Class<?> c = Class.forName(name, false, StateCodec.class.getClassLoader());
            if (!declared.isAssignableFrom(c)) {
                throw new IllegalArgumentException(name + " is not a " + declared.getName());
            }
            checkAllowed(c);
            return c;
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("unknown class " + name + " (another steepest version?)", e);
        }
    }

    private static void checkAllowed(Class<?> c) {
        if (!c.getName().startsWith(PACKAGE)) {
            throw new IllegalArgumentException("cannot checkpoint a " + c.getName());
        }
    }

    private static List<Field> fields(Class<?> c) {
        List<Field> out = new ArrayList<>();
        for (Field f : c.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m) || Modifier.isTransient(m)) continue;
            f.setAccessible(true);
            out.add(f);
        }
        return out;
    }

    private static Object invoke(RecordComponent rc, Object v) {
        try {
            rc.getAccessor().setAccessible(true);
            return rc.getAccessor().invoke(v);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object get(Field f, Object v) {
        try {
            return f.get(v);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
