package org.labo4j.vision.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsCsvTest {
    @TempDir
    Path dir;

    private static EpochMetrics epoch(int n) {
        return new EpochMetrics(n, 0.01 * n, 1.0 / n, 0.8, 0.4, 0.85, 0.02, 1234.5, 80, 2, 5, 60);
    }

    @Test
    void appendsReadsBackAndTruncates() throws IOException {
        MetricsCsv csv = new MetricsCsv(dir.resolve(MetricsCsv.FILE_NAME));
        for (int n = 1; n <= 3; n++) {
            csv.append(epoch(n));
        }
        List<String> lines = Files.readAllLines(csv.file());
        assertEquals(MetricsCsv.HEADER, lines.get(0));
        assertEquals(4, lines.size());
        List<EpochMetrics> rows = csv.readAll();
        assertEquals(3, rows.size());
        assertEquals(0.5, rows.get(1).trainLoss(), 1e-6);
        assertEquals(0.025, rows.get(0).lossShare(), 1e-6);
        assertTrue(lines.get(1).contains(",0.0250,"), lines.get(1));

        csv.truncateAfter(1);
        assertEquals(1, csv.readAll().size());
        csv.append(epoch(2));
        assertEquals(2, csv.readAll().get(1).epoch());
    }

    @Test
    void missingFileReadsAsEmpty() throws IOException {
        assertEquals(List.of(), new MetricsCsv(dir.resolve("none.csv")).readAll());
    }
}
