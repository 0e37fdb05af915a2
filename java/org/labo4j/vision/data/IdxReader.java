package org.labo4j.vision.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads unsigned-byte IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or plain.
 *
 * <p>Layout: a big-endian magic number {@code 0x0000TTDD} (type {@code 0x08} = unsigned byte, {@code DD}
 * dimensions), one big-endian int32 per dimension, then the values. Compression is detected from the
 * first two bytes ({@code 1f 8b}), not from the file name, so renamed files still load.
 */
public final class IdxReader {
    /** Magic number of a 3-dimensional unsigned-byte IDX file: images {@code [count, rows, cols]}. */
    public static final int IMAGES_MAGIC = 2051;
    /** Magic number of a 1-dimensional unsigned-byte IDX file: labels {@code [count]}. */
    public static final int LABELS_MAGIC = 2049;

    private static final int GZIP_FIRST_BYTE = 0x1f;
    private static final int GZIP_SECOND_BYTE = 0x8b;

    /** Decoded content of one IDX file. */
    public record IdxArray(int[] dimensions, byte[] values) {
    }

    private IdxReader() {
    }

    /** Reads an images file; returns dimensions {@code [count, rows, cols]} and row-major pixels. */
    public static IdxArray readImages(Path file) throws IOException {
        return read(file, IMAGES_MAGIC);
    }

    /** Reads a labels file; returns dimensions {@code [count]} and one byte per label. */
    public static IdxArray readLabels(Path file) throws IOException {
        return read(file, LABELS_MAGIC);
    }

    /** Reads an unsigned-byte IDX file whose magic number must equal {@code expectedMagic}. */
    public static IdxArray read(Path file, int expectedMagic) throws IOException {
        try (InputStream in = open(file)) {
            int magic = readInt(in, file, "magic number");
            if (magic != expectedMagic) {
                throw new IdxFormatException(file, String.format(
                        "magic number %d (0x%08x), expected %d (0x%08x)", magic, magic, expectedMagic, expectedMagic));
            }
            int[] dimensions = new int[expectedMagic & 0xff];
            long count = 1;
            for (int d = 0; d < dimensions.length; d++) {
                dimensions[d] = readInt(in, file, "size of dimension " + d);
                if (dimensions[d] < 0) {
                    throw new IdxFormatException(file, "negative size " + dimensions[d] + " in dimension " + d);
                }
                count *= dimensions[d];
            }
            if (count > Integer.MAX_VALUE - 8) {
                throw new IdxFormatException(file, "too many values for one array: " + count);
            }
            byte[] values = new byte[(int) count];
            int read = in.readNBytes(values, 0, values.length);
            if (read < values.length) {
                throw new IdxFormatException(file, "truncated: header promises " + count + " values, file holds " + read);
            }
            if (in.read() != -1) {
                throw new IdxFormatException(file, "trailing bytes after the " + count + " values the header promises");
            }
            return new IdxArray(dimensions, values);
        } catch (EOFException e) {
            // A gzip stream cut short surfaces here, before our own length check can see it.
            throw new IdxFormatException(file, "truncated: " + e.getMessage(), e);
        } catch (ZipException e) {
            throw new IdxFormatException(file, "corrupt gzip stream: " + e.getMessage(), e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int first = raw.read();
        int second = raw.read();
        raw.reset();
        if (first == GZIP_FIRST_BYTE && second == GZIP_SECOND_BYTE) {
            return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        }
        return raw;
    }

    private static int readInt(InputStream in, Path file, String what) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new IdxFormatException(file, "truncated while reading the " + what);
        }
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }
}
