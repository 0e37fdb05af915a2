package org.labo4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.labo4j.util.AtomicFiles;
import org.labo4j.util.JsonText;

/**
 * final-metrics.json, the summary a run writes once all its epochs are done. Its leading entries are
 * each task's own (test scores, cost of training); both tasks end it with the run's options and the
 * time it was written, so any run can be traced to its configuration.
 */
public final class FinalMetrics {
    public static final String FILE_NAME = "final-metrics.json";

    private FinalMetrics() {
    }

    /** Writes {@code entries}, then {@code config} (the run's options) and {@code written_at}, atomically. */
    public static void write(Path runDirectory, Map<String, Object> entries, Map<String, String> config)
            throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>(entries);
        summary.put("config", config);
        summary.put("written_at", Instant.now().toString());
        AtomicFiles.writeString(runDirectory.resolve(FILE_NAME), JsonText.of(summary));
    }
}
