package org.labo4j.nativeapi;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of the C ABI in {@code native/include/labo/labo.h}: one class per C struct, one
 * method per C function, nothing more. Validation, dispatch and tensors live in {@code org.labo4j}.
 * The JNI glue is generated at build time and packaged with {@code liblabo.so} under
 * {@code org/labo4j/nativeapi/<platform>/} in the jar.
 */
@Platform(include = "labo/labo.h", link = "labo")
public final class LaboNative {
    static {
        Loader.load();
    }

    private LaboNative() {}

    // labo_status
    public static final int LABO_STATUS_OK = 0;
    public static final int LABO_STATUS_INVALID_ARGUMENT = 1;
    public static final int LABO_STATUS_UNSUPPORTED = 2;
    public static final int LABO_STATUS_NO_CUDA_DEVICE = 3;
    public static final int LABO_STATUS_CUDA_ERROR = 4;
    public static final int LABO_STATUS_INTERNAL = 5;

    // labo_dtype
    public static final int LABO_DTYPE_FLOAT32 = 0;
    public static final int LABO_DTYPE_BFLOAT16 = 1;
    public static final int LABO_DTYPE_FLOAT16 = 2;

    // labo_device_type
    public static final int LABO_DEVICE_CPU = 0;
    public static final int LABO_DEVICE_CUDA = 1;

    // labo_target_errors (CUDA)
    public static final int LABO_TARGET_ERRORS_REPORT = 0;
    public static final int LABO_TARGET_ERRORS_DEFERRED = 1;

    // labo_smoothing
    public static final int LABO_SMOOTHING_NONE = 0;
    public static final int LABO_SMOOTHING_UNIFORM = 1;
    public static final int LABO_SMOOTHING_TEMPERED = 2;

    // labo_temperature_rule
    public static final int LABO_TEMPERATURE_FIXED = 0;
    public static final int LABO_TEMPERATURE_BUDGET = 1;

    // labo_reduction
    public static final int LABO_REDUCTION_NONE = 0;
    public static final int LABO_REDUCTION_MEAN = 1;
    public static final int LABO_REDUCTION_SUM = 2;

    /** {@code struct labo_loss_config}. */
    @Name("labo_loss_config")
    public static final class LossConfig extends Pointer {
        static {
            Loader.load();
        }

        public LossConfig() {
            super((Pointer) null);
            allocate();
            labo_loss_config_init(this);
        }

        private native void allocate();

        public native int smoothing();
        public native LossConfig smoothing(int value);
        public native int temperature_rule();
        public native LossConfig temperature_rule(int value);
        public native double alpha();
        public native LossConfig alpha(double value);
        public native double temperature();
        public native LossConfig temperature(double value);
        public native double budget();
        public native LossConfig budget(double value);
        public native @Cast("int64_t") long ignore_index();
        public native LossConfig ignore_index(long value);
        public native int reduction();
        public native LossConfig reduction(int value);
        public native int num_threads();
        public native LossConfig num_threads(int value);
        public native int max_newton_iterations();
        public native LossConfig max_newton_iterations(int value);
    }

    /** {@code struct labo_loss_args}. */
    @Name("labo_loss_args")
    public static final class LossArgs extends Pointer {
        static {
            Loader.load();
        }

        public LossArgs() {
            super((Pointer) null);
            allocate();
            labo_loss_args_init(this);
        }

        private native void allocate();

        public native int device_type();
        public native LossArgs device_type(int value);
        public native int device_index();
        public native LossArgs device_index(int value);
        public native Pointer stream();
        public native LossArgs stream(Pointer value);
        public native int dtype();
        public native LossArgs dtype(int value);
        public native int target_errors();
        public native LossArgs target_errors(int value);
        public native @Cast("int64_t") long rows();
        public native LossArgs rows(long value);
        public native @Cast("int64_t") long vocab();
        public native LossArgs vocab(long value);
        public native @Cast("int64_t") long logits_row_stride();
        public native LossArgs logits_row_stride(long value);
        public native @Cast("const void*") Pointer logits();
        public native LossArgs logits(@Cast("const void*") Pointer value);
        public native @Cast("const int64_t*") LongPointer targets();
        public native LossArgs targets(@Cast("const int64_t*") LongPointer value);
        public native Pointer grad();
        public native LossArgs grad(Pointer value);
        public native @Cast("int64_t") long grad_row_stride();
        public native LossArgs grad_row_stride(long value);
        public native FloatPointer loss();
        public native LossArgs loss(FloatPointer value);
        public native FloatPointer row_temperature();
        public native LossArgs row_temperature(FloatPointer value);
        public native FloatPointer row_entropy();
        public native LossArgs row_entropy(FloatPointer value);
        public native FloatPointer row_p_target();
        public native LossArgs row_p_target(FloatPointer value);
    }

    public static native void labo_loss_config_init(LossConfig config);

    public static native void labo_loss_args_init(LossArgs args);

    public static native int labo_loss_forward_backward(@Const LossConfig config, @Const LossArgs args);

    public static native @Cast("const char*") BytePointer labo_last_error();

    public static native int labo_built_with_cuda();

    public static native int labo_cuda_device_count();

    public static native @Cast("const char*") BytePointer labo_cpu_isa();

    public static native @Cast("const char*") BytePointer labo_version();
}
