package dev.steepest.spark.job;

import dev.steepest.spark.SteepestKryoRegistrator;
import dev.steepest.spark.config.JobConfig;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the Spark session of a run from the config's {@code spark.*} keys. */
public final class SparkSessions {
    private SparkSessions() {
    }

    /**
     * The Spark settings of a run: Kryo with registration required and our registrator (unless the user chose
     * otherwise), every {@code spark.*} key of the config, and the master: spark-submit's {@code --master} when
     * there is one (the command line wins over a file), else the config's {@code spark.master}, else
     * {@code local[*]}.
     */
    public static SparkConf conf(JobConfig cfg) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(cfg.string("spark.master"));
        }
        conf.setIfMissing("spark.app.name", "steepest");
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrationRequired", "true");
        conf.setIfMissing("spark.kryo.registrator", SteepestKryoRegistrator.class.getName());
        for (Map.Entry<String, String> e : cfg.sparkSettings().entrySet()) conf.set(e.getKey(), e.getValue());
        return conf;
    }

    public static SparkSession create(JobConfig cfg) {
        return SparkSession.builder().config(conf(cfg)).getOrCreate();
    }
}
