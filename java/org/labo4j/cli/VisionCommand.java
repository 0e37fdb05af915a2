package org.labo4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.labo4j.LabelRegularizer;
import org.labo4j.Loss;
import org.labo4j.Regularization;
import org.labo4j.vision.metrics.EvaluationResult;
import org.labo4j.vision.plot.BarChart;
import org.labo4j.vision.train.EpochMetrics;
import org.labo4j.vision.train.SmoothingReport;
import org.labo4j.vision.train.VisionRunResult;
import org.labo4j.vision.train.VisionTrainConfig;
import org.labo4j.vision.train.VisionTraining;

/** {@code labo train vision} and {@code labo compare vision}: Fashion-MNIST classifiers trained with labo4j's loss. */
final class VisionCommand {
    private VisionCommand() {}

    static String usage() {
        return """
                usage: labo train vision [options]        train one classifier
                       labo compare vision [--seeds N] [--losses ce,ls,labo-fixed,labo-budget] [options]
                loss options:
                  --loss ce|ls|labo        (default labo)     --alpha A      (default 0.1)
                  --temperature T | --budget K (LABO; default --budget 0.5)
                  --loss-impl fused|libtorch  (libtorch: its cross_entropy, for ce and ls)
                run options:
                  --out DIR  (run directory; default runs/vision)   --data DIR (IDX files; default
                  /usr/share/datasets/fashion-mnist)   --resume (continue the run in --out)
                  --device cpu|cuda|cuda:N  (default cpu; cuda needs libtorch's CUDA build)
                training options (--name value):
                """ + "  " + String.join(", ", VisionTrainConfig.optionNames()) + "\n";
    }

    /** Parsed command line: a config, and the loss choice and compare-only options. */
    private static final class Parsed {
        final VisionTrainConfig config = new VisionTrainConfig();
        final TrainingArguments args = new TrainingArguments(List.of("ce", "ls", "labo-fixed", "labo-budget"));
    }

    private static Parsed parse(String[] args, boolean compare) {
        final Parsed p = new Parsed();
        if (compare) {
            p.config.runDir = Path.of("runs", "compare-vision");
        }
        p.args.parse(args, p.config::set);
        if (p.args.out != null) {
            p.config.runDir = p.args.out;
        }
        if (p.args.data != null) {
            p.config.dataDir = p.args.data;
        }
        p.config.resume |= p.args.resume;
        return p;
    }

    static int train(String[] args, PrintStream out, PrintStream err) throws IOException {
        final Parsed p = parse(args, false);
        if (p.args.help) {
            out.print(usage());
            return 0;
        }
        final Loss loss = p.args.loss.build();
        final VisionRunResult result = VisionTraining.run(p.config.validate(), loss, err);
        writeSmoothingReport(result, p.config, loss, err);
        out.println(summary(loss.toString(), result));
        return 0;
    }

    /** LABO runs: the temperature histogram and a few smoothing distributions, as PNG (unless --plots false). */
    private static void writeSmoothingReport(VisionRunResult result, VisionTrainConfig config, Loss loss, PrintStream err)
            throws IOException {
        if (config.plots && result.completed() && loss instanceof LabelRegularizer r && r.regularization() == Regularization.LABO) {
            for (Path f : SmoothingReport.write(result.runDirectory(), config, result.normalization(), r)) {
                err.println("wrote " + f);
            }
        }
    }

    private static String summary(String loss, VisionRunResult r) {
        if (!r.completed() || r.test() == null) {
            return "stopped early; resume with --resume --out " + r.runDirectory();
        }
        final EvaluationResult t = r.test();
        final EpochMetrics last = r.lastEpoch();
        return String.format(Locale.ROOT,
                "%s: test accuracy %.2f%%, NLL %.4f, ECE %.4f; %.1f s/epoch, loss %.2f%% of step time; run in %s",
                loss, 100 * t.accuracy(), t.nll(), t.ece(), last.epochSeconds(), 100 * last.lossMillis() / last.stepMillis(),
                r.runDirectory());
    }

    /** The losses compared: the same alpha for all smoothing members, LABO with a fixed and a budget rule. */
    private static Loss comparedLoss(String name, LossChoice base) {
        final LossChoice c = new LossChoice();
        c.alpha = base.alpha;
        c.impl = base.impl;
        switch (name) {
            case "ce" -> c.loss = "ce";
            case "ls" -> c.loss = "ls";
            case "labo-fixed" -> {
                c.loss = "labo";
                c.temperature = base.temperature != null ? base.temperature : 2.0;
            }
            case "labo-budget" -> {
                c.loss = "labo";
                c.budget = base.budget != null ? base.budget : LossChoice.DEFAULT_BUDGET;
            }
            default -> throw new IllegalArgumentException("--losses: unknown loss " + name + " (ce, ls, labo-fixed, labo-budget)");
        }
        if (c.loss.equals("ce")) {
            c.alpha = null;
        }
        return c.build();
    }

    static int compare(String[] args, PrintStream out, PrintStream err) throws IOException {
        final Parsed p = parse(args, true);
        if (p.args.help) {
            out.print(usage());
            return 0;
        }
        final Path root = p.config.runDir;
        final Map<String, List<EvaluationResult>> results = new LinkedHashMap<>();
        final Map<String, String> descriptions = new LinkedHashMap<>();
        final Map<String, List<Double>> lossShares = new LinkedHashMap<>();
        final Map<String, List<Double>> epochSeconds = new LinkedHashMap<>();
        for (String name : p.args.losses) {
            comparedLoss(name, p.args.loss);  // fail fast on a bad name before hours of training
        }
        for (int s = 0; s < p.args.seeds; s++) {
            for (String name : p.args.losses) {
                final Loss loss = comparedLoss(name, p.args.loss);
                final VisionTrainConfig c = p.config.copy();
                c.seed = p.config.seed + s;
                c.runDir = root.resolve(name + "-seed" + c.seed);
                c.resume = Files.exists(c.runDir.resolve(VisionTraining.CONFIG_FILE));
                err.printf("== %s, seed %d (%s)%n", name, c.seed, loss);
                final VisionRunResult r = VisionTraining.run(c.validate(), loss, err);
                if (!r.completed()) {
                    err.println("stopped early; run the same command again to resume");
                    return 1;
                }
                writeSmoothingReport(r, c, loss, err);
                results.computeIfAbsent(name, k -> new ArrayList<>()).add(r.test());
                descriptions.put(name, loss.toString());
                lossShares.computeIfAbsent(name, k -> new ArrayList<>()).add(r.lastEpoch().lossMillis() / r.lastEpoch().stepMillis());
                epochSeconds.computeIfAbsent(name, k -> new ArrayList<>()).add(r.lastEpoch().epochSeconds());
            }
        }
        final String table = table(p, results, descriptions, lossShares, epochSeconds);
        Files.createDirectories(root);
        Files.writeString(root.resolve("compare.md"), table);
        final List<String> names = new ArrayList<>(results.keySet());
        final double[] accuracy = names.stream().mapToDouble(n -> 100 * mean(results.get(n), EvaluationResult::accuracy)).toArray();
        final double[] ece = names.stream().mapToDouble(n -> 100 * mean(results.get(n), EvaluationResult::ece)).toArray();
        if (p.config.plots) {
            BarChart.write(root.resolve("compare-accuracy.png"), "Fashion-MNIST test accuracy, mean of " + p.args.seeds + " seeds",
                    "accuracy (%)", names, Map.of("test accuracy", accuracy));
            BarChart.write(root.resolve("compare-ece.png"), "Fashion-MNIST test ECE (15 bins), mean of " + p.args.seeds + " seeds",
                    "ECE (%)", names, Map.of("test ECE", ece));
        }
        out.print(table);
        return 0;
    }

    private static String table(Parsed p, Map<String, List<EvaluationResult>> results, Map<String, String> descriptions,
                                Map<String, List<Double>> shares, Map<String, List<Double>> seconds) {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Fashion-MNIST test set, model %s, %d epochs, %d seeds (mean ± std)%n%n",
                p.config.model, p.config.epochs, p.args.seeds));
        sb.append("| loss | accuracy (%) | NLL | ECE (%) | s/epoch | loss share of step |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Map.Entry<String, List<EvaluationResult>> e : results.entrySet()) {
            final List<EvaluationResult> r = e.getValue();
            sb.append(String.format(Locale.ROOT, "| %s | %.2f ± %.2f | %.4f ± %.4f | %.2f ± %.2f | %.1f | %.2f%% |%n",
                    descriptions.get(e.getKey()),
                    100 * mean(r, EvaluationResult::accuracy), 100 * std(r, EvaluationResult::accuracy),
                    mean(r, EvaluationResult::nll), std(r, EvaluationResult::nll),
                    100 * mean(r, EvaluationResult::ece), 100 * std(r, EvaluationResult::ece),
                    seconds.get(e.getKey()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                    100 * shares.get(e.getKey()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        }
        return sb.toString();
    }

    private static double mean(List<EvaluationResult> r, java.util.function.ToDoubleFunction<EvaluationResult> f) {
        return r.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static double std(List<EvaluationResult> r, java.util.function.ToDoubleFunction<EvaluationResult> f) {
        if (r.size() < 2) {
            return 0;
        }
        final double m = mean(r, f);
        return Math.sqrt(r.stream().mapToDouble(x -> Math.pow(f.applyAsDouble(x) - m, 2)).sum() / (r.size() - 1));
    }
}
