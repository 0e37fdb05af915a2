package org.labo4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy {@code .npy} files (format 1.0-3.0, C order, little-endian float32 / int64), read and written whole. */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** An array's dtype descriptor (e.g. {@code <f4}), shape, and raw little-endian data. */
    public record Array(String descr, long[] shape, ByteBuffer data) {
        public long elements() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }
    }

    private Npy() {}

    public static Array read(Path file) throws IOException {
        final byte[] bytes = Files.readAllBytes(file);
        final ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes.length <= i || bytes[i] != MAGIC[i]) {
                throw new IOException(file + ": not a .npy file (bad magic)");
            }
        }
        if (bytes.length < 10) {
            throw new IOException(file + ": truncated .npy header");
        }
        final int major = bytes[6];
        final int headerLength;
        final int headerStart;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(buf.getShort(8));
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            headerLength = buf.getInt(8);
            headerStart = 12;
        } else {
            throw new IOException(file + ": unsupported .npy version " + major);
        }
        if (headerStart + (long) headerLength > bytes.length) {
            throw new IOException(file + ": truncated .npy header");
        }
        final String header = new String(bytes, headerStart, headerLength, StandardCharsets.ISO_8859_1);
        final Matcher d = DESCR.matcher(header);
        final Matcher f = FORTRAN.matcher(header);
        final Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(file + ": malformed .npy header: " + header.trim());
        }
        if (f.group(1).equals("True")) {
            throw new IOException(file + ": Fortran-order arrays are not supported (save with np.ascontiguousarray)");
        }
        final List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                dims.add(Long.parseLong(part.trim()));
            }
        }
        final long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        final Array header0 = new Array(d.group(1), shape, null);
        final long need = header0.elements() * itemSize(file, d.group(1));
        final int dataStart = headerStart + headerLength;
        if (bytes.length - dataStart != need) {
            throw new IOException(file + ": expected " + need + " data bytes for shape " + java.util.Arrays.toString(shape)
                    + ", found " + (bytes.length - dataStart));
        }
        final ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) need).slice().order(ByteOrder.LITTLE_ENDIAN);
        return new Array(d.group(1), shape, data);
    }

    private static int itemSize(Path file, String descr) throws IOException {
        return switch (descr) {
            case "<f4", "<i4" -> 4;
            case "<f8", "<i8" -> 8;
            case "<f2" -> 2;
            case "|u1", "|i1", "|b1" -> 1;
            default -> throw new IOException(file + ": unsupported dtype " + descr + " (use float32 or int64, little-endian)");
        };
    }

    public static void writeFloat32(Path file, float[] values, long... shape) throws IOException {
        final StringBuilder dims = new StringBuilder();
        for (long s : shape) {
            dims.append(s).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 2);
        }
        final String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims.toString().trim() + "), }";
        // Header padded with spaces to a multiple of 64 bytes, ending in a newline.
        final int unpadded = 10 + dict.length() + 1;
        final int padding = (64 - unpadded % 64) % 64;
        final String header = dict + " ".repeat(padding) + "\n";
        final ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
        buf.asFloatBuffer().put(values);
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, buf.array());
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
