package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/**
 * README's "Use from Spark" Scala example, exactly as the README has it, runs in the Scala 2.13 interpreter (the
 * compiler of Spark's own Scala version, with this JVM's classpath, as spark-shell would have the app jar) against
 * the local session, and trains, saves, loads and scores.
 */
class SparkMlScalaReadmeTest extends LocalSparkTest {
    @TempDir
    Path tmp;

    /** The README's only {@code ```scala} block. */
    static String readmeScala() throws Exception {
        String readme = Files.readString(SparkTestSupport.repoRoot().resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Use from Spark"));
        int start = section.indexOf("```scala\n") + 9;
        assertTrue(start > 8, "README's Use from Spark has a Scala example");
        return section.substring(start, section.indexOf("```\n", start));
    }

    @Test
    void theReadmesScalaExampleRunsInTheScalaInterpreterAndTrainsSavesLoadsAndScores() throws Exception {
        Settings settings = new Settings();
        // surefire's forked JVM has a manifest-only jar as java.class.path; the test class path is its property
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        settings.processArgumentString("-classpath " + cp.replace(" ", "\\ "));
        StringWriter log = new StringWriter();
        PrintWriter out = new PrintWriter(log, true);
        IMain repl = new IMain(settings, new ReplReporterImpl(settings, out));
        try {
            // what spark-shell defines, and the two names the README's text gives
            String prelude = "val spark = org.apache.spark.sql.SparkSession.active\n"
                    + "val data = \"" + SparkTestSupport.sample("logistic.csv") + "\"\n"
                    + "val dir = \"" + tmp.toUri() + "\"\n";
            Results.Result r = repl.interpret(prelude + readmeScala()); // one compilation

            out.flush();
            assertEquals(Results.Success$.MODULE$, r, log.toString());

            @SuppressWarnings("unchecked")
            Dataset<Row> scored = (Dataset<Row>) repl.valueOfTerm("scored").get();
            double[] history = (double[]) repl.valueOfTerm("history").get();
            long rows = spark.read().option("header", true).csv(SparkTestSupport.sample("logistic.csv")).count();
            assertEquals(rows, scored.count());
            long right = scored.filter("cast(label as double) = prediction").count();
            assertTrue(right > 0.8 * rows, right + " of " + rows);
            assertEquals(5, history.length, java.util.Arrays.toString(history));
            assertTrue(history[4] < history[0], java.util.Arrays.toString(history));
            assertTrue(new File(tmp.toFile(), "scala-pipeline/stages").isDirectory());
        } finally {
            repl.close();
        }
    }
}
