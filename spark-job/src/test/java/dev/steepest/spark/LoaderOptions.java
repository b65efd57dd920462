package dev.steepest.spark;

import dev.steepest.core.data.Precision;
import dev.steepest.spark.data.BlockLoader;
import java.util.List;

/**
 * Test fixture: {@link BlockLoader.Options} with the config's defaults (header, comma, every other column a
 * feature, fail on bad records, float64, lineage truncated, regression), changed a few at a time.
 */
public final class LoaderOptions {
    private final String format;
    private final String label;
    private String weight;
    private Integer numFeatures;
    private Integer partitions;
    private int maxClasses;
    private boolean truncateLineage = true;
    private boolean header = true;
    private String delimiter = ",";
    private List<String> features;
    private List<String> exclude = List.of();
    private List<String> categorical = List.of();
    private boolean skip;
    private Precision precision = Precision.FLOAT64;

    private LoaderOptions(String format, String label) {
        this.format = format;
        this.label = label;
    }

    /** Reads {@code format} ("csv", "libsvm", "parquet") with the label in column {@code label}. */
    public static LoaderOptions of(String format, String label) {
        return new LoaderOptions(format, label);
    }

    /** The same options as {@code o}, to change a few. */
    public static LoaderOptions from(BlockLoader.Options o) {
        LoaderOptions b = new LoaderOptions(o.format(), o.labelColumn());
        b.weight = o.weightColumn();
        b.numFeatures = o.numFeatures();
        b.partitions = o.partitions();
        b.maxClasses = o.maxClasses();
        b.truncateLineage = o.truncateLineage();
        b.header = o.header();
        b.delimiter = o.delimiter();
        b.features = o.features();
        b.exclude = o.exclude();
        b.categorical = o.categorical();
        b.skip = o.skipBadRecords();
        b.precision = o.precision();
        return b;
    }

    public LoaderOptions weight(String w) { weight = w; return this; }
    public LoaderOptions numFeatures(Integer n) { numFeatures = n; return this; }
    public LoaderOptions partitions(Integer p) { partitions = p; return this; }
    /** 0: regression, 2: binary classifier, more: multiclass. */
    public LoaderOptions maxClasses(int k) { maxClasses = k; return this; }
    /** A binary classifier when {@code binary}, else regression. */
    public LoaderOptions binary(boolean binary) { maxClasses = binary ? 2 : 0; return this; }
    public LoaderOptions truncateLineage(boolean t) { truncateLineage = t; return this; }
    public LoaderOptions header(boolean h) { header = h; return this; }
    public LoaderOptions delimiter(String d) { delimiter = d; return this; }
    public LoaderOptions features(String... f) { features = List.of(f); return this; }
    public LoaderOptions exclude(String... e) { exclude = List.of(e); return this; }
    public LoaderOptions categorical(String... c) { categorical = List.of(c); return this; }
    public LoaderOptions skip() { skip = true; return this; }
    public LoaderOptions precision(Precision p) { precision = p; return this; }

    public BlockLoader.Options build() {
        return new BlockLoader.Options(format, label, weight, numFeatures, partitions, maxClasses, truncateLineage,
                header, delimiter, features, exclude, categorical, skip, precision);
    }
}
