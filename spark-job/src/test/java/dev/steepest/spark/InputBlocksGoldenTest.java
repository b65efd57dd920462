package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steepest.core.data.Block;
import dev.steepest.core.data.Precision;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.DataSpec;
import dev.steepest.spark.data.TrainingData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's promise for the fast input path: the blocks are the ones the loader built before it, bit for bit, on
 * every format and compression the input tests read. Each case's blocks (partition sizes, every block's rows,
 * labels, weights, values in their stored precision, CSR structure), spec and skip counts are hashed; the expected
 * hashes were computed with the loader of main before issue 17 (commit 2701b0b) and must never change.
 */
class InputBlocksGoldenTest extends LocalSparkTest {
    @TempDir
    static Path tmp;

    /** SHA-256 of the cases below, from the loader before issue 17. */
    private static final Map<String, String> GOLDEN = Map.ofEntries(
            Map.entry("csv linear", "941c2b7aad40d2e9df3b12139687494cf5c4d7e3da80c1ada198359171fbcbf3"),
            Map.entry("csv linear 3 partitions", "c1fa78a85412b220d656e3e811036453d4bd42148f6579367a3f62b59329cd3e"),
            Map.entry("csv linear float32", "0d631a911e8491b2b76763cf33bf74a2a6936eef218838138558bd4a7666e0ed"),
            Map.entry("csv logistic", "c62cc73a35ba094728ee1d5a935dd6adf5c1daa6b851abfa366c85246fc81058"),
            Map.entry("csv softmax", "c6ee32adc7ed48502006d195908162dbc81e276fa08dfce3696dcc6194fe18a9"),
            Map.entry("csv softmax 5 partitions", "5fa28216eb9118995d30541804a5951fe6ef1092d244ce720c6b200a8913d510"),
            Map.entry("csv gzip", "941c2b7aad40d2e9df3b12139687494cf5c4d7e3da80c1ada198359171fbcbf3"),
            Map.entry("csv bzip2", "c62cc73a35ba094728ee1d5a935dd6adf5c1daa6b851abfa366c85246fc81058"),
            Map.entry("csv directory of parts", "5ccb366a8deb1e459e268115624a6a4e76fb02bbb4d412be1d0288d0f4ad4db2"),
            Map.entry("tsv headerless quoted", "68b6560db975c6b8261fa60aca019b761b45f10202b1a776b91b6c2ed66bc641"),
            Map.entry("csv weights and features by name", "51b8b62044c6e9d3dab6c3949363585c5e31dcfa0ec86acd7a38c27d5bba51dd"),
            Map.entry("csv string labels", "9149dd6a4c74239cb41f5e74be35abb5cae6571cb0f2c89ed2061b847018db1d"),
            Map.entry("csv categorical", "919695401d1cf0bc41bb220801d8de7ebaf2b932318df6c146636f9d776e09a0"),
            Map.entry("csv skip bad records", "5ac10ab3a66f471c52491ecf7410c35716b35416aa7e91d158624e515bb903a7"),
            Map.entry("libsvm inferred", "678200f7cd8e1e0c177491829cc2ce151bfd412b6e006e78f4e9cecf0bab07a1"),
            Map.entry("libsvm 8 features 3 partitions", "a7c540b50414efb2c6b6243b379d2521c869ebbed1853573f297315b95aa128e"),
            Map.entry("libsvm gzip", "678200f7cd8e1e0c177491829cc2ce151bfd412b6e006e78f4e9cecf0bab07a1"),
            Map.entry("libsvm skip bad records", "395677c251b10fd8442928da460cb3b7efd728d86e0e5c1e80615c75bc5bed01"),
            Map.entry("parquet linear", "941c2b7aad40d2e9df3b12139687494cf5c4d7e3da80c1ada198359171fbcbf3"),
            Map.entry("parquet linear 3 partitions float32", "405764641ffaa7c8b5f211748792d386c56752555e0f3241a639b830316356da")
    );

    private static String sample(String name) throws IOException {
        return Files.readString(Path.of(SparkTestSupport.sample(name)));
    }

    private static Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static Path gzip(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    private static Path bzip2(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        BZip2Codec codec = new BZip2Codec();
        codec.setConf(new Configuration());
        try (OutputStream out = codec.createOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    /** The cases: name to (path, options). */
    private static Map<String, Object[]> cases() throws IOException {
        Map<String, Object[]> c = new LinkedHashMap<>();
        String linear = sample("linear.csv");
        String logistic = sample("logistic.csv");
        String softmax = sample("softmax.csv");
        BlockLoader.Options reg = LoaderOptions.of("csv", "y").build();
        BlockLoader.Options bin = LoaderOptions.of("csv", "label").binary(true).build();
        BlockLoader.Options multi = LoaderOptions.of("csv", "label").maxClasses(10).build();
        c.put("csv linear", new Object[] {SparkTestSupport.sample("linear.csv"), reg});
        c.put("csv linear 3 partitions", new Object[] {SparkTestSupport.sample("linear.csv"), with(reg, b -> b.partitions(3))});
        c.put("csv linear float32", new Object[] {SparkTestSupport.sample("linear.csv"),
                with(reg, b -> b.precision(Precision.FLOAT32))});
        c.put("csv logistic", new Object[] {SparkTestSupport.sample("logistic.csv"), bin});
        c.put("csv softmax", new Object[] {SparkTestSupport.sample("softmax.csv"), multi});
        c.put("csv softmax 5 partitions", new Object[] {SparkTestSupport.sample("softmax.csv"),
                with(multi, b -> b.partitions(5))});
        c.put("csv gzip", new Object[] {gzip("gz/linear.csv.gz", linear).toString(), reg});
        c.put("csv bzip2", new Object[] {bzip2("bz/logistic.csv.bz2", logistic).toString(), bin});
        // a directory of parts: gzip, bzip2 and plain, with Hadoop's side files
        String[] all = softmax.split("\n");
        String header = all[0];
        List<String> rows = List.of(all).subList(1, all.length);
        int third = rows.size() / 3;
        gzip("parts/part-0.csv.gz", header + "\n" + String.join("\n", rows.subList(0, third)) + "\n");
        bzip2("parts/part-1.csv.bz2", header + "\n" + String.join("\n", rows.subList(third, 2 * third)) + "\n");
        write("parts/part-2.csv", header + "\n" + String.join("\n", rows.subList(2 * third, rows.size())) + "\n");
        write("parts/_SUCCESS", "");
        c.put("csv directory of parts", new Object[] {tmp.resolve("parts").toString(), multi});
        // headerless, tab-separated, quoted, blank lines, CRLF, spaces, exponents, a BOM, weights, string labels
        write("misc/t.tsv", "\uFEFF7\t\"a\"\t1.5\t 2 \r\n\n9\t\"b\"\"c\"\t-1\t3e1\r\n  \n-4.25\t\"x\"\t+0.5\t-2E-3\n"
                + "1e2\tq\t.5\t5.\n");
        c.put("tsv headerless quoted", new Object[] {tmp.resolve("misc/t.tsv").toString(),
                with(LoaderOptions.of("csv", "0").build(), b -> b.header(false).delimiter("\\t").exclude("1"))});
        write("misc/w.csv", "id,y,w,a,b\n1,0.5,2,10,20\n2,1.5,0.25,30,40\n3,-1,1,\"7\",8\n4,2,0,1e-300,-0\n");
        c.put("csv weights and features by name", new Object[] {tmp.resolve("misc/w.csv").toString(),
                with(reg, b -> b.weight("w").features("b", "a"))});
        write("misc/s.csv", "label,a,b\ncat,1,2\ndog,3,4\ncat,5,6\nbird,7,8\ndog,9,10\n");
        c.put("csv string labels", new Object[] {tmp.resolve("misc/s.csv").toString(), multi});
        write("misc/c.csv", "label,a,color,b\n1,1,red,2\n0,3,blue,4\n1,5,red,6\n0,7,green,8\n1,9,blue,10\n");
        c.put("csv categorical", new Object[] {tmp.resolve("misc/c.csv").toString(),
                with(bin, b -> b.categorical("color"))});
        // skip mode: bad records of each kind among good ones
        StringBuilder bad = new StringBuilder("label,a,b\n");
        for (int i = 0; i < 40; i++) {
            bad.append(switch (i % 10) {
                case 3 -> "1,x,2";
                case 5 -> "0,1";
                case 7 -> ",1,2";
                case 8 -> "1,inf,2";
                case 9 -> "0,\"1,2";
                default -> (i % 2) + "," + i + "," + (i * 0.5);
            }).append('\n');
        }
        bad.append("oops,1,2\n");
        write("misc/bad.csv", bad.toString());
        c.put("csv skip bad records", new Object[] {tmp.resolve("misc/bad.csv").toString(),
                with(bin, b -> b.skip().partitions(3))});
        // LibSVM: the sample, its feature count inferred and given, gzip
        String libsvm = sample("logistic.libsvm");
        BlockLoader.Options svm = LoaderOptions.of("libsvm", "label").binary(true).build();
        c.put("libsvm inferred", new Object[] {SparkTestSupport.sample("logistic.libsvm"), svm});
        c.put("libsvm 8 features 3 partitions", new Object[] {SparkTestSupport.sample("logistic.libsvm"),
                with(svm, b -> b.numFeatures(8).partitions(3))});
        c.put("libsvm gzip", new Object[] {gzip("svm/l.libsvm.gz", libsvm).toString(), svm});
        write("svm/bad.libsvm", "# comment\n1 1:1 3:2\n0 2:x\n1 2:1 1:3\n0 1:0.5 # tail\nq 1:1\n1 4:-1e3\n");
        c.put("libsvm skip bad records", new Object[] {tmp.resolve("svm/bad.libsvm").toString(),
                with(svm, b -> b.skip())});
        // Parquet: the sample (numeric columns), and float32
        BlockLoader.Options pq = LoaderOptions.of("parquet", "y").build();
        c.put("parquet linear", new Object[] {SparkTestSupport.sample("linear.parquet"), pq});
        c.put("parquet linear 3 partitions float32", new Object[] {SparkTestSupport.sample("linear.parquet"),
                with(pq, b -> b.partitions(3).precision(Precision.FLOAT32))});
        return c;
    }

    private static BlockLoader.Options with(BlockLoader.Options o, Function<LoaderOptions, LoaderOptions> f) {
        return f.apply(LoaderOptions.from(o)).build();
    }

    @Test
    void theFastInputPathBuildsTheBlocksOfTheLoaderBeforeIt() throws Exception {
        Map<String, String> found = new LinkedHashMap<>();
        for (Map.Entry<String, Object[]> e : cases().entrySet()) {
            TrainingData d = BlockLoader.loadTraining(spark, "data.train", (String) e.getValue()[0],
                    (BlockLoader.Options) e.getValue()[1]);
            try {
                found.put(e.getKey(), digest(d));
            } finally {
                d.release();
            }
        }
        StringBuilder table = new StringBuilder();
        for (Map.Entry<String, String> e : found.entrySet()) {
            table.append("            Map.entry(\"").append(e.getKey()).append("\", \"").append(e.getValue())
                    .append("\"),\n");
        }
        for (Map.Entry<String, String> e : found.entrySet()) {
            assertEquals(GOLDEN.get(e.getKey()), e.getValue(), e.getKey() + "; all found:\n" + table);
        }
        assertEquals(GOLDEN.keySet(), found.keySet());
    }

    /** A hash of everything the loader decided: spec, partition sizes, skip counts, every block's arrays. */
    static String digest(TrainingData d) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        DataSpec s = d.spec();
        md.update((s.featureNames() + "|" + Arrays.toString(s.classes()) + "|" + Arrays.toString(s.labelNames())
                + "|" + s.sparse() + "|" + s.numFeatures() + "|" + Arrays.toString(d.partitionSizes()) + "|"
                + d.skipped()).getBytes(StandardCharsets.UTF_8));
        for (Block b : d.blocks().collect()) {
            ByteBuffer h = ByteBuffer.allocate(16);
            h.putInt(b.numRows()).putInt(b.numFeatures()).put((byte) (b.isSparse() ? 1 : 0))
                    .put((byte) (b.isFloat32() ? 1 : 0)).put((byte) (b.hasUnitWeights() ? 1 : 0));
            md.update(h.array());
            for (int i = 0; i < b.numRows(); i++) {
                md.update(longBytes(Double.doubleToRawLongBits(b.label(i))));
                md.update(longBytes(Double.doubleToRawLongBits(b.weight(i))));
            }
            if (b.isSparse()) {
                for (int v : b.rowPtr()) md.update(longBytes(v));
                for (int v : b.colIdx()) md.update(longBytes(v));
            }
            if (b.isFloat32()) {
                for (float v : b.floatValues()) md.update(longBytes(Float.floatToRawIntBits(v)));
            } else {
                for (double v : b.values()) md.update(longBytes(Double.doubleToRawLongBits(v)));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }
}
