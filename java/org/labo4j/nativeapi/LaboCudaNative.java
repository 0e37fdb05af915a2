package org.labo4j.nativeapi;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of {@code native/include/labo/labo_cuda.h}: raw device buffers, streams and event
 * timing, so that the CUDA kernels can be driven from Java without a GPU build of libtorch. Every
 * function returns a {@code labo_status}; see {@link LaboNative}.
 */
@Platform(include = {"labo/labo.h", "labo/labo_cuda.h"}, link = "labo")
public final class LaboCudaNative {
    static {
        Loader.load();
    }

    private LaboCudaNative() {}

    public static native int labo_cuda_malloc(int device, long bytes, @Cast("void**") PointerPointer<?> out);

    public static native int labo_cuda_free(int device, Pointer ptr);

    public static native int labo_cuda_memcpy_h2d(int device, Pointer dstDevice, @Const Pointer srcHost, long bytes);

    public static native int labo_cuda_memcpy_d2h(int device, Pointer dstHost, @Const Pointer srcDevice, long bytes);

    public static native int labo_cuda_memcpy_d2d(int device, Pointer dstDevice, @Const Pointer srcDevice, long bytes);

    public static native int labo_cuda_memset(int device, Pointer dstDevice, int value, long bytes);

    public static native int labo_cuda_synchronize(int device);

    public static native int labo_cuda_take_target_error(int device);

    public static native int labo_cuda_stream_create(int device, @Cast("void**") PointerPointer<?> outStream);

    public static native int labo_cuda_stream_destroy(int device, Pointer stream);

    public static native int labo_cuda_stream_synchronize(int device, Pointer stream);

    public static native int labo_cuda_device_name(int device, @Cast("char*") BytePointer buffer, int capacity);

    public static native int labo_cuda_kernel_path(int device, int dtype, long vocab,
                                                   @Cast("const char**") PointerPointer<?> outPath);

    public static native int labo_cuda_time_copy(int device, Pointer stream, Pointer dstDevice, @Const Pointer srcDevice,
                                                 long bytes, int warmup, int repeats, FloatPointer timesMs);

    public static native int labo_cuda_time_loss(@Const LaboNative.LossConfig config, @Const LaboNative.LossArgs args,
                                                 int warmup, int repeats, FloatPointer timesMs);
}
