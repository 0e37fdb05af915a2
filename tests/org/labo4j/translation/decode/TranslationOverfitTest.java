package org.labo4j.translation.decode;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.labo4j.LabelRegularizer;
import org.labo4j.translation.batch.EncodedPair;
import org.labo4j.translation.batch.TokenBudgetBatches;
import org.labo4j.translation.batch.TranslationBatch;
import org.labo4j.translation.bleu.Bleu;
import org.labo4j.translation.data.Language;
import org.labo4j.translation.data.Multi30k;
import org.labo4j.translation.data.Multi30kSplit;
import org.labo4j.translation.data.SentencePair;
import org.labo4j.translation.model.TransformerConfig;
import org.labo4j.translation.model.TranslationTransformer;
import org.labo4j.translation.tokenize.BpeTokenizer;
import org.labo4j.translation.tokenize.BpeTrainer;
import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * The whole translation path on real data: BPE, token batches, the Transformer trained with labo4j's
 * label smoothing (padding ignored), greedy and beam decoding, detokenization and BLEU. A tiny model
 * must learn 64 German-English pairs by heart.
 */
class TranslationOverfitTest {
    private static final int PAIRS = 64;
    private static final int MAX_EPOCHS = 300;
    private static final int EPOCHS_BETWEEN_CHECKS = 10;
    private static final double SMOOTHING = 0.1;
    private static final double TARGET_BLEU = 95;

    /**
     * About 150 steps. Measured on a 2-core machine shared with other jobs (load 7): 55 s of CPU time,
     * 160 s wall; the CPU time it prints is roughly the cost on an idle core. The timeout only guards
     * against a hang.
     */
    @Test
    @Timeout(900)
    void tinyModelMemorizes64PairsToNearPerfectBleu() throws IOException {
        Multi30k corpus = Multi30k.atDefaultLocation();
        assumeTrue(Files.isDirectory(corpus.directory()), "Multi30k not found at " + corpus.directory());
        set_num_threads(1);
        manual_seed(7);
        List<SentencePair> pairs = corpus.pairs(Multi30kSplit.TRAIN, Language.DE, Language.EN).subList(0, PAIRS);
        List<String> sources = new ArrayList<>();
        List<String> references = new ArrayList<>();
        List<String> bothSides = new ArrayList<>();
        for (SentencePair pair : pairs) {
            sources.add(pair.source());
            references.add(pair.target());
            bothSides.add(pair.source());
            bothSides.add(pair.target());
        }
        BpeTokenizer tokenizer = new BpeTrainer().vocabularySize(700).train(bothSides);
        List<EncodedPair> encoded = EncodedPair.encode(pairs, tokenizer, tokenizer);
        TokenBudgetBatches batches = new TokenBudgetBatches(encoded, 1200);

        TransformerConfig config = new TransformerConfig(tokenizer.vocabularySize(), tokenizer.vocabularySize(),
                64, 4, 128, 2, 2, 0.0, true, true, 128);
        TranslationTransformer model = new TranslationTransformer(config);
        Adam optimizer = new Adam(model.parameters(), new AdamOptions(5e-3));
        LabelRegularizer loss = LabelRegularizer.labelSmoothing(SMOOTHING).ignoreIndex(SpecialTokens.PAD)
                .numThreads(1).build();
        // Decoding a half-trained model is slow (outputs run to the length limit), so BLEU is only
        // measured once the loss is near its floor, the entropy of the smoothed target.
        double lossFloor = smoothedTargetEntropy(SMOOTHING, tokenizer.vocabularySize());
        Translator greedy = new Translator(model, tokenizer, tokenizer, DecodingOptions.greedy());
        Bleu bleu = Bleu.builder().build();

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long startCpu = threads.getCurrentThreadCpuTime();
        double score = 0;
        int step = 0;
        model.train(true);
        for (int epoch = 0; epoch < MAX_EPOCHS && score < TARGET_BLEU; epoch++) {
            double lastLoss = 0;
            for (int b : batches.epochOrder(7, epoch)) {
                lastLoss = trainStep(model, optimizer, loss, batches, b);
                step++;
            }
            if ((epoch + 1) % EPOCHS_BETWEEN_CHECKS == 0 && lastLoss < lossFloor + 0.2) {
                score = bleu.corpusScore(greedy.translate(sources), List.of(references)).score();
            }
        }
        // With one torch thread the work runs on this thread, so its CPU time is the cost on an idle core.
        System.out.printf("overfit: %d steps in %d batches, %.1f s (%.1f s CPU), greedy BLEU %.2f%n", step,
                batches.batchCount(), (System.nanoTime() - start) / 1e9,
                (threads.getCurrentThreadCpuTime() - startCpu) / 1e9, score);
        assertTrue(score > 90, "greedy BLEU " + score + " after " + step + " steps");

        List<String> beamOutputs = new Translator(model, tokenizer, tokenizer,
                DecodingOptions.beam(4, LengthPenalty.gnmt(0.6))).translate(sources.subList(0, 16));
        double beamScore = bleu.corpusScore(beamOutputs, List.of(references.subList(0, 16))).score();
        assertTrue(beamScore > 90, "beam BLEU " + beamScore);
        List<int[]> sourceIds = List.of(tokenizer.encode(sources.get(0)), tokenizer.encode(sources.get(1)));
        List<int[]> greedyIds = greedy.translateIds(sourceIds);
        List<int[]> beamOfOne = new Translator(model, tokenizer, tokenizer,
                DecodingOptions.beam(1, LengthPenalty.none())).translateIds(sourceIds);
        for (int i = 0; i < sourceIds.size(); i++) {
            assertArrayEquals(greedyIds.get(i), beamOfOne.get(i), "beam of one is greedy, sentence " + i);
        }
    }

    @SuppressWarnings("try") // scope held for its block only
    private static double trainStep(TranslationTransformer model, Adam optimizer, LabelRegularizer loss,
            TokenBudgetBatches batches, int b) {
        try (PointerScope scope = new PointerScope()) {
            TranslationBatch batch = batches.batch(b);
            optimizer.zero_grad();
            Tensor value = loss.apply(model.forward(batch.source(), batch.targetInput()), batch.targetOutput());
            value.backward();
            optimizer.step();
            return value.item_double();
        }
    }

    /** The least label-smoothed cross-entropy: the entropy of {@code (1 - a) one-hot + a / V}. */
    private static double smoothedTargetEntropy(double a, int vocabulary) {
        double onTarget = 1 - a + a / vocabulary;
        double elsewhere = a / vocabulary;
        return -onTarget * Math.log(onTarget) - (vocabulary - 1) * elsewhere * Math.log(elsewhere);
    }
}
