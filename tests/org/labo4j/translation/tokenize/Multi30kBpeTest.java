package org.labo4j.translation.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.labo4j.translation.data.Language;
import org.labo4j.translation.data.Multi30k;
import org.labo4j.translation.data.Multi30kSplit;

/** BPE on the real corpus: training speed, lossless round trip on every language, save and load. */
class Multi30kBpeTest {
    private static Multi30k corpus;
    private static BpeTokenizer joint;
    private static double jointSeconds;

    @BeforeAll
    static void trainJointVocabulary() throws IOException {
        corpus = Multi30k.atDefaultLocation();
        assumeTrue(Files.isDirectory(corpus.directory()), "Multi30k not found at " + corpus.directory());
        List<String> texts = new ArrayList<>();
        for (Language language : Language.values()) {
            texts.addAll(corpus.sentences(Multi30kSplit.TRAIN, language));
        }
        long start = System.nanoTime();
        joint = new BpeTrainer().train(texts);
        jointSeconds = (System.nanoTime() - start) / 1e9;
    }

    @Test
    @Timeout(120)
    void trainsTwoLanguagesInWellUnderAMinute() throws IOException {
        List<String> texts = new ArrayList<>(corpus.sentences(Multi30kSplit.TRAIN, Language.EN));
        texts.addAll(corpus.sentences(Multi30kSplit.TRAIN, Language.DE));
        long start = System.nanoTime();
        BpeTokenizer tokenizer = new BpeTrainer().train(texts);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(BpeTrainer.DEFAULT_VOCABULARY_SIZE, tokenizer.vocabularySize());
        // Generous for a loaded CI machine: about 3 s on one busy core.
        assertTrue(seconds < 30, "EN+DE training took " + seconds + " s");
    }

    @Test
    void everyValidationSentenceOfEveryLanguageRoundTrips() throws IOException {
        assertEquals(BpeTrainer.DEFAULT_VOCABULARY_SIZE, joint.vocabularySize());
        assertTrue(jointSeconds < 60, "four-language training took " + jointSeconds + " s");
        for (Language language : Language.values()) {
            List<String> sentences = corpus.sentences(Multi30kSplit.VALIDATION, language);
            long tokens = 0;
            long words = 0;
            for (String sentence : sentences) {
                int[] ids = joint.encode(sentence);
                assertEquals(TextNormalization.normalize(sentence), joint.decode(ids), language + ": " + sentence);
                tokens += ids.length;
                words += TextNormalization.words(sentence).size();
            }
            // Subwords, not characters: a 8k joint vocabulary keeps most words whole.
            assertTrue(tokens < 2 * words, language + ": " + tokens + " tokens for " + words + " words");
        }
    }

    @Test
    void savedFileLoadsToAnEqualTokenizer(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("bpe.txt");
        BpeTokenizerFile.save(joint, file);
        BpeTokenizer loaded = BpeTokenizerFile.load(file);
        assertEquals(joint, loaded);
        for (String sentence : corpus.sentences(Multi30kSplit.VALIDATION, Language.CS).subList(0, 100)) {
            assertEquals(List.of(joint.encodeAsPieces(sentence)), List.of(loaded.encodeAsPieces(sentence)));
        }
    }
}
