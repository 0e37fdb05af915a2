package org.labo4j.vision.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files for tests: well-formed ones, and the raw bytes to corrupt them. */
public final class IdxTestFiles {
    private IdxTestFiles() {
    }

    /** The bytes of an IDX file: magic, dimensions, values. */
    public static byte[] idxBytes(int magic, int[] dimensions, byte[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dimensions.length + values.length);
        buffer.putInt(magic);
        for (int d : dimensions) {
            buffer.putInt(d);
        }
        buffer.put(values);
        return buffer.array();
    }

    public static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    public static Path write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        return file;
    }

    public static Path writeImages(Path file, int count, int rows, int cols, byte[] pixels, boolean gzipped)
            throws IOException {
        byte[] bytes = idxBytes(IdxReader.IMAGES_MAGIC, new int[] {count, rows, cols}, pixels);
        return write(file, gzipped ? gzip(bytes) : bytes);
    }

    public static Path writeLabels(Path file, byte[] labels, boolean gzipped) throws IOException {
        byte[] bytes = idxBytes(IdxReader.LABELS_MAGIC, new int[] {labels.length}, labels);
        return write(file, gzipped ? gzip(bytes) : bytes);
    }
}
