package org.labo4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics.csv file handling both tasks share. */
class EpochCsvFileTest {
    @TempDir
    Path dir;

    @Test
    void appendsWithOneHeaderAndTruncatesKeepingLinesAsWritten() throws IOException {
        EpochCsvFile csv = new EpochCsvFile(dir.resolve("metrics.csv"), "epoch,x", 2);
        csv.append("1,0.50\n");
        csv.append("2,0.25\n");
        csv.append("3,0.125\n");
        assertEquals(List.of("epoch,x", "1,0.50", "2,0.25", "3,0.125"), Files.readAllLines(csv.file()));
        assertEquals("0.25", csv.rows().get(1)[1]);

        csv.truncateAfter(3);
        assertEquals(4, Files.readAllLines(csv.file()).size());
        csv.truncateAfter(1);
        assertEquals(List.of("epoch,x", "1,0.50"), Files.readAllLines(csv.file()));
        csv.truncateAfter(0);
        assertEquals(List.of("epoch,x"), Files.readAllLines(csv.file()));
    }

    @Test
    void refusesALineWithTheWrongFieldCount() throws IOException {
        EpochCsvFile csv = new EpochCsvFile(dir.resolve("metrics.csv"), "epoch,x", 2);
        csv.append("1,0.5,7\n");
        IOException e = assertThrows(IOException.class, csv::rows);
        assertEquals(csv.file() + ": line 2 has 3 fields, expected 2", e.getMessage());
    }

    @Test
    void missingFileHasNoRows() throws IOException {
        assertEquals(List.of(), new EpochCsvFile(dir.resolve("none.csv"), "epoch,x", 2).rows());
    }
}
