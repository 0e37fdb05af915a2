package org.labo4j.cuda;

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
            return buffer.getString();
        }
    }

    public static void synchronize(int device) {
        LaboException.throwIfFailed(LaboCudaNative.labo_cuda_synchronize(device));
    }
}
