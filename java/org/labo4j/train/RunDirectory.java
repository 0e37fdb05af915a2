package org.labo4j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.labo4j.Loss;
import org.labo4j.util.AtomicFiles;

/**
 * The rules for a run directory that both tasks follow: a new run never overwrites an old one, a
 * resumed run must keep the saved run's trajectory, and both say on the log where they start.
 */
public final class RunDirectory {
    /** The run's options, as properties, written once when the run starts. */
    public static final String CONFIG_FILE = "config.properties";

    private RunDirectory() {
    }

    /**
     * Refuses to start a new run where {@code checkpointFile} or {@code metricsFile} already exists.
     * {@code directoryName} is how the message calls another directory, e.g. the option that names it.
     *
     * @throws IllegalStateException when the directory already holds a run
     */
    public static void requireFresh(Path runDirectory, Path checkpointFile, Path metricsFile, String directoryName) {
        if (Files.exists(checkpointFile) || Files.exists(metricsFile)) {
            throw new IllegalStateException(runDirectory + " already holds a run (" + checkpointFile.getFileName()
                    + " or " + metricsFile.getFileName() + "); resume it or choose another " + directoryName);
        }
    }

    /**
     * Refuses to resume {@code checkpointFile} with options that change its trajectory
     * ({@code differences}, as "name: saved -> requested" lines), and warns when the loss differs
     * from the {@code savedLoss} it was trained with.
     *
     * @throws IllegalArgumentException when {@code differences} is not empty
     */
    public static void requireResumable(Path checkpointFile, List<String> differences, String savedLoss, Loss loss,
            PrintStream log) {
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("cannot resume " + checkpointFile + " with different options "
                    + "(saved -> requested): " + String.join("; ", differences));
        }
        if (!savedLoss.equals(loss.toString())) {
            log.println("warning: " + checkpointFile + " was trained with loss " + savedLoss + ", resuming with "
                    + loss);
        }
    }

    /** Logs the position a resumed run continues from. */
    public static void logResume(PrintStream log, Path runDirectory, TrainingPosition start) {
        log.println("resuming " + runDirectory + " at epoch " + (start.epoch() + 1) + " step " + start.stepInEpoch());
    }

    /** Creates {@code runDirectory} and writes {@code propertiesText} to its {@link #CONFIG_FILE}, atomically. */
    public static void writeConfig(Path runDirectory, String propertiesText) throws IOException {
        Files.createDirectories(runDirectory);
        AtomicFiles.writeString(runDirectory.resolve(CONFIG_FILE), propertiesText);
    }
}
