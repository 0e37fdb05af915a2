package org.labo4j.translation.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Options by name, their round trip through properties, validation, and what may change on resume. */
class TranslationTrainConfigTest {
    private static TranslationTrainConfig valid() {
        return new TranslationTrainConfig().set("src", "fr").set("tgt", "cs");
    }

    @Test
    void roundTripsThroughPropertiesExactly() {
        TranslationTrainConfig config = valid().set("lr", "0.00031").set("limitTrain", "17").set("runDir", "/x/y")
                .set("validBleu", "false");
        TranslationTrainConfig copy = TranslationTrainConfig.fromProperties(config.toProperties());
        assertEquals(config.asMap(), copy.asMap());
        assertEquals(0.00031, copy.lr, 0);
        assertTrue(copy.trajectoryDifferences(config).isEmpty());
    }

    @Test
    void everyPairOfTheFourLanguagesIsAccepted() {
        List<String> codes = List.of("en", "de", "fr", "cs");
        for (String src : codes) {
            for (String tgt : codes) {
                TranslationTrainConfig config = new TranslationTrainConfig().set("src", src).set("tgt", tgt);
                if (src.equals(tgt)) {
                    assertThrows(IllegalArgumentException.class, config::validate);
                } else {
                    assertEquals(src, config.validate().sourceLanguage().code());
                }
            }
        }
    }

    @Test
    void namesTheBadOption() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> valid().set("model", "huge").validate())
                .getMessage().startsWith("model must be one of"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> valid().set("epochs", "x")).getMessage()
                .startsWith("option epochs: cannot use 'x'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> valid().set("nope", "1")).getMessage()
                .startsWith("unknown option 'nope'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TranslationTrainConfig().validate())
                .getMessage().startsWith("src must be"));
    }

    @Test
    void onlyOptionsThatChangeTheWeightsBlockAResume() {
        TranslationTrainConfig saved = valid();
        TranslationTrainConfig later = valid().set("epochs", "40").set("threads", "1").set("beam", "8")
                .set("runDir", "elsewhere").set("limitTest", "5");
        assertTrue(later.trajectoryDifferences(saved).isEmpty(), later.trajectoryDifferences(saved).toString());
        TranslationTrainConfig changed = valid().set("vocab", "6000").set("seed", "9");
        assertEquals(List.of("vocab: 8000 -> 6000", "seed: 1 -> 9"), changed.trajectoryDifferences(saved));
    }
}
