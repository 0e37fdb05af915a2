package org.labo4j.translation.train;

import static org.bytedeco.pytorch.global.torch.equal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bytedeco.pytorch.StringTensorDict;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.labo4j.LabelRegularizer;
import org.labo4j.Loss;
import org.labo4j.translation.data.Multi30k;
import org.labo4j.translation.decode.DecodingOptions;
import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * A translation run continued from its checkpoint ends with the same weights, bit for bit, as one that
 * never stopped: after a stop in the middle of an epoch and after a stop at an epoch boundary. Dropout,
 * batch order, Adam's moments, gradient clipping and the warm-up all take part; one torch thread and
 * one loss thread keep float summation in a fixed order.
 */
class TranslationResumeTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    static Path dir;
    private static Multi30k corpus;

    @BeforeAll
    static void data() {
        corpus = Multi30k.atDefaultLocation();
        assumeTrue(Files.isDirectory(corpus.directory()), "Multi30k not found at " + corpus.directory());
    }

    /** 48 German-English pairs, a tiny model with dropout, a few steps per epoch, 2 epochs. */
    private static TranslationTrainConfig config(String run) {
        return new TranslationTrainConfig().set("dataDir", corpus.directory().toString())
                .set("runDir", dir.resolve(run).toString()).set("src", "de").set("tgt", "en")
                .set("limitTrain", "48").set("limitValid", "8").set("limitTest", "2").set("vocab", "400")
                .set("model", "tiny").set("dropout", "0.2").set("epochs", "2").set("maxTokens", "250")
                .set("lr", "2e-3").set("warmupSteps", "4").set("clipNorm", "0.5").set("validBleu", "false")
                .set("beam", "1").set("progressSeconds", "0").set("plots", "false").set("threads", "1");
    }

    private static Loss loss() {
        return LabelRegularizer.labo().alpha(0.1).ignoreIndex(SpecialTokens.PAD).numThreads(1).build();
    }

    /** About 10 s on an idle 2-core machine, 40 s under heavy load; the timeout only guards against a hang. */
    @Test
    @Timeout(300)
    void resumedRunsEndWithIdenticalWeights() throws IOException {
        TranslationRunResult straight = TranslationTraining.run(config("straight"), loss(), QUIET);
        assertTrue(straight.completed());
        long stepsPerEpoch = straight.position().globalStep() / 2;
        assertTrue(stepsPerEpoch >= 4, "want several steps per epoch, got " + stepsPerEpoch);

        TranslationRunResult cut = TranslationTraining.run(config("midway").set("maxSteps",
                Long.toString(stepsPerEpoch + 2)), loss(), QUIET);
        assertFalse(cut.completed());
        assertEquals(1, cut.position().epoch());
        assertEquals(2, cut.position().stepInEpoch());
        TranslationRunResult midway = TranslationTraining.run(config("midway").set("resume", "true"), loss(), QUIET);

        TranslationRunResult first = TranslationTraining.run(config("boundary").set("stopAfterEpochs", "1"), loss(),
                QUIET);
        assertFalse(first.completed());
        assertEquals(stepsPerEpoch, first.position().globalStep());
        TranslationRunResult boundary = TranslationTraining.run(config("boundary").set("resume", "true"), loss(),
                QUIET);

        for (TranslationRunResult resumed : List.of(midway, boundary)) {
            assertTrue(resumed.completed());
            assertSameWeights(straight.runDirectory(), resumed.runDirectory());
            assertEquals(2, resumed.history().size(), "one metrics row per epoch");
            for (int e = 0; e < 2; e++) {
                assertEquals(straight.history().get(e).trainLoss(), resumed.history().get(e).trainLoss(), 1e-6,
                        "training loss of epoch " + (e + 1));
                assertEquals(straight.history().get(e).validationNll(), resumed.history().get(e).validationNll(),
                        1e-6, "validation NLL of epoch " + (e + 1));
            }
            assertEquals(straight.test().greedy().score(), resumed.test().greedy().score(), 0);
        }
    }

    @Test
    @Timeout(120)
    void aDifferentSeedGivesDifferentWeights() throws IOException {
        TranslationTraining.run(config("seed1").set("maxSteps", "3"), loss(), QUIET);
        TranslationTraining.run(config("seed2").set("maxSteps", "3").set("seed", "2"), loss(), QUIET);
        assertFalse(sameWeights(dir.resolve("seed1"), dir.resolve("seed2")), "the comparison can tell runs apart");
    }

    @Test
    @Timeout(120)
    void refusesToOverwriteOrToResumeWithAnotherTrajectory() throws IOException {
        TranslationTraining.run(config("guarded").set("maxSteps", "1"), loss(), QUIET);
        assertThrows(IllegalStateException.class, () -> TranslationTraining.run(config("guarded"), loss(), QUIET));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TranslationTraining.run(config("guarded").set("resume", "true").set("lr", "1e-3"), loss(),
                        QUIET));
        assertTrue(e.getMessage().contains("lr: 0.002 -> 0.001"), e.getMessage());
    }

    @Test
    @Timeout(120)
    void theCheckpointTranslatesOnItsOwn() throws IOException {
        TranslationTraining.run(config("alone").set("maxSteps", "2"), loss(), QUIET);
        TranslationCheckpoint.Loaded loaded = TranslationCheckpoint.load(dir.resolve("alone")
                .resolve(TranslationCheckpoint.FILE_NAME));
        assertEquals(2, loaded.metadata().position().globalStep());
        assertEquals("de", loaded.metadata().config().src);
        assertNotNull(loaded.tokenizer());
        assertEquals(loaded.tokenizer().vocabularySize(), loaded.model().config().targetVocabulary());
        String sentence = "Zwei Männer stehen am Strand.";
        assertEquals(sentence, loaded.tokenizer().decode(loaded.tokenizer().encode(sentence)));
        List<String> out = SentenceTranslation.translate(loaded.model(), loaded.tokenizer(),
                List.of(sentence, "Ein Hund."), DecodingOptions.greedy());
        assertEquals(2, out.size());
    }

    private static void assertSameWeights(Path runA, Path runB) throws IOException {
        assertTrue(sameWeights(runA, runB), runA + " and " + runB + " differ");
    }

    private static boolean sameWeights(Path runA, Path runB) throws IOException {
        TranslationCheckpoint.Loaded modelA = TranslationCheckpoint.load(runA.resolve(TranslationCheckpoint.FILE_NAME));
        TranslationCheckpoint.Loaded modelB = TranslationCheckpoint.load(runB.resolve(TranslationCheckpoint.FILE_NAME));
        StringTensorDict a = modelA.model().named_parameters(true);
        StringTensorDict b = modelB.model().named_parameters(true);
        assertEquals(a.size(), b.size());
        for (long i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).key().getString(), b.get(i).key().getString());
            if (!equal(a.get(i).value(), b.get(i).value())) {
                return false;
            }
        }
        // The models own the compared tensors: keep them reachable until the comparison is done.
        return modelA.model().parameterCount() == modelB.model().parameterCount();
    }
}
