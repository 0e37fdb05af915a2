package org.labo4j;

/** A failure reported by the native library that is not the caller's bad argument. */
public class LaboException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public LaboException(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * Turns a {@code labo_status} into Java: nothing for OK, {@link IllegalArgumentException} for a bad
     * argument, {@code LaboException} otherwise, each with the native library's message.
     */
    public static void throwIfFailed(int status) {
        if (status == org.labo4j.nativeapi.LaboNative.LABO_STATUS_OK) {
            return;
        }
        final String message = org.labo4j.nativeapi.LaboNative.labo_last_error().getString();
        if (status == org.labo4j.nativeapi.LaboNative.LABO_STATUS_INVALID_ARGUMENT) {
            throw new IllegalArgumentException(message);
        }
        throw new LaboException(status, message);
    }

    /** The {@code labo_status} code of the native call. */
    public int status() {
        return status;
    }
}
