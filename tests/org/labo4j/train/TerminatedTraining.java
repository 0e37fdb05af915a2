package org.labo4j.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real shutdown for the shutdown tests of both tasks: runs a training {@code main} in a child JVM
 * and sends it SIGTERM (what Ctrl-C's SIGINT also triggers: JVM shutdown hooks) once it has printed
 * three progress lines.
 */
public final class TerminatedTraining {
    private TerminatedTraining() {
    }

    /** Everything the child printed (stdout and stderr) until it exited. */
    public static String run(Class<?> main, String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int progressLines = 0;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                if (line.startsWith("epoch ") && line.contains(" step ") && ++progressLines == 3) {
                    // SIGTERM through the handle: Process.destroy() would also close our end of the pipe.
                    child.toHandle().destroy();
                }
            }
        } finally {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        return String.join("\n", output);
    }
}
