package org.labo4j.vision.data;

import java.io.IOException;
import java.nio.file.Path;

/** An IDX file that cannot be decoded: wrong magic number, truncated, trailing bytes or inconsistent sizes. */
public final class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public IdxFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
