package org.labo4j.translation.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.labo4j.translation.batch.EncodedPair;
import org.labo4j.translation.data.Multi30k;
import org.labo4j.translation.data.Multi30kSplit;
import org.labo4j.translation.data.SentencePair;
import org.labo4j.translation.tokenize.BpeTokenizer;
import org.labo4j.translation.tokenize.BpeTrainer;

/**
 * The sentence pairs of a run, read from Multi30k and cut to the configured limits, and their token
 * ids under the run's joint vocabulary. Pairs too long for the model's positions are left out of
 * training and of the validation loss (Multi30k has none at the default sizes); every pair is
 * translated for BLEU.
 *
 * @param train the training pairs the model learns from, as ids
 * @param skippedTrain training pairs left out for their length
 * @param validation validation sentences, for BLEU
 * @param validationEncoded validation pairs as ids, for the validation loss
 * @param test test sentences, for the final BLEU
 */
public record TranslationData(BpeTokenizer tokenizer, List<EncodedPair> train, int skippedTrain,
        List<SentencePair> validation, List<EncodedPair> validationEncoded, List<SentencePair> test) {

    /** Reads the splits of {@code config}'s pair. */
    public static List<SentencePair> trainingPairs(TranslationTrainConfig config) throws IOException {
        return limit(new Multi30k(config.dataDir).pairs(Multi30kSplit.TRAIN, config.sourceLanguage(),
                config.targetLanguage()), config.limitTrain);
    }

    /** A joint vocabulary of {@code config.vocab} ids learned on both sides of {@code train}. */
    public static BpeTokenizer learnVocabulary(List<SentencePair> train, int vocabularySize) {
        List<String> bothSides = new ArrayList<>(2 * train.size());
        for (SentencePair pair : train) {
            bothSides.add(pair.source());
            bothSides.add(pair.target());
        }
        return new BpeTrainer().vocabularySize(vocabularySize).train(bothSides);
    }

    /** Loads every split and encodes it with {@code tokenizer}, which a fresh run learns and a resumed run restores. */
    public static TranslationData load(TranslationTrainConfig config, List<SentencePair> train,
            BpeTokenizer tokenizer, int maxPositions) throws IOException {
        Multi30k corpus = new Multi30k(config.dataDir);
        List<SentencePair> validation = limit(corpus.pairs(Multi30kSplit.VALIDATION, config.sourceLanguage(),
                config.targetLanguage()), config.limitValid);
        List<SentencePair> test = limit(corpus.pairs(Multi30kSplit.TEST_2016_FLICKR, config.sourceLanguage(),
                config.targetLanguage()), config.limitTest);
        List<EncodedPair> trainEncoded = fitting(EncodedPair.encode(train, tokenizer, tokenizer), maxPositions);
        return new TranslationData(tokenizer, trainEncoded, train.size() - trainEncoded.size(), validation,
                fitting(EncodedPair.encode(validation, tokenizer, tokenizer), maxPositions), test);
    }

    private static List<SentencePair> limit(List<SentencePair> pairs, int limit) {
        return limit > 0 && limit < pairs.size() ? pairs.subList(0, limit) : pairs;
    }

    /** Pairs whose source plus eos and whose bos plus target fit in {@code maxPositions}. */
    private static List<EncodedPair> fitting(List<EncodedPair> pairs, int maxPositions) {
        List<EncodedPair> kept = new ArrayList<>(pairs.size());
        for (EncodedPair pair : pairs) {
            if (pair.paddedLength() <= maxPositions) {
                kept.add(pair);
            }
        }
        return kept;
    }
}
