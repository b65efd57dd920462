/**
 * {@code steepest report} (and {@code train --report}) and the looking tools: a self-contained HTML page drawn from
 * the files a run writes ({@code metrics.jsonl}, {@code summary.json}, {@code model.json}), with a bundled chart
 * library and a JSON data island, and the checklist's diagnosis lines. Reads run directories only; uses
 * {@code output}, {@code data}'s error mapping and {@code cli}'s exit codes.
 */
package dev.steepest.spark.report;
