package org.labo4j.translation.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Multi30k task 1 (raw, untokenized) from a local directory laid out as the public repository's
 * {@code data/task1/raw}: {@code <split>.<lang>.gz} with split {@code train}, {@code val} or
 * {@code test_2016_flickr}, one sentence a line, line i of each language a translation of line i of
 * the others. An uncompressed {@code <split>.<lang>} is read when the {@code .gz} is absent.
 *
 * <p>Sentences are returned exactly as stored. Files must be valid UTF-8, non-empty, free of blank
 * lines, and the two languages of a pair must have the same number of lines; anything else is
 * reported with the file and line.
 */
public final class Multi30k {
    private final Path directory;

    public Multi30k(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The directory chosen by {@link Multi30kLocation#resolve()}. */
    public static Multi30k atDefaultLocation() {
        return new Multi30k(Multi30kLocation.resolve());
    }

    public Path directory() {
        return directory;
    }

    /**
     * The file holding {@code split} in {@code language}.
     *
     * @throws NoSuchFileException if neither the {@code .gz} nor the plain file exists
     */
    public Path file(Multi30kSplit split, Language language) throws NoSuchFileException {
        Path plain = directory.resolve(split.fileStem() + "." + language.code());
        Path gz = directory.resolve(plain.getFileName() + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new NoSuchFileException(gz.toString(), null, "Multi30k file not found (nor " + plain.getFileName()
                + "); point -D" + Multi30kLocation.PROPERTY + " or $" + Multi30kLocation.ENVIRONMENT
                + " at a copy of data/task1/raw");
    }

    /**
     * The sentences of one split in one language, in file order.
     *
     * @throws IllegalArgumentException if the file is empty or has a blank line
     * @throws IOException              if it is missing, unreadable or not valid UTF-8
     */
    public List<String> sentences(Multi30kSplit split, Language language) throws IOException {
        Path file = file(split, language);
        List<String> lines = TextLines.read(file);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + ": file is empty");
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                throw new IllegalArgumentException(file + ", line " + (i + 1) + ": blank sentence");
            }
        }
        return Collections.unmodifiableList(lines);
    }

    /**
     * Aligned pairs of one split, {@code source} to {@code target} (any two different languages,
     * either direction).
     *
     * @throws IllegalArgumentException if the languages are equal, or the files differ in line count
     * @throws IOException              as {@link #sentences}
     */
    public List<SentencePair> pairs(Multi30kSplit split, Language source, Language target) throws IOException {
        Objects.requireNonNull(split, "split");
        if (Objects.requireNonNull(source, "source") == Objects.requireNonNull(target, "target")) {
            throw new IllegalArgumentException("source and target language are both " + source.code());
        }
        List<String> src = sentences(split, source);
        List<String> tgt = sentences(split, target);
        if (src.size() != tgt.size()) {
            boolean srcLonger = src.size() > tgt.size();
            throw new IllegalArgumentException(String.format(
                    "%s has %d lines but %s has %d: line %d of %s has no counterpart, so the files are not aligned",
                    file(split, source), src.size(), file(split, target), tgt.size(),
                    Math.min(src.size(), tgt.size()) + 1, srcLonger ? file(split, source) : file(split, target)));
        }
        List<SentencePair> pairs = new ArrayList<>(src.size());
        for (int i = 0; i < src.size(); i++) {
            pairs.add(new SentencePair(src.get(i), tgt.get(i)));
        }
        return Collections.unmodifiableList(pairs);
    }

    /** {@link #pairs} for every split. */
    public Map<Multi30kSplit, List<SentencePair>> allPairs(Language source, Language target) throws IOException {
        Map<Multi30kSplit, List<SentencePair>> bySplit = new EnumMap<>(Multi30kSplit.class);
        for (Multi30kSplit split : Multi30kSplit.values()) {
            bySplit.put(split, pairs(split, source, target));
        }
        return Collections.unmodifiableMap(bySplit);
    }
}
