package org.labo4j.vision.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static byte[] pixels(int count) {
        byte[] p = new byte[count * 4 * 3];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 7);
        }
        return p;
    }

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        byte[] pixels = pixels(5);
        Path plain = IdxTestFiles.writeImages(dir.resolve("plain.idx"), 5, 4, 3, pixels, false);
        // A gzip'd file without .gz in its name: detection must use the magic bytes, not the name.
        Path gzipped = IdxTestFiles.writeImages(dir.resolve("compressed.idx"), 5, 4, 3, pixels, true);
        for (Path file : new Path[] {plain, gzipped}) {
            IdxReader.IdxArray array = IdxReader.readImages(file);
            assertArrayEquals(new int[] {5, 4, 3}, array.dimensions());
            assertArrayEquals(pixels, array.values());
        }
    }

    @Test
    void loadsAMatchingImagesAndLabelsPair() throws IOException {
        Path images = IdxTestFiles.writeImages(dir.resolve("i"), 5, 4, 3, pixels(5), true);
        Path labels = IdxTestFiles.writeLabels(dir.resolve("l"), new byte[] {0, 1, 9, 3, 3}, false);
        ImageDataset dataset = IdxDatasetLoader.load(images, labels, "tiny", 10);
        assertEquals(5, dataset.size());
        assertEquals(4, dataset.height());
        assertEquals(3, dataset.width());
        assertEquals(9, dataset.label(2));
        assertEquals(pixels(5)[12 + 5] & 0xff, dataset.pixel(1, 1, 2));
    }

    @Test
    void rejectsWrongMagicNamingTheFile() throws IOException {
        // A labels file where images are expected.
        Path labels = IdxTestFiles.writeLabels(dir.resolve("labels-not-images"), new byte[] {1, 2}, true);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(labels));
        assertTrue(e.getMessage().contains(labels.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("2049"), e.getMessage());
        Path garbage = IdxTestFiles.write(dir.resolve("garbage"), "not an idx file".getBytes());
        assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(garbage));
    }

    @Test
    void rejectsTruncatedPlainFile() throws IOException {
        byte[] whole = IdxTestFiles.idxBytes(IdxReader.IMAGES_MAGIC, new int[] {5, 4, 3}, pixels(5));
        Path file = IdxTestFiles.write(dir.resolve("cut"), Arrays.copyOf(whole, whole.length - 10));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated"), e.getMessage());
        Path header = IdxTestFiles.write(dir.resolve("header-only"), Arrays.copyOf(whole, 9));
        assertThrows(IdxFormatException.class, () -> IdxReader.readImages(header));
    }

    @Test
    void rejectsTruncatedGzipFile() throws IOException {
        byte[] gz = IdxTestFiles.gzip(IdxTestFiles.idxBytes(IdxReader.IMAGES_MAGIC, new int[] {50, 4, 3},
                pixels(50)));
        Path file = IdxTestFiles.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] whole = IdxTestFiles.idxBytes(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {1, 2, 3, 4});
        Path file = IdxTestFiles.write(dir.resolve("long"), whole);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(file));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    @Test
    void rejectsImagesAndLabelsOfDifferentCounts() throws IOException {
        Path images = IdxTestFiles.writeImages(dir.resolve("images"), 5, 4, 3, pixels(5), false);
        Path labels = IdxTestFiles.writeLabels(dir.resolve("labels"), new byte[] {0, 1, 2, 3}, false);
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> IdxDatasetLoader.load(images, labels, "mismatch", 10));
        assertTrue(e.getMessage().contains(images.toString()) && e.getMessage().contains(labels.toString()),
                e.getMessage());
    }

    @Test
    void rejectsLabelsOutsideTheClassRange() throws IOException {
        Path images = IdxTestFiles.writeImages(dir.resolve("images"), 2, 4, 3, pixels(2), false);
        Path labels = IdxTestFiles.writeLabels(dir.resolve("labels"), new byte[] {0, 10}, false);
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> IdxDatasetLoader.load(images, labels, "bad labels", 10));
        assertTrue(e.getMessage().contains(labels.toString()) && e.getMessage().contains("10"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> IdxDatasetLoader.loadTrain(dir.resolve("nowhere"), 10));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void prefersGzippedFileButAcceptsPlainOne() throws IOException {
        IdxTestFiles.writeImages(dir.resolve(IdxDatasetLoader.TEST_IMAGES), 2, 4, 3, pixels(2), false);
        IdxTestFiles.writeLabels(dir.resolve(IdxDatasetLoader.TEST_LABELS + ".gz"), new byte[] {4, 5}, true);
        ImageDataset test = IdxDatasetLoader.loadTest(dir, 10);
        assertEquals(2, test.size());
        assertEquals(5, test.label(1));
    }
}
