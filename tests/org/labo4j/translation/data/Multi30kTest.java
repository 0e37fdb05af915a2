package org.labo4j.translation.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** On the real Multi30k task-1 files in ../shared/data/multi30k (or wherever the defaults point). */
class Multi30kTest {
    private static Multi30k data;

    @BeforeAll
    static void locate() {
        data = Multi30k.atDefaultLocation();
        assertTrue(Files.isDirectory(data.directory()), "Multi30k not found at " + data.directory()
                + "; set -D" + Multi30kLocation.PROPERTY + " or $" + Multi30kLocation.ENVIRONMENT);
    }

    @Test
    void everyLanguageHasThePublishedSplitSizes() throws IOException {
        for (Language language : Language.values()) {
            assertEquals(29000, data.sentences(Multi30kSplit.TRAIN, language).size(), language.code());
            assertEquals(1014, data.sentences(Multi30kSplit.VALIDATION, language).size(), language.code());
            assertEquals(1000, data.sentences(Multi30kSplit.TEST_2016_FLICKR, language).size(), language.code());
        }
    }

    @Test
    void pairsAreLineAlignedTranslations() throws IOException {
        Map<Multi30kSplit, List<SentencePair>> enDe = data.allPairs(Language.EN, Language.DE);
        assertEquals(29000, enDe.get(Multi30kSplit.TRAIN).size());
        assertEquals(1014, enDe.get(Multi30kSplit.VALIDATION).size());
        assertEquals(1000, enDe.get(Multi30kSplit.TEST_2016_FLICKR).size());
        assertEquals(new SentencePair("Two young, White males are outside near many bushes.",
                "Zwei junge weiße Männer sind im Freien in der Nähe vieler Büsche."), enDe.get(Multi30kSplit.TRAIN).get(0));
        assertEquals(new SentencePair("A girl at the shore of a beach with a mountain in the distance.",
                "Ein Mädchen an einer Küste mit einem Berg im Hintergrund."),
                enDe.get(Multi30kSplit.TEST_2016_FLICKR).get(999));
    }

    @Test
    void eitherDirectionAndAnyPair() throws IOException {
        List<SentencePair> frCs = data.pairs(Multi30kSplit.VALIDATION, Language.FR, Language.CS);
        List<SentencePair> csFr = data.pairs(Multi30kSplit.VALIDATION, Language.CS, Language.FR);
        assertEquals(1014, frCs.size());
        for (int i = 0; i < frCs.size(); i++) {
            assertEquals(frCs.get(i).source(), csFr.get(i).target());
            assertEquals(frCs.get(i).target(), csFr.get(i).source());
        }
        assertEquals(new SentencePair("Deux femmes portant du rouge et un homme sortant de toilettes portables.",
                "Dvě ženy v červeném oblečení a muž vycházející z mobilního WC."), frCs.get(1013));
    }

    @Test
    void sentencesAreKeptAsStored() throws IOException {
        // Some French and German lines carry a leading or trailing space in the raw release; the loader
        // does not trim, so what is scored or tokenized later is the released text.
        List<String> fr = data.sentences(Multi30kSplit.TRAIN, Language.FR);
        assertTrue(fr.stream().anyMatch(s -> !s.equals(s.strip())));
        assertFalse(fr.stream().anyMatch(String::isBlank));
    }

    @Test
    void sameLanguageIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> data.pairs(Multi30kSplit.TRAIN, Language.DE, Language.DE));
    }

    @Test
    void languageCodes() {
        assertEquals(Language.CS, Language.fromCode("cs"));
        assertEquals("test_2016_flickr", Multi30kSplit.TEST_2016_FLICKR.fileStem());
        assertThrows(IllegalArgumentException.class, () -> Language.fromCode("xx"));
    }
}
