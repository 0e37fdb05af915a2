"""ctypes binding of native/include/labo/labo.h and labo_cuda.h.

The two structs mirror the C declarations field for field (check_structs.py compares their sizes
and offsets with what the C compiler lays out). LaboLib wraps the entry points the GPU check uses.
"""
import ctypes

# labo_status
OK, INVALID_ARGUMENT, UNSUPPORTED, NO_CUDA_DEVICE, CUDA_ERROR, INTERNAL = range(6)
STATUS_NAMES = ["OK", "INVALID_ARGUMENT", "UNSUPPORTED", "NO_CUDA_DEVICE", "CUDA_ERROR", "INTERNAL"]
# labo_dtype
FLOAT32, BFLOAT16, FLOAT16 = 0, 1, 2
TARGET_ERRORS_REPORT, TARGET_ERRORS_DEFERRED = 0, 1
# labo_device_type
DEVICE_CPU, DEVICE_CUDA = 0, 1
# labo_smoothing
SMOOTHING_NONE, SMOOTHING_UNIFORM, SMOOTHING_TEMPERED = 0, 1, 2
# labo_temperature_rule
TEMPERATURE_FIXED, TEMPERATURE_BUDGET = 0, 1
# labo_reduction
REDUCTION_NONE, REDUCTION_MEAN, REDUCTION_SUM = 0, 1, 2

DEFAULT_IGNORE_INDEX = -100


class LossConfig(ctypes.Structure):
    _fields_ = [
        ("smoothing", ctypes.c_int32),
        ("temperature_rule", ctypes.c_int32),
        ("alpha", ctypes.c_double),
        ("temperature", ctypes.c_double),
        ("budget", ctypes.c_double),
        ("ignore_index", ctypes.c_int64),
        ("reduction", ctypes.c_int32),
        ("num_threads", ctypes.c_int32),
        ("max_newton_iterations", ctypes.c_int32),
        ("reserved", ctypes.c_int32),
    ]


class LossArgs(ctypes.Structure):
    _fields_ = [
        ("device_type", ctypes.c_int32),
        ("device_index", ctypes.c_int32),
        ("stream", ctypes.c_void_p),
        ("dtype", ctypes.c_int32),
        ("target_errors", ctypes.c_int32),
        ("rows", ctypes.c_int64),
        ("vocab", ctypes.c_int64),
        ("logits_row_stride", ctypes.c_int64),
        ("logits", ctypes.c_void_p),
        ("targets", ctypes.c_void_p),
        ("grad", ctypes.c_void_p),
        ("grad_row_stride", ctypes.c_int64),
        ("loss", ctypes.c_void_p),
        ("row_temperature", ctypes.c_void_p),
        ("row_entropy", ctypes.c_void_p),
        ("row_p_target", ctypes.c_void_p),
    ]


# A loss member of METHOD.md as the C ABI spells it: (smoothing, temperature_rule, alpha, T, kappa).
MEMBERS = {
    "CE": (SMOOTHING_NONE, TEMPERATURE_FIXED, 0.0, 1.0, 0.0),
    "LS": (SMOOTHING_UNIFORM, TEMPERATURE_FIXED, 0.1, 1.0, 0.0),
    "LABO-fixed": (SMOOTHING_TEMPERED, TEMPERATURE_FIXED, 0.1, 2.0, 0.0),
    "LABO-budget": (SMOOTHING_TEMPERED, TEMPERATURE_BUDGET, 0.1, 1.0, 0.5),
}


class LaboError(RuntimeError):
    def __init__(self, status, message):
        name = STATUS_NAMES[status] if 0 <= status < len(STATUS_NAMES) else str(status)
        super().__init__(f"{name}: {message}")
        self.status = status


class LaboLib:
    """liblabo.so loaded with ctypes; pointers are plain integers (data_ptr() of a tensor)."""

    def __init__(self, path):
        self.path = path
        lib = ctypes.CDLL(path)
        vp, i32, i64 = ctypes.c_void_p, ctypes.c_int32, ctypes.c_int64
        sig = {
            "labo_loss_config_init": (None, [ctypes.POINTER(LossConfig)]),
            "labo_loss_args_init": (None, [ctypes.POINTER(LossArgs)]),
            "labo_loss_forward_backward": (ctypes.c_int, [ctypes.POINTER(LossConfig), ctypes.POINTER(LossArgs)]),
            "labo_last_error": (ctypes.c_char_p, []),
            "labo_built_with_cuda": (i32, []),
            "labo_cuda_device_count": (i32, []),
            "labo_cpu_isa": (ctypes.c_char_p, []),
            "labo_version": (ctypes.c_char_p, []),
            "labo_cuda_device_name": (ctypes.c_int, [i32, ctypes.c_char_p, i32]),
            "labo_cuda_kernel_path": (ctypes.c_int, [i32, i32, i64, ctypes.POINTER(ctypes.c_char_p)]),
            "labo_cuda_time_copy": (ctypes.c_int, [i32, vp, vp, vp, i64, i32, i32, ctypes.POINTER(ctypes.c_float)]),
            "labo_cuda_time_loss": (ctypes.c_int, [ctypes.POINTER(LossConfig), ctypes.POINTER(LossArgs), i32, i32,
                                                   ctypes.POINTER(ctypes.c_float)]),
            "labo_cuda_take_target_error": (ctypes.c_int, [i32]),
        }
        for name, (restype, argtypes) in sig.items():
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = restype, argtypes
        self.lib = lib

    def version(self):
        return self.lib.labo_version().decode()

    def built_with_cuda(self):
        return self.lib.labo_built_with_cuda() == 1

    def cuda_device_count(self):
        return self.lib.labo_cuda_device_count()

    def cpu_isa(self):
        return self.lib.labo_cpu_isa().decode()

    def last_error(self):
        return self.lib.labo_last_error().decode()

    def check(self, status):
        if status != OK:
            raise LaboError(status, self.last_error())

    def config(self, member, reduction=REDUCTION_MEAN, ignore_index=DEFAULT_IGNORE_INDEX):
        smoothing, rule, alpha, temperature, budget = MEMBERS[member]
        c = LossConfig()
        self.lib.labo_loss_config_init(ctypes.byref(c))
        c.smoothing, c.temperature_rule, c.alpha = smoothing, rule, alpha
        c.temperature, c.budget = temperature, budget
        c.ignore_index, c.reduction = ignore_index, reduction
        return c

    def args(self, device_type, dtype, rows, vocab, logits, targets, loss, grad=None, stream=None,
             row_temperature=None, row_entropy=None, row_p_target=None, device_index=0,
             target_errors=TARGET_ERRORS_REPORT):
        a = LossArgs()
        self.lib.labo_loss_args_init(ctypes.byref(a))
        a.device_type, a.device_index, a.stream, a.dtype = device_type, device_index, stream, dtype
        a.target_errors = target_errors
        a.rows, a.vocab, a.logits_row_stride = rows, vocab, vocab
        a.logits, a.targets, a.loss = logits, targets, loss
        if grad is not None:
            a.grad, a.grad_row_stride = grad, vocab
        a.row_temperature, a.row_entropy, a.row_p_target = row_temperature, row_entropy, row_p_target
        return a

    def forward_backward_status(self, config, args):
        return self.lib.labo_loss_forward_backward(ctypes.byref(config), ctypes.byref(args))

    def forward_backward(self, config, args):
        self.check(self.forward_backward_status(config, args))

    def take_target_error_status(self, device=0):
        """labo_cuda_take_target_error: the first bad target of deferred calls since the last take."""
        return self.lib.labo_cuda_take_target_error(device)

    def device_name(self, device=0):
        buf = ctypes.create_string_buffer(256)
        self.check(self.lib.labo_cuda_device_name(device, buf, 256))
        return buf.value.decode()

    def kernel_path(self, dtype, vocab, device=0):
        out = ctypes.c_char_p()
        self.check(self.lib.labo_cuda_kernel_path(device, dtype, vocab, ctypes.byref(out)))
        return out.value.decode()

    def time_copy(self, dst, src, nbytes, warmup, repeats, stream=None, device=0):
        times = (ctypes.c_float * repeats)()
        self.check(self.lib.labo_cuda_time_copy(device, stream, dst, src, nbytes, warmup, repeats, times))
        return list(times)

    def time_loss(self, config, args, warmup, repeats):
        times = (ctypes.c_float * repeats)()
        self.check(self.lib.labo_cuda_time_loss(ctypes.byref(config), ctypes.byref(args), warmup, repeats, times))
        return list(times)
