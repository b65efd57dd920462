package dev.steepest.spark.report;

import dev.steepest.spark.InputError;
import dev.steepest.spark.output.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A self-contained HTML page of tables and charts, the one style of {@code report}, {@code lr-find} and
 * {@code compare}: uPlot (the WebJar on the classpath) and the page's script are inlined, so viewing it needs no
 * network. The series live in a JSON data island ({@code <script type="application/json" id="steepest-data">}),
 * which the page's script hands to uPlot and tests read back; once the charts are drawn the script writes what
 * it drew (points per series) and any error into the element {@code #steepest-status}.
 */
public final class HtmlPage {
    /** Marks a file as one of ours: an existing file without it is never overwritten. */
    static final String MARKER = "id=\"steepest-data\"";
    private static final String WEBJAR = "META-INF/resources/webjars/uplot/";

    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final List<Map<String, Object>> charts = new ArrayList<>();
    private final Map<String, Object> data = new LinkedHashMap<>();

    public HtmlPage(String title) {
        this.title = title;
    }

    public HtmlPage heading(String text) {
        body.append("<h2>").append(escape(text)).append("</h2>\n");
        return this;
    }

    public HtmlPage paragraph(String text, String cssClass) {
        body.append("<p class=\"").append(cssClass).append("\">").append(escape(text)).append("</p>\n");
        return this;
    }

    public HtmlPage table(List<String> header, List<List<Object>> rows) {
        body.append("<table>\n<tr>");
        for (String h : header) body.append("<th>").append(escape(h)).append("</th>");
        body.append("</tr>\n");
        for (List<Object> row : rows) {
            body.append("<tr>");
            for (Object v : row) body.append("<td>").append(escape(format(v))).append("</td>");
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    public HtmlPage charts(List<Chart> list) {
        for (Chart c : list) {
            body.append("<div class=\"chart\" id=\"chart-").append(escape(c.id())).append("\"></div>\n");
            charts.add(c.toJson());
        }
        return this;
    }

    /** Adds a top-level entry to the data island besides {@code charts}. */
    public HtmlPage data(String key, Object value) {
        data.put(key, value);
        return this;
    }

    public String render() {
        Map<String, Object> island = new LinkedHashMap<>(data);
        island.put("charts", charts);
        String version = uplotVersion();
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
                + "</title>\n<style>\n" + resource(WEBJAR + version + "/dist/uPlot.min.css") + "\n"
                + resource("dev/steepest/spark/report/page.css") + "\n</style>\n</head>\n<body>\n<h1>" + escape(title)
                + "</h1>\n" + body + "<pre id=\"steepest-status\" data-state=\"pending\">charts not drawn</pre>\n"
                + "<script type=\"application/json\" " + MARKER + ">" + script(Json.line(island)) + "</script>\n"
                + "<script>/* uPlot " + version + " (MIT), bundled */\n"
                + script(resource(WEBJAR + version + "/dist/uPlot.iife.min.js")) + "\n</script>\n<script>\n"
                + script(resource("dev/steepest/spark/report/page.js")) + "\n</script>\n</body>\n</html>\n";
    }

    /**
     * Writes the page to {@code file} through a temporary sibling; an existing file that is not a steepest page
     * is refused (input error), so nothing the user had is lost.
     */
    public void write(Path file) {
        Path abs = file.toAbsolutePath();
        try {
            if (Files.isDirectory(abs)) throw new InputError(file + ": is a directory; --out takes a file name");
            if (Files.exists(abs) && !Files.readString(abs, StandardCharsets.UTF_8).contains(MARKER)) {
                throw new InputError(file + ": exists and is not a steepest page; not overwritten");
            }
            if (abs.getParent() != null) Files.createDirectories(abs.getParent());
            Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Files.writeString(tmp, render(), StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new InputError(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    static String format(Object v) {
        if (v == null) return "";
        if (v instanceof Double d) return Double.isFinite(d) ? String.format(java.util.Locale.ROOT, "%.6g", d) : d.toString();
        return v.toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Text inside a script element must not close it. */
    private static String script(String s) {
        return s.replace("</", "<\\/");
    }

    private static String uplotVersion() {
        Properties p = new Properties();
        try (InputStream in = stream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private static String resource(String name) {
        try (InputStream in = stream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream stream(String name) {
        InputStream in = HtmlPage.class.getClassLoader().getResourceAsStream(name);
        if (in == null) throw new IllegalStateException("missing on the classpath: " + name + " (the uPlot WebJar)");
        return in;
    }
}
