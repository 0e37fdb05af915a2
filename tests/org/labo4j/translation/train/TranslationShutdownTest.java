package org.labo4j.translation.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.labo4j.LabelRegularizer;
import org.labo4j.train.TerminatedTraining;
import org.labo4j.translation.data.Multi30k;
import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * A real shutdown ({@link TerminatedTraining}): a child JVM trains, receives SIGTERM, and must leave a
 * checkpoint of the step it had reached that restores and translates.
 */
class TranslationShutdownTest {
    @TempDir
    Path dir;

    /** The child: trains for far longer than the test waits. */
    public static void main(String[] args) throws IOException {
        TranslationTrainConfig config = new TranslationTrainConfig().set("dataDir", args[0]).set("runDir", args[1])
                .set("src", "en").set("tgt", "fr").set("limitTrain", "64").set("limitValid", "4")
                .set("vocab", "400").set("model", "tiny").set("epochs", "1000").set("maxTokens", "200")
                .set("validBleu", "false").set("progressSeconds", "0.2").set("plots", "false").set("threads", "1");
        TranslationTraining.run(config, LabelRegularizer.labelSmoothing(0.1).ignoreIndex(SpecialTokens.PAD).build(),
                System.err);
    }

    @Test
    @Timeout(120)
    void terminationLeavesAResumableCheckpoint() throws Exception {
        Multi30k corpus = Multi30k.atDefaultLocation();
        assumeTrue(Files.isDirectory(corpus.directory()), "Multi30k not found at " + corpus.directory());
        Path run = dir.resolve("run");
        String log = TerminatedTraining.run(TranslationShutdownTest.class, corpus.directory().toString(),
                run.toString());
        assertTrue(log.contains("stopped at epoch"), log);
        Path file = run.resolve(TranslationCheckpoint.FILE_NAME);
        TranslationCheckpoint.Metadata meta = TranslationCheckpoint.readMetadata(file);
        assertTrue(meta.position().globalStep() > 0, "checkpoint at " + meta.position());
        TranslationCheckpoint.Loaded loaded = TranslationCheckpoint.load(file);
        TranslationCheckpoint.restore(file, loaded.model(), AdamFactory.create(meta.config(),
                loaded.model().parameters()));
    }
}
