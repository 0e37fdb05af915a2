package org.labo4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a JMH JSON result of {@link FusedLossBenchmark} into a Markdown table: per shape and dtype,
 * each implementation's time, its ratio to the memory floor (the libtorch copy), and its speed-up
 * over libtorch's cross_entropy with label smoothing.
 */
public final class JmhTable {
    private static final Pattern BENCHMARK = Pattern.compile("\"benchmark\"\\s*:\\s*\"[^\"]*\\.([A-Za-z0-9_]+)\"");
    private static final Pattern SCORE = Pattern.compile(
            "\"primaryMetric\"\\s*:\\s*\\{\\s*\"score\"\\s*:\\s*([0-9.eE+-]+)\\s*,\\s*\"scoreError\"\\s*:\\s*\"?([0-9.eE+-]+|NaN)\"?");

    private JmhTable() {}

    record Score(String benchmark, double ms, double error) {}

    public static void main(String[] args) throws IOException {
        final String json = Files.readString(Path.of(args[0]));
        final Map<String, List<Score>> byCase = new LinkedHashMap<>();
        // One JSON object per benchmark and parameter set, each starting with "jmhVersion".
        for (String entry : json.split("\"jmhVersion\"")) {
            final Matcher name = BENCHMARK.matcher(entry);
            final Matcher score = SCORE.matcher(entry);
            if (!name.find() || !score.find()) continue;
            final double error = score.group(2).equals("NaN") ? Double.NaN : Double.parseDouble(score.group(2));
            final String threads = param(entry, "threads");
            final String key = param(entry, "shape") + " " + param(entry, "dtype") + (threads.isEmpty() ? "" : ", " + threads + " threads");
            byCase.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(new Score(name.group(1), Double.parseDouble(score.group(1)), error));
        }
        final StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<Score>> e : byCase.entrySet()) {
            final double copy = find(e.getValue(), "libtorch_copy");
            final double torchLs = find(e.getValue(), "libtorch_crossEntropyLabelSmoothing");
            out.append("\n**").append(e.getKey()).append("** (N x V, dtype, threads)\n\n");
            out.append("| benchmark (forward + backward) | ms | ± | × copy (floor) | speed-up vs libtorch CE+LS |\n");
            out.append("| --- | ---: | ---: | ---: | ---: |\n");
            for (Score s : e.getValue()) {
                out.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.2f | %.1fx |%n",
                        s.benchmark(), s.ms(), s.error(), s.ms() / copy, torchLs / s.ms()));
            }
        }
        System.out.print(out);
    }

    /** The value of one of the entry's JMH parameters, "" when the run did not have it. */
    private static String param(String entry, String name) {
        final Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(entry);
        return m.find() ? m.group(1) : "";
    }

    private static double find(List<Score> scores, String name) {
        return scores.stream().filter(s -> s.benchmark().equals(name)).mapToDouble(Score::ms).findFirst().orElse(Double.NaN);
    }
}
