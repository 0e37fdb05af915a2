package org.labo4j;

/** A failure reported by the native library that is not the caller's bad argument. */
public class LaboException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public LaboException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The {@code labo_status} code of the native call. */
    public int status() {
        return status;
    }
}
