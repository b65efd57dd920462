package dev.steepest.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.spark.InputError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --overwrite killed at each point of the commit: the previous or the new complete output stays findable. */
class RunDirectoryTest {
    @TempDir
    Path tmp;

    private Path previousRun() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("model.json"), "old model");
        Files.writeString(out.resolve("summary.json"), "old summary");
        return out;
    }

    private static RunDirectory newRun(Path out) throws IOException {
        RunDirectory d = RunDirectory.open(out, true);
        Files.writeString(d.file("model.json"), "new model");
        Files.writeString(d.file("summary.json"), "new summary");
        return d;
    }

    private List<String> siblings() throws IOException {
        try (var s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertContents(Path out, String which) throws IOException {
        assertEquals(which + " model", Files.readString(out.resolve("model.json")));
        assertEquals(which + " summary", Files.readString(out.resolve("summary.json")));
    }

    @Test
    void killedBeforeTheCommitLeavesThePreviousOutputUntouched() throws IOException {
        Path out = previousRun();
        RunDirectory d = newRun(out);
        // killed while training or writing: nothing happened to the target
        assertContents(out, "old");
        d.abort();
        assertContents(out, "old");
        assertEquals(List.of("out"), siblings());
    }

    @Test
    void killedBetweenMovingTheOldAsideAndMovingTheNewInRecoversThePrevious() throws IOException {
        Path out = previousRun();
        RunDirectory d = newRun(out);
        d.moveOldAside();
        // the process dies here: the target name is absent, the old output sits in .out.old-*
        assertFalse(Files.exists(out));
        RunDirectory.check(out, true);
        assertContents(out, "old");
        assertTrue(siblings().stream().noneMatch(n -> n.startsWith(".out.old-")), siblings().toString());
        // the next run without --overwrite sees the previous output and refuses it, as for any existing output
        assertThrows(InputError.class, () -> RunDirectory.check(out, false));
        assertContents(out, "old");
    }

    @Test
    void killedBeforeDeletingTheOldKeepsTheNewAndCleansUp() throws IOException {
        Path out = previousRun();
        RunDirectory d = newRun(out);
        d.moveOldAside();
        d.moveNewIn();
        // the process dies before deleting .out.old-*
        assertContents(out, "new");
        assertTrue(siblings().stream().anyMatch(n -> n.startsWith(".out.old-")));
        RunDirectory.recover(out);
        assertContents(out, "new");
        assertEquals(List.of("out"), siblings());
    }

    @Test
    void aCompleteCommitReplacesTheOldAndLeavesNothingElse() throws IOException {
        Path out = previousRun();
        RunDirectory d = newRun(out);
        d.commit();
        d.abort(); // as Main's finally does: a committed directory is not removed
        assertContents(out, "new");
        assertEquals(List.of("out"), siblings());
    }

    @Test
    void recoveryPicksTheNewestOldCopyAndLeavesRunningTempDirectoriesAlone() throws IOException {
        Path older = Files.createDirectories(tmp.resolve(".out.old-1000-5"));
        Files.writeString(older.resolve("model.json"), "older");
        Path newer = Files.createDirectories(tmp.resolve(".out.old-2000-3"));
        Files.writeString(newer.resolve("model.json"), "newer");
        Path running = Files.createDirectories(tmp.resolve(".out.tmp-123"));
        RunDirectory.recover(tmp.resolve("out"));
        assertEquals("newer", Files.readString(tmp.resolve("out").resolve("model.json")));
        assertEquals(List.of(".out.tmp-123", "out"), siblings());
        assertTrue(Files.isDirectory(running));
        // a different name's leftovers are not touched
        Files.createDirectories(tmp.resolve(".other.old-1-1"));
        RunDirectory.recover(tmp.resolve("out"));
        assertTrue(Files.isDirectory(tmp.resolve(".other.old-1-1")));
    }
}
