package org.labo4j.translation.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a text file as strict UTF-8 lines, gunzipping it when its name ends in {@code .gz}.
 * Lines end at {@code \n} only (a {@code \r} before it is dropped), so a stray {@code \r} or
 * U+2028 inside a sentence cannot shift the alignment of a parallel corpus. A final line without
 * {@code \n} counts; a trailing {@code \n} does not start another line.
 */
public final class TextLines {
    private TextLines() {
    }

    /**
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException         if it cannot be read, is not valid gzip, or is not valid UTF-8
     *                             (the message names the file and the line)
     */
    public static List<String> read(Path file) throws IOException {
        boolean gzip = String.valueOf(file.getFileName()).endsWith(".gz");
        byte[] bytes;
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
            bytes = in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "file not found");
        } catch (IOException e) {
            throw new IOException(file + ": cannot read: " + e.getMessage(), e);
        }
        return split(file, bytes);
    }

    private static List<String> split(Path file, byte[] bytes) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        // Splitting the bytes before decoding is safe: 0x0A never occurs inside a UTF-8 sequence.
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int contentEnd = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            lines.add(decode(file, lines.size() + 1, bytes, start, contentEnd, decoder));
            start = end + 1;
        }
        return lines;
    }

    private static String decode(Path file, int lineNumber, byte[] bytes, int from, int to,
                                 CharsetDecoder decoder) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CharBuffer out = CharBuffer.allocate(to - from);
        decoder.reset();
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new IOException(file + ", line " + lineNumber + ": invalid UTF-8 at byte "
                    + (in.position() - from + 1) + " of the line");
        }
        return out.flip().toString();
    }
}
