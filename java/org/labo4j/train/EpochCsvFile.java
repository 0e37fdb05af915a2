package org.labo4j.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.labo4j.util.AtomicFiles;

/**
 * The file handling of both tasks' metrics.csv: a header line, then one comma-separated line per
 * finished epoch, each on disk before the epoch's checkpoint is written. The columns, their format
 * and their meaning belong to each task's metrics class.
 */
public final class EpochCsvFile {
    private final Path file;
    private final String header;
    private final int fields;

    /** {@code header}: the column names, {@code fields} of them. */
    public EpochCsvFile(Path file, String header, int fields) {
        this.file = file;
        this.header = header;
        this.fields = fields;
    }

    public Path file() {
        return file;
    }

    /**
     * Appends {@code line} (ending in a newline), writing the header first if the file is new; on disk
     * before returning.
     */
    public void append(String line) throws IOException {
        String text = (Files.exists(file) && Files.size(file) > 0 ? "" : header + "\n") + line;
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    }

    /** The fields of every line after the header, blank lines skipped (empty if the file does not exist). */
    public List<String[]> rows() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : lines()) {
            rows.add(line.split(","));
        }
        return rows;
    }

    /**
     * Drops the lines of epochs (first column) after {@code lastEpoch}: a run that stopped between
     * writing a line and its checkpoint redoes that epoch, and must not list it twice. The lines kept
     * stay as they were written; the file is replaced atomically, and only if a line goes.
     */
    public void truncateAfter(int lastEpoch) throws IOException {
        List<String> all = lines();
        StringBuilder kept = new StringBuilder(header).append('\n');
        int keptLines = 0;
        for (String line : all) {
            if (Integer.parseInt(line.substring(0, line.indexOf(','))) <= lastEpoch) {
                kept.append(line).append('\n');
                keptLines++;
            }
        }
        if (keptLines < all.size()) {
            AtomicFiles.writeString(file, kept);
        }
    }

    /** The lines after the header, trimmed, blank ones skipped, each checked to have {@link #fields} fields. */
    private List<String> lines() throws IOException {
        List<String> kept = new ArrayList<>();
        if (!Files.exists(file)) {
            return kept;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            int count = line.split(",").length;
            if (count != fields) {
                throw new IOException(file + ": line " + (i + 1) + " has " + count + " fields, expected " + fields);
            }
            kept.add(line);
        }
        return kept;
    }
}
