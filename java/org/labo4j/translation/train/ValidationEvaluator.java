package org.labo4j.translation.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.labo4j.LabelRegularizer;
import org.labo4j.Reduction;
import org.labo4j.translation.batch.EncodedPair;
import org.labo4j.translation.batch.TokenBudgetBatches;
import org.labo4j.translation.batch.TranslationBatch;
import org.labo4j.translation.bleu.Bleu;
import org.labo4j.translation.data.SentencePair;
import org.labo4j.translation.decode.DecodingOptions;
import org.labo4j.translation.decode.LengthPenalty;
import org.labo4j.translation.model.TranslationTransformer;
import org.labo4j.translation.tokenize.BpeTokenizer;
import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * The per-epoch validation: cross-entropy per target token (plain, whatever the training loss, so
 * runs with different losses compare) and, optionally, the BLEU of greedy translations. Eval mode, no
 * autograd; the model's mode is restored afterwards.
 */
final class ValidationEvaluator {
    /** @param nll mean cross-entropy per target token, NaN without pairs; @param bleu NaN when not measured */
    record Result(double nll, double bleu) {
    }

    private final TokenBudgetBatches batches;
    private final List<String> sources = new ArrayList<>();
    private final List<String> references = new ArrayList<>();
    private final BpeTokenizer tokenizer;
    private final boolean measureBleu;
    private final DecodingOptions decoding;
    private final LabelRegularizer crossEntropySum = LabelRegularizer.crossEntropy().ignoreIndex(SpecialTokens.PAD)
            .reduction(Reduction.SUM).build();

    ValidationEvaluator(List<EncodedPair> encoded, List<SentencePair> sentences, BpeTokenizer tokenizer,
            int maxTokens, boolean measureBleu, int decodeBatch) {
        this.batches = encoded.isEmpty() ? null : new TokenBudgetBatches(encoded, maxTokens);
        for (SentencePair pair : sentences) {
            sources.add(pair.source());
            references.add(pair.target());
        }
        this.tokenizer = tokenizer;
        this.measureBleu = measureBleu && !sentences.isEmpty();
        this.decoding = new DecodingOptions(1, LengthPenalty.none(), decodeBatch, 1.5, 10);
    }

    /** The validation metrics, or {@code null} if {@code stop} asked to stop before they were done. */
    @SuppressWarnings("try") // guard and scopes held for their blocks only
    Result evaluate(TranslationTransformer model, BooleanSupplier stop) {
        double lossSum = 0;
        long tokens = 0;
        boolean wasTraining = model.is_training();
        model.eval();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int b = 0; batches != null && b < batches.batchCount(); b++) {
                if (stop.getAsBoolean()) {
                    return null;
                }
                try (PointerScope scope = new PointerScope()) {
                    TranslationBatch batch = batches.batch(b).to(model.device());
                    Tensor logits = model.forward(batch.source(), batch.targetInput());
                    lossSum += crossEntropySum.apply(logits, batch.targetOutput()).item_double();
                    tokens += batch.targetTokens();
                }
            }
        } finally {
            model.train(wasTraining);
        }
        double bleu = Double.NaN;
        if (measureBleu) {
            List<String> hypotheses = SentenceTranslation.translate(model, tokenizer, sources, decoding, stop);
            if (hypotheses == null) {
                return null;
            }
            bleu = Bleu.builder().build().corpusScore(hypotheses, List.of(references)).score();
        }
        return new Result(tokens == 0 ? Double.NaN : lossSum / tokens, bleu);
    }
}
