package org.labo4j;

import org.labo4j.nativeapi.LaboNative;

/** Facts about the loaded native library. */
public final class Labo4j {
    private Labo4j() {}

    public static String nativeVersion() {
        return LaboNative.labo_version().getString();
    }

    /** The instruction set the CPU kernel uses on this machine: avx512, avx2 or scalar. */
    public static String cpuIsa() {
        return LaboNative.labo_cpu_isa().getString();
    }

    public static boolean builtWithCuda() {
        return LaboNative.labo_built_with_cuda() != 0;
    }

    /** CUDA devices the native library can use (0 without a driver or a CUDA build). */
    public static int cudaDeviceCount() {
        return LaboNative.labo_cuda_device_count();
    }
}
