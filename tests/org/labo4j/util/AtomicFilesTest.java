package org.labo4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheTargetOnSuccess() throws IOException {
        Path target = dir.resolve("state.bin");
        Files.writeString(target, "old");
        AtomicFiles.write(target, file -> Files.writeString(file, "new"));
        assertEquals("new", Files.readString(target));
        assertEquals(1, entries());
    }

    @Test
    void aWriterThatFailsHalfwayLeavesTheOldFileAndNoDebris() throws IOException {
        Path target = dir.resolve("state.bin");
        Files.writeString(target, "complete old state");
        IOException failure = assertThrows(IOException.class, () -> AtomicFiles.write(target, file -> {
            Files.writeString(file, "half of the new st");
            throw new IOException("disk full");
        }));
        assertEquals("disk full", failure.getMessage());
        assertEquals("complete old state", Files.readString(target));
        assertEquals(1, entries(), "the temporary file is removed");
    }

    @Test
    void aCrashBeforeTheRenameLeavesTheOldFile() throws IOException {
        Path target = dir.resolve("state.bin");
        Files.writeString(target, "old");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, file -> {
            Files.writeString(file, "new");
            throw new IllegalStateException("killed");
        }));
        assertEquals("old", Files.readString(target));
    }

    private long entries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
