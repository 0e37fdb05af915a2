package org.labo4j.translation.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.labo4j.translation.bleu.Bleu;
import org.labo4j.translation.bleu.BleuScore;
import org.labo4j.translation.data.SentencePair;
import org.labo4j.translation.decode.DecodingOptions;
import org.labo4j.translation.decode.LengthPenalty;
import org.labo4j.translation.model.TranslationTransformer;
import org.labo4j.translation.tokenize.BpeTokenizer;
import org.labo4j.util.AtomicFiles;

/**
 * The final test-set evaluation: corpus BLEU (sacreBLEU's defaults) of greedy decoding and, when the
 * beam is wider than one, of beam search; the hypotheses are written next to the checkpoint.
 *
 * @param greedy BLEU of greedy decoding
 * @param beam BLEU of beam search, or {@code null} for a beam of one
 * @param beamSize the beam search's width
 * @param sentences test sentences scored
 */
public record TestEvaluation(BleuScore greedy, BleuScore beam, int beamSize, int sentences) {
    static final String GREEDY_FILE = "test-greedy.hyp";

    static String beamFile(int beamSize) {
        return "test-beam" + beamSize + ".hyp";
    }

    /** The best of the two scores. */
    public double bestBleu() {
        return beam == null ? greedy.score() : Math.max(greedy.score(), beam.score());
    }

    static TestEvaluation run(TranslationTransformer model, BpeTokenizer tokenizer, List<SentencePair> test,
            TranslationTrainConfig config, Path runDirectory) throws IOException {
        List<String> sources = new ArrayList<>();
        List<String> references = new ArrayList<>();
        for (SentencePair pair : test) {
            sources.add(pair.source());
            references.add(pair.target());
        }
        Bleu bleu = Bleu.builder().build();
        List<String> greedy = SentenceTranslation.translate(model, tokenizer, sources,
                new DecodingOptions(1, LengthPenalty.none(), config.decodeBatch, 1.5, 10));
        write(runDirectory.resolve(GREEDY_FILE), greedy);
        BleuScore greedyScore = bleu.corpusScore(greedy, List.of(references));
        BleuScore beamScore = null;
        if (config.beam > 1) {
            List<String> beam = SentenceTranslation.translate(model, tokenizer, sources,
                    DecodingOptions.beam(config.beam, LengthPenalty.gnmt(config.lengthPenalty)));
            write(runDirectory.resolve(beamFile(config.beam)), beam);
            beamScore = bleu.corpusScore(beam, List.of(references));
        }
        return new TestEvaluation(greedyScore, beamScore, config.beam, sources.size());
    }

    private static void write(Path file, List<String> lines) throws IOException {
        String text = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        AtomicFiles.writeString(file, text);
    }
}
