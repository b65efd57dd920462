package dev.steepest.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Opens a steepest HTML page in headless Chromium (Debian's {@code chromium}; {@code .ci/run} installs it): the
 * DOM after the page's scripts ran, the browser's console log, and a screenshot. Tests that need it are skipped,
 * with the reason printed, where no chromium is installed.
 */
final class HeadlessChromium {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STATUS = Pattern.compile("<pre id=\"steepest-status\" data-state=\"(\\w+)\">([^<]*)</pre>");
    private static final Pattern ISLAND = Pattern.compile("<script type=\"application/json\" id=\"steepest-data\">(.*?)</script>",
            Pattern.DOTALL);

    /** What the page showed: the status its script wrote, the data island, and the console lines of the log. */
    record Page(String state, JsonNode status, JsonNode island, List<String> consoleErrors) {
    }

    private HeadlessChromium() {
    }

    static String binary() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
            }
        }
        String reason = "headless Chromium is not installed (apt-get install -y chromium; .ci/run does it): "
                + "skipping the browser check";
        System.out.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
        return null;
    }

    /** Loads {@code html}, returns its DOM's status and island and console errors, and writes {@code screenshot}. */
    static Page open(Path html, Path screenshot, Path scratch) throws IOException, InterruptedException {
        String chromium = binary();
        Path log = scratch.resolve("chromium.log");
        String dom = new String(run(chromium, scratch, log, "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=3000", "--dump-dom", html.toUri().toString()), StandardCharsets.UTF_8);
        run(chromium, scratch, scratch.resolve("chromium-shot.log"), "--window-size=1200,4200",
                "--screenshot=" + screenshot.toAbsolutePath(), html.toUri().toString());
        List<String> errors = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.contains("CONSOLE") && (line.contains("Uncaught") || line.contains("Error"))) errors.add(line);
        }
        Matcher s = STATUS.matcher(dom);
        Matcher d = ISLAND.matcher(dom);
        if (!s.find() || !d.find()) throw new AssertionError("no status or data island in the DOM:\n" + dom);
        return new Page(s.group(1), JSON.readTree(unescape(s.group(2))), JSON.readTree(d.group(1)), errors);
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private static byte[] run(String chromium, Path scratch, Path log, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(scratch, "chromium-profile")));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(scratch, "chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        return Files.readAllBytes(out);
    }
}
