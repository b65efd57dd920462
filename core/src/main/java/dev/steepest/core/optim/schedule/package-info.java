/**
 * Learning-rate schedules: small immutable {@link dev.steepest.core.optim.LearningRateSchedule}s, each a pure
 * function of the step in the style of Optax, plus {@link dev.steepest.core.optim.schedule.ReduceOnPlateau}, which
 * depends on a monitored metric and is therefore a pure state machine instead.
 *
 * <p>Conventions shared by every class here:
 * <ul>
 *   <li>{@code rate(t)} is the rate of the update with 0-based index {@code t}; a negative {@code t} is an
 *       {@link java.lang.IllegalArgumentException}.</li>
 *   <li>Every count (step size, milestones, {@code tMax}, {@code t0}, total steps) is in <em>steps</em> (updates);
 *       converting epochs to steps is the configuration layer's job.</li>
 *   <li>{@code lr0} (or {@code maxLr} for {@link dev.steepest.core.optim.schedule.OneCycle}) is the base rate,
 *       after batch-size scaling ({@link dev.steepest.core.optim.LrScaling}).</li>
 *   <li>Each schedule equals the corresponding {@code torch.optim.lr_scheduler} class (PyTorch 1.13) driven as
 *       {@code optimizer.step(); scheduler.step()} once per update: {@code rate(t)} is the learning rate torch's
 *       optimizer uses for its step {@code t}. {@code PyTorchScheduleGoldenTest} checks this to 1e-10 relative.</li>
 *   <li>Every schedule composes with {@link dev.steepest.core.optim.LinearWarmup}, which evaluates it at
 *       absolute steps (the warmup steps are not subtracted).</li>
 *   <li>{@code cos} and {@code pow} are {@link java.lang.StrictMath}'s, so a schedule gives bit-identical rates on
 *       every JVM and platform.</li>
 *   <li>Invalid arguments fail in the constructor with {@link java.lang.IllegalArgumentException}; deserialization
 *       re-runs the same checks.</li>
 * </ul>
 */
package dev.steepest.core.optim.schedule;
