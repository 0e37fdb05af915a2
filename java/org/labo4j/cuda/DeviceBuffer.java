package org.labo4j.cuda;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.labo4j.LaboException;
import org.labo4j.nativeapi.LaboCudaNative;

/**
 * A block of CUDA device memory owned by labo4j's native library, for driving the CUDA kernels
 * without libtorch (tests, benchmarks, other JVM tensor libraries). Copies are synchronous.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final int device;
    private final long bytes;
    private Pointer pointer;

    private DeviceBuffer(int device, long bytes, Pointer pointer) {
        this.device = device;
        this.bytes = bytes;
        this.pointer = pointer;
    }

    /** Allocates {@code bytes} on {@code device}; {@link LaboException} with status NO_CUDA_DEVICE without a GPU. */
    public static DeviceBuffer allocate(int device, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes = " + bytes + " must be >= 0");
        }
        try (PointerPointer<Pointer> out = new PointerPointer<>(1)) {
            LaboException.throwIfFailed(LaboCudaNative.labo_cuda_malloc(device, bytes, out));
            return new DeviceBuffer(device, bytes, out.get(Pointer.class, 0));
        }
    }

    public static DeviceBuffer of(int device, float[] values) {
        final DeviceBuffer b = allocate(device, 4L * values.length);
        try (org.bytedeco.javacpp.FloatPointer host = new org.bytedeco.javacpp.FloatPointer(values)) {
            b.copyFromHost(host, 4L * values.length);
        }
        return b;
    }

    public static DeviceBuffer of(int device, long[] values) {
        final DeviceBuffer b = allocate(device, 8L * values.length);
        try (org.bytedeco.javacpp.LongPointer host = new org.bytedeco.javacpp.LongPointer(values)) {
            b.copyFromHost(host, 8L * values.length);
        }
        return b;
    }

    public void copyFromHost(Pointer host, long count) {
        checkRange(count);
        LaboException.throwIfFailed(LaboCudaNative.labo_cuda_memcpy_h2d(device, live(), host, count));
    }

    public void copyToHost(Pointer host, long count) {
        checkRange(count);
        LaboException.throwIfFailed(LaboCudaNative.labo_cuda_memcpy_d2h(device, host, live(), count));
    }

    public float[] toFloats(int count) {
        final float[] out = new float[count];
        try (org.bytedeco.javacpp.FloatPointer host = new org.bytedeco.javacpp.FloatPointer(count)) {
            copyToHost(host, 4L * count);
            host.get(out);
        }
        return out;
    }

    /** The device address, for the C ABI's argument structs. */
    public Pointer pointer() {
        return live();
    }

    public int device() {
        return device;
    }

    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (pointer != null) {
            final Pointer p = pointer;
            pointer = null;
            LaboException.throwIfFailed(LaboCudaNative.labo_cuda_free(device, p));
        }
    }

    private Pointer live() {
        if (pointer == null) {
            throw new IllegalStateException("device buffer already freed");
        }
        return pointer;
    }

    private void checkRange(long count) {
        if (count < 0 || count > bytes) {
            throw new IllegalArgumentException("copy of " + count + " bytes does not fit a buffer of " + bytes);
        }
    }
}
