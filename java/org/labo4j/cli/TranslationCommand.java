package org.labo4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.labo4j.Loss;
import org.labo4j.translation.tokenize.SpecialTokens;
import org.labo4j.translation.train.TestEvaluation;
import org.labo4j.translation.train.TranslationRunResult;
import org.labo4j.translation.train.TranslationTrainConfig;
import org.labo4j.translation.train.TranslationTraining;

/** {@code labo train translation} and {@code labo compare translation}: Multi30k Transformers trained with labo4j's loss. */
final class TranslationCommand {
    private TranslationCommand() {}

    static String usage() {
        return """
                usage: labo train translation --src L --tgt L [options]     train one model (L: en, de, fr, cs)
                       labo compare translation --src L --tgt L [--seeds N] [--losses ce,ls,labo] [options]
                loss options:
                  --loss ce|ls|labo        (default labo)     --alpha A      (default 0.1)
                  --temperature T | --kappa K (LABO; default --kappa 0.5; --budget is the same as --kappa)
                  --loss-impl fused|libtorch  (libtorch: its cross_entropy, for ce and ls)
                run options:
                  --out DIR  (default runs/translation-SRC-TGT)   --data DIR (Multi30k raw files; default
                  $LABO4J_MULTI30K or ../shared/data/multi30k)   --resume (continue the run in --out)
                  --limit-train N  --limit-valid N  --limit-test N  (first N pairs only, for quick runs)
                  --device cpu|cuda|cuda:N  (default cpu; cuda needs libtorch's CUDA build)
                common options: --epochs N  --vocab N  --max-tokens N  --model tiny|small|base  --seed N
                  --lr PEAK  --warmup-steps N  --clip-norm X  --dropout P  --beam K  --length-penalty A
                  --average-last N  (keep the last N epochs' weights and test their average too; default 5)
                all training options (--kebab-case value):
                """ + "  " + String.join(", ", TranslationTrainConfig.optionNames()) + "\n";
    }

    /** Parsed command line: a config, and the loss choice and compare-only options. */
    static final class Parsed {
        final TranslationTrainConfig config = new TranslationTrainConfig();
        final TrainingArguments args = new TrainingArguments(List.of("ce", "ls", "labo"));
    }

    static Parsed parse(String[] args, boolean compare) {
        final Parsed p = new Parsed();
        p.args.loss.ignoreIndex = SpecialTokens.PAD;
        p.args.parse(args, p.config::set);
        if (p.args.help) {
            return p;
        }
        if (p.args.data != null) {
            p.config.dataDir = p.args.data;
        }
        p.config.resume |= p.args.resume;
        if (p.config.src.isEmpty() || p.config.tgt.isEmpty()) {
            throw new IllegalArgumentException("--src and --tgt are required (two of en, de, fr, cs)");
        }
        p.config.runDir = p.args.out != null ? p.args.out : Path.of("runs", (compare ? "compare-translation-"
                : "translation-") + p.config.src + "-" + p.config.tgt);
        p.config.validate();
        return p;
    }

    static int train(String[] args, PrintStream out, PrintStream err) throws IOException {
        final Parsed p = parse(args, false);
        if (p.args.help) {
            out.print(usage());
            return 0;
        }
        final Loss loss = p.args.loss.build();
        final TranslationRunResult result = TranslationTraining.run(p.config, loss, err);
        out.println(summary(loss.toString(), result));
        return 0;
    }

    static String summary(String loss, TranslationRunResult r) {
        if (!r.completed() || r.test() == null) {
            return "stopped early; resume with --resume --out " + r.runDirectory();
        }
        final TestEvaluation t = r.test();
        return String.format(Locale.ROOT, "%s: test BLEU %.2f (greedy)%s; %.1f s/epoch, loss %.2f%% of step time;"
                        + " run in %s", loss, t.greedy().score(),
                t.beam() == null ? "" : String.format(Locale.ROOT, ", %.2f (beam %d)", t.beam().score(), t.beamSize()),
                r.secondsPerEpoch(), 100 * r.lossShare(), r.runDirectory());
    }
}
