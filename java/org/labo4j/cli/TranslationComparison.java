package org.labo4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.labo4j.Loss;
import org.labo4j.translation.train.TestEvaluation;
import org.labo4j.translation.train.TranslationCheckpoint;
import org.labo4j.translation.train.TranslationRunResult;
import org.labo4j.translation.train.TranslationTrainConfig;
import org.labo4j.translation.train.TranslationTraining;
import org.labo4j.vision.plot.BarChart;

/**
 * {@code labo compare translation}: the same run with CE, LS and LABO (identical options, data, vocabulary
 * and batch order) over several seeds, summarized as mean ± std of test BLEU in compare.md and
 * compare-bleu.png. Runs already in the directory are resumed, so an interrupted comparison continues.
 */
final class TranslationComparison {
    static final String TABLE_FILE = "compare.md";
    static final String CHART_FILE = "compare-bleu.png";

    private TranslationComparison() {}

    /** The compared losses: one alpha for both smoothing members, LABO with the given (or default) rule. */
    static Loss comparedLoss(String name, LossChoice base) {
        final LossChoice c = new LossChoice();
        c.ignoreIndex = base.ignoreIndex;
        c.impl = base.impl;
        c.alpha = base.alpha;
        switch (name) {
            case "ce" -> {
                c.loss = "ce";
                c.alpha = null;
            }
            case "ls" -> c.loss = "ls";
            case "labo" -> {
                c.loss = "labo";
                c.temperature = base.temperature;
                c.budget = base.budget;
            }
            default -> throw new IllegalArgumentException("--losses: unknown loss " + name + " (ce, ls, labo)");
        }
        return c.build();
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        final TranslationCommand.Parsed p = TranslationCommand.parse(args, true);
        if (p.args.help) {
            out.print(TranslationCommand.usage());
            return 0;
        }
        for (String name : p.args.losses) {
            comparedLoss(name, p.args.loss);  // a bad name or loss option fails before hours of training
        }
        final Path root = p.config.runDir;
        final Map<String, List<TranslationRunResult>> results = new LinkedHashMap<>();
        final Map<String, String> descriptions = new LinkedHashMap<>();
        for (int s = 0; s < p.args.seeds; s++) {
            for (String name : p.args.losses) {
                final Loss loss = comparedLoss(name, p.args.loss);
                final TranslationTrainConfig c = p.config.copy();
                c.seed = p.config.seed + s;
                c.runDir = root.resolve(name + "-seed" + c.seed);
                c.resume = Files.exists(c.runDir.resolve(TranslationCheckpoint.FILE_NAME));
                err.printf("== %s, seed %d (%s)%n", name, c.seed, loss);
                final TranslationRunResult r = TranslationTraining.run(c, loss, err);
                if (!r.completed()) {
                    err.println("stopped early; run the same command again to resume");
                    return 1;
                }
                out.println(TranslationCommand.summary(loss.toString(), r));
                results.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
                descriptions.put(name, loss.toString());
            }
        }
        final String table = table(p.config, p.args.seeds, results, descriptions);
        Files.createDirectories(root);
        Files.writeString(root.resolve(TABLE_FILE), table, StandardCharsets.UTF_8);
        final List<String> names = new ArrayList<>(results.keySet());
        final Map<String, double[]> series = new LinkedHashMap<>();
        series.put("greedy", names.stream().mapToDouble(n -> mean(greedy(finalTests(results.get(n))))).toArray());
        if (p.config.beam > 1) {
            series.put("beam " + p.config.beam,
                    names.stream().mapToDouble(n -> mean(beam(finalTests(results.get(n))))).toArray());
        }
        BarChart.write(root.resolve(CHART_FILE), String.format(Locale.ROOT,
                "Multi30k %s\u2192%s test BLEU, mean of %d seed%s", p.config.src, p.config.tgt, p.args.seeds,
                p.args.seeds == 1 ? "" : "s"), "BLEU", names, series);
        out.print(table);
        return 0;
    }

    private static String table(TranslationTrainConfig config, int seeds, Map<String, List<TranslationRunResult>> results,
            Map<String, String> descriptions) {
        final StringBuilder sb = new StringBuilder();
        final TranslationRunResult any = results.values().iterator().next().get(0);
        sb.append(String.format(Locale.ROOT, "Multi30k %s\u2192%s test set (%d sentences), model %s, vocabulary %d, "
                + "%d epochs, %d seed%s (mean ± std)%n%n", config.src, config.tgt, any.test().sentences(), config.model,
                config.vocab, config.epochs, seeds, seeds == 1 ? "" : "s"));
        final boolean averaged = results.values().stream().flatMap(List::stream).allMatch(x -> x.averagedTest() != null);
        final String beamName = " BLEU beam " + config.beam + " |";
        sb.append("| loss | BLEU greedy |").append(config.beam > 1 ? beamName : "");
        if (averaged) {
            sb.append(" averaged: BLEU greedy |").append(config.beam > 1 ? " averaged:" + beamName : "");
        }
        sb.append(" val NLL | s/epoch | loss share of step |\n| --- |");
        sb.append(" ---: |".repeat((config.beam > 1 ? 2 : 1) * (averaged ? 2 : 1) + 3)).append('\n');
        for (Map.Entry<String, List<TranslationRunResult>> e : results.entrySet()) {
            final List<TranslationRunResult> r = e.getValue();
            final List<Double> nll = r.stream().map(x -> x.lastEpoch().validationNll()).toList();
            sb.append("| ").append(descriptions.get(e.getKey())).append(" |");
            appendScores(sb, config, finalTests(r));
            if (averaged) {
                appendScores(sb, config, r.stream().map(TranslationRunResult::averagedTest).toList());
            }
            sb.append(String.format(Locale.ROOT, " %.4f ± %.4f | %.1f | %.2f%% |%n", mean(nll), std(nll),
                    mean(r.stream().map(TranslationRunResult::secondsPerEpoch).toList()),
                    100 * mean(r.stream().map(TranslationRunResult::lossShare).toList())));
        }
        return sb.toString();
    }

    /** Greedy and (when searched) beam BLEU of one set of weights per seed: mean ± std cells. */
    private static void appendScores(StringBuilder sb, TranslationTrainConfig config, List<TestEvaluation> tests) {
        sb.append(meanStd(greedy(tests)));
        if (config.beam > 1) {
            sb.append(meanStd(beam(tests)));
        }
    }

    private static String meanStd(List<Double> values) {
        return String.format(Locale.ROOT, " %.2f ± %.2f |", mean(values), std(values));
    }

    private static List<Double> greedy(List<TestEvaluation> tests) {
        return tests.stream().map(t -> t.greedy().score()).toList();
    }

    private static List<Double> beam(List<TestEvaluation> tests) {
        return tests.stream().map(t -> t.beam() == null ? Double.NaN : t.beam().score()).toList();
    }

    private static List<TestEvaluation> finalTests(List<TranslationRunResult> r) {
        return r.stream().map(TranslationRunResult::test).toList();
    }

    static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Sample standard deviation; 0 for a single value. */
    static double std(List<Double> values) {
        if (values.size() < 2) {
            return 0;
        }
        final double m = mean(values);
        return Math.sqrt(values.stream().mapToDouble(v -> (v - m) * (v - m)).sum() / (values.size() - 1));
    }
}
