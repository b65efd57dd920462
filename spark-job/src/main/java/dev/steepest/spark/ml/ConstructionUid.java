package dev.steepest.spark.ml;

/**
 * The uid of a Spark ML object while its superclass constructor runs. Spark's Scala traits create their
 * {@code Param}s in the superclass constructor with {@code parent = uid()}; a Scala subclass has its {@code uid}
 * field set by then, a Java subclass cannot set a field before {@code super()}. So each constructor first
 * {@link #enter}s its uid here (in the argument of a {@code this(...)} call, which runs before {@code super()}),
 * {@code uid()} answers from here while its field is still null, and the constructor {@link #leave}s afterwards.
 */
final class ConstructionUid {
    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    private ConstructionUid() {
    }

    static String enter(String uid) {
        PENDING.set(uid);
        return uid;
    }

    static String current() {
        return PENDING.get();
    }

    static void leave() {
        PENDING.remove();
    }
}
