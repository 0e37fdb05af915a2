package org.labo4j.cuda;

import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.BytePointer;
import org.labo4j.LaboException;
import org.labo4j.nativeapi.LaboCudaNative;
import org.labo4j.nativeapi.LaboNative;

/** The CUDA devices labo4j's native library sees (none without a driver, a device, or a CUDA build). */
public final class CudaDevices {
    private CudaDevices() {}

    public static int count() {
        return LaboNative.labo_cuda_device_count();
    }

    public static String name(int device) {
        try (BytePointer buffer = new BytePointer(256)) {
            LaboException.throwIfFailed(LaboCudaNative.labo_cuda_device_name(device, buffer, 256));
            return untilNul(buffer);
        }
    }

    /**
     * The C string at the start of {@code buffer}. (BytePointer.getString() of a sized buffer reads
     * up to its limit, past the terminating NUL.)
     */
    static String untilNul(BytePointer buffer) {
        byte[] bytes = new byte[Math.toIntExact(buffer.limit() - buffer.position())];
        buffer.get(bytes);
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    public static void synchronize(int device) {
        LaboException.throwIfFailed(LaboCudaNative.labo_cuda_synchronize(device));
    }

    /**
     * Reports the first bad target met since the last take by calls made with deferred target errors
     * ({@code LossArgs.target_errors(LABO_TARGET_ERRORS_DEFERRED)}, for callers that must not wait per
     * call, e.g. inside a CUDA graph) on {@code device}, and clears it. Waits for all work on the device.
     *
     * @throws IllegalArgumentException naming the row and the target, if there was one (those calls wrote nothing)
     */
    public static void takeTargetError(int device) {
        LaboException.throwIfFailed(LaboCudaNative.labo_cuda_take_target_error(device));
    }
}
