package org.labo4j.translation.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Multi30kLocationTest {

    private static Path resolve(Map<String, String> properties, Map<String, String> environment) {
        return Multi30kLocation.resolve(properties::get, environment::get);
    }

    @Test
    void propertyWinsOverEnvironmentAndProjectRoot() {
        Path p = resolve(Map.of(Multi30kLocation.PROPERTY, "/data/m30k", Multi30kLocation.PROJECT_ROOT_PROPERTY, "/proj"),
                Map.of(Multi30kLocation.ENVIRONMENT, "/env/m30k"));
        assertEquals(Path.of("/data/m30k"), p);
    }

    @Test
    void environmentWinsOverProjectRoot() {
        Path p = resolve(Map.of(Multi30kLocation.PROJECT_ROOT_PROPERTY, "/proj"),
                Map.of(Multi30kLocation.ENVIRONMENT, "/env/m30k"));
        assertEquals(Path.of("/env/m30k"), p);
    }

    @Test
    void sharedFolderBesideTheProjectRoot() {
        assertEquals(Path.of("/work/shared/data/multi30k"),
                resolve(Map.of(Multi30kLocation.PROJECT_ROOT_PROPERTY, "/work/main"), Map.of()));
    }

    @Test
    void currentDirectoryWhenNoProjectRootIsSet() {
        Path expected = Path.of("").toAbsolutePath().resolve("../shared/data/multi30k").normalize();
        assertEquals(expected, resolve(Map.of(), Map.of(Multi30kLocation.ENVIRONMENT, " ")));
    }
}
