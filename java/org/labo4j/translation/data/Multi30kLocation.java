package org.labo4j.translation.data;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where the Multi30k raw files are looked for when no directory is given: the system property
 * {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT}, else
 * {@code <projectRoot>/../shared/data/multi30k}, where the project root is the system property
 * {@value #PROJECT_ROOT_PROPERTY} (set by the test runner) or the current directory.
 */
public final class Multi30kLocation {
    public static final String PROPERTY = "labo4j.multi30k";
    public static final String ENVIRONMENT = "LABO4J_MULTI30K";
    public static final String PROJECT_ROOT_PROPERTY = "labo4j.projectRoot";

    private Multi30kLocation() {
    }

    public static Path resolve() {
        return resolve(System::getProperty, System::getenv);
    }

    /** {@link #resolve()} with the property and environment lookups given, so it can be tested. */
    static Path resolve(UnaryOperator<String> properties, UnaryOperator<String> environment) {
        String explicit = nonBlank(properties.apply(PROPERTY));
        if (explicit == null) {
            explicit = nonBlank(environment.apply(ENVIRONMENT));
        }
        if (explicit != null) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        String root = nonBlank(properties.apply(PROJECT_ROOT_PROPERTY));
        Path projectRoot = Path.of(root != null ? root : "").toAbsolutePath();
        return projectRoot.resolve("../shared/data/multi30k").normalize();
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
