package dev.steepest.spark;

import dev.steepest.spark.job.TrainJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class whose tests share one {@code local[2]} session with the CLI's settings. */
public abstract class LocalSparkTest {
    protected static SparkSession spark;

    @BeforeAll
    protected static void startSpark() {
        spark = SparkTestSupport.session("local[2]");
    }

    @AfterAll
    protected static void stopSpark() {
        spark.stop();
    }

    /** A run of the trainer on the shared session, with its console output dropped and nothing written. */
    protected static TrainJob.Outcome train(String hocon) {
        return TrainJob.run(spark, SparkTestSupport.config(hocon), null, new PrintStream(new ByteArrayOutputStream()),
                System.nanoTime());
    }
}
