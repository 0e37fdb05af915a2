package org.labo4j.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Whole-file replacement that readers never see half done: write a temporary file in the same
 * directory, force it to disk, then rename it over the target in one atomic step. A crash at any point
 * leaves either the old file or the new one, plus at worst a stray temporary file.
 */
public final class AtomicFiles {
    /** Writes the content of a file at a path it is given. */
    @FunctionalInterface
    public interface FileWriter {
        void writeTo(Path temporaryFile) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Replaces {@code target} with what {@code writer} writes; on failure the old target is untouched. */
    public static void write(Path target, FileWriter writer) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = temporarySibling(directory, target.getFileName().toString());
        try {
            writer.writeTo(temporary);
            replace(temporary, target);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Replaces {@code target} with {@code text} in UTF-8. */
    public static void writeString(Path target, CharSequence text) throws IOException {
        write(target, temporary -> Files.writeString(temporary, text, StandardCharsets.UTF_8));
    }

    /**
     * A fresh hidden name next to the target. Not {@code Files.createTempFile}: that makes the file
     * owner-only (0600), and the final file should get the usual permissions of the umask.
     */
    private static Path temporarySibling(Path directory, String name) {
        while (true) {
            Path candidate = directory.resolve("." + name + "." + ProcessHandle.current().pid() + "."
                    + Long.toUnsignedString(System.nanoTime(), 36) + ".tmp");
            if (!Files.exists(candidate)) {
                return candidate;
            }
        }
    }

    /** Forces {@code source} to disk and renames it atomically onto {@code target}. */
    private static void replace(Path source, Path target) throws IOException {
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + target + " atomically on this file system", e);
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Makes the rename itself durable; some platforms cannot open directories, and lose only durability. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not supported here (e.g. Windows): the rename is still atomic, just not yet durable.
        }
    }
}
