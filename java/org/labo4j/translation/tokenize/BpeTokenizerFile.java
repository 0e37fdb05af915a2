package org.labo4j.translation.tokenize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.labo4j.util.AtomicFiles;

/**
 * A {@link BpeTokenizer} as UTF-8 text, small enough to keep next to a checkpoint or inside one:
 *
 * <pre>
 * labo4j-bpe 1
 * alphabet 3
 * 2581	▁
 * 65	e
 * ...
 * merges 2
 * 260 261	▁e
 * ...
 * </pre>
 *
 * Alphabet lines give a code point in hex, merge lines two ids; what follows a tab is the piece, for
 * people only, and is ignored when reading. Special and byte tokens are implied by the format.
 */
public final class BpeTokenizerFile {
    static final String HEADER = "labo4j-bpe 1";

    private BpeTokenizerFile() {
    }

    public static String toText(BpeTokenizer tokenizer) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        int[] alphabet = tokenizer.alphabet();
        out.append("alphabet ").append(alphabet.length).append('\n');
        for (int i = 0; i < alphabet.length; i++) {
            out.append(Integer.toHexString(alphabet[i]).toUpperCase(Locale.ROOT)).append('\t')
                    .append(readable(tokenizer.piece(BpeTokenizer.FIRST_CHARACTER_ID + i))).append('\n');
        }
        int[][] merges = tokenizer.merges();
        int firstMergeId = BpeTokenizer.FIRST_CHARACTER_ID + alphabet.length;
        out.append("merges ").append(merges.length).append('\n');
        for (int r = 0; r < merges.length; r++) {
            out.append(merges[r][0]).append(' ').append(merges[r][1]).append('\t')
                    .append(readable(tokenizer.piece(firstMergeId + r))).append('\n');
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException if {@code text} is not a tokenizer written by {@link #toText} */
    public static BpeTokenizer fromText(String text) {
        String[] lines = text.split("\n", -1);
        int at = 0;
        expect(lines, at++, HEADER);
        int alphabetSize = count(lines, at++, "alphabet");
        int[] alphabet = new int[alphabetSize];
        for (int i = 0; i < alphabetSize; i++, at++) {
            try {
                alphabet[i] = Integer.parseInt(field(lines, at), 16);
            } catch (NumberFormatException e) {
                throw malformed(at, "expected a hexadecimal code point");
            }
        }
        int mergeCount = count(lines, at++, "merges");
        int[][] merges = new int[mergeCount][];
        for (int r = 0; r < mergeCount; r++, at++) {
            String[] ids = field(lines, at).split(" ");
            try {
                merges[r] = new int[] {Integer.parseInt(ids[0]), Integer.parseInt(ids[1])};
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw malformed(at, "expected two token ids");
            }
        }
        if (at < lines.length && !(at == lines.length - 1 && lines[at].isEmpty())) {
            throw malformed(at, "unexpected text after the merges");
        }
        return new BpeTokenizer(alphabet, merges);
    }

    /** Writes the tokenizer atomically (a reader never sees half a file). */
    public static void save(BpeTokenizer tokenizer, Path file) throws IOException {
        byte[] bytes = toText(tokenizer).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, temporary -> Files.write(temporary, bytes));
    }

    public static BpeTokenizer load(Path file) throws IOException {
        try {
            return fromText(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The machine-read part of a line: everything before the first tab. */
    private static String field(String[] lines, int at) {
        if (at >= lines.length) {
            throw malformed(at, "file ends early");
        }
        int tab = lines[at].indexOf('\t');
        return tab < 0 ? lines[at] : lines[at].substring(0, tab);
    }

    private static void expect(String[] lines, int at, String expected) {
        if (!field(lines, at).equals(expected)) {
            throw malformed(at, "expected '" + expected + "'");
        }
    }

    private static int count(String[] lines, int at, String keyword) {
        String line = field(lines, at);
        if (line.startsWith(keyword + " ")) {
            try {
                int n = Integer.parseInt(line.substring(keyword.length() + 1));
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw malformed(at, "expected '" + keyword + " <count>'");
    }

    private static IllegalArgumentException malformed(int lineIndex, String problem) {
        return new IllegalArgumentException("not a labo4j BPE tokenizer: line " + (lineIndex + 1) + ": " + problem);
    }

    /** The piece with control characters shown as '?', so every entry stays on its line. */
    private static String readable(String piece) {
        StringBuilder out = new StringBuilder();
        piece.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return out.toString();
    }
}
