package dev.steepest.core.data;

import java.util.Locale;

/**
 * How a {@link Block} stores its feature values. Labels and sample weights are always doubles, and every kernel
 * computes in double whichever precision the block stores: a float32 value converts to double exactly, so a
 * float32 block gives the same results as a float64 block of the float-rounded values.
 */
public enum Precision {
    /** 8-byte {@code double} values (the default). */
    FLOAT64,
    /**
     * 4-byte {@code float} values: half the bytes of the values, each rounded to the nearest float (relative error
     * at most 2^-24, about 6e-8; magnitudes below about 1.4e-45 become 0, and {@link BlockBuilder} refuses finite
     * values beyond float's range).
     */
    FLOAT32;

    /** The config spelling: {@code float64} or {@code float32}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the config spelling {@code float64} / {@code float32} (case-insensitive). */
    public static Precision parse(String s) {
        for (Precision p : values()) if (p.configName().equalsIgnoreCase(s.trim())) return p;
        throw new IllegalArgumentException("precision must be float64 or float32: '" + s + "'");
    }
}
