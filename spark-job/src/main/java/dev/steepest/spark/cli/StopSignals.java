package dev.steepest.spark.cli;

import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.train.TrainingPlan;
import java.io.PrintStream;
import java.util.Locale;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop. The first signal sets a flag: during training the run ends after the
 * current step ({@link #listener()}, through {@link TrainingListener#stopRequest()}) and writes its outputs as
 * usual, with stop reason {@code sigterm} / {@code sigint}; before training (reading the data), the running Spark
 * jobs are cancelled ({@link #beforeTraining}); after training the outputs are finished. A second signal exits at
 * once with the first signal's code, writing nothing more (a half-written output stays in its hidden temporary
 * directory, which a later run removes). Exit codes: {@link ExitCode#SIGTERM}, {@link ExitCode#SIGINT}.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}), as Spark's own {@code SignalUtils} does: Java
 * has no public API for signals other than shutdown hooks, which cannot let a run finish its step.
 */
final class StopSignals implements AutoCloseable {
    private final PrintStream err;
    private final java.util.Map<Signal, sun.misc.SignalHandler> previous = new java.util.LinkedHashMap<>();
    private volatile String received;
    private volatile boolean training;
    private volatile Runnable cancelJobs = () -> { };

    private StopSignals(PrintStream err) {
        this.err = err;
    }

    /** Handles SIGTERM and SIGINT from now on. */
    static StopSignals install(PrintStream err) {
        StopSignals s = new StopSignals(err);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal signal = new Signal(name);
                s.previous.put(signal, Signal.handle(signal, sig -> s.onSignal("SIG" + sig.getName())));
            } catch (IllegalArgumentException e) {
                // the JVM reserves this signal here (e.g. -Xrs): the default behaviour stays
            }
        }
        return s;
    }

    /** Puts back the handlers from before {@link #install} (tests run the CLI in their own JVM). */
    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }

    void onSignal(String name) {
        if (received != null) {
            err.println("steepest: second signal (" + name + "): exiting now without writing outputs");
            err.flush();
            Runtime.getRuntime().halt(code(received));
        }
        received = name;
        err.println("steepest: " + name + " received: " + (training ? "stopping after the current step"
                : "stopping") + " (a second signal exits at once)");
        err.flush();
        if (!training) cancelJobs.run();
    }

    /** How to stop the Spark jobs that read the data (before training starts). */
    void beforeTraining(Runnable cancel) {
        this.cancelJobs = cancel;
    }

    /** The signal received, e.g. {@code SIGTERM}; null when none. */
    String received() {
        return received;
    }

    int exitCode() {
        return code(received);
    }

    private static int code(String name) {
        return "SIGINT".equals(name) ? ExitCode.SIGINT : ExitCode.SIGTERM;
    }

    /** The training loop's side: marks training as started and asks the loop to stop once a signal came. */
    TrainingListener listener() {
        return new TrainingListener() {
            @Override
            public void onPlan(TrainingPlan plan) {
                training = true;
            }

            @Override
            public String stopRequest() {
                String r = received;
                return r == null ? null : r.toLowerCase(Locale.ROOT);
            }
        };
    }
}
