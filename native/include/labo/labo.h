/*
 * labo4j native library: the C ABI.
 *
 * One entry point computes a label-regularized loss (cross-entropy, label smoothing, LABO) and
 * its gradient for logits [rows, vocab] in one fused sweep, on the CPU or on a CUDA device.
 * The mathematics is in shared/design/METHOD.md; every implementation computes exactly that.
 *
 * Contract:
 *  - Nothing here throws, aborts or exits. Every function returns a labo_status; on failure a
 *    message naming the argument and its value is available from labo_last_error() on the
 *    calling thread.
 *  - Arguments are checked before any kernel runs. Targets are checked too (outside [0, vocab)
 *    and not ignore_index is an error) on the CPU; on CUDA they are checked on the device, the
 *    call waits for that check alone (not for the loss kernels, which are queued behind it and
 *    write nothing after a bad target) and reports a bad one as LABO_STATUS_INVALID_ARGUMENT.
 *  - Indices are 64-bit throughout.
 */
#ifndef LABO_LABO_H_
#define LABO_LABO_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define LABO_API __declspec(dllexport)
#else
#define LABO_API __attribute__((visibility("default")))
#endif

typedef enum labo_status {
    LABO_STATUS_OK = 0,
    LABO_STATUS_INVALID_ARGUMENT = 1, /* a bad shape, value, pointer or target */
    LABO_STATUS_UNSUPPORTED = 2,      /* a combination this build does not implement */
    LABO_STATUS_NO_CUDA_DEVICE = 3,   /* CUDA requested, no driver or no device, or built without CUDA */
    LABO_STATUS_CUDA_ERROR = 4,       /* a CUDA launch or runtime error */
    LABO_STATUS_INTERNAL = 5          /* an allocation failure or a bug */
} labo_status;

typedef enum labo_dtype {
    LABO_DTYPE_FLOAT32 = 0,
    LABO_DTYPE_BFLOAT16 = 1,
    LABO_DTYPE_FLOAT16 = 2
} labo_dtype;

typedef enum labo_device_type {
    LABO_DEVICE_CPU = 0,
    LABO_DEVICE_CUDA = 1
} labo_device_type;

/* The smoothing distribution r of METHOD.md section 2. */
typedef enum labo_smoothing {
    LABO_SMOOTHING_NONE = 0,    /* cross-entropy: alpha is ignored */
    LABO_SMOOTHING_UNIFORM = 1, /* label smoothing: r uniform over all vocab classes */
    LABO_SMOOTHING_TEMPERED = 2 /* LABO: r = softmax over k != y of z_k / T */
} labo_smoothing;

/* How LABO's temperature T is chosen (METHOD.md section 3). */
typedef enum labo_temperature_rule {
    LABO_TEMPERATURE_FIXED = 0, /* T = temperature */
    LABO_TEMPERATURE_BUDGET = 1 /* per row, T such that KL(r || u_{-y}) = budget * log(vocab - 1) */
} labo_temperature_rule;

typedef enum labo_reduction {
    LABO_REDUCTION_NONE = 0, /* loss[rows]; gradient of each row's own loss */
    LABO_REDUCTION_MEAN = 1, /* loss[1]; mean over rows whose target is not ignore_index */
    LABO_REDUCTION_SUM = 2   /* loss[1] */
} labo_reduction;

/*
 * How a CUDA call reports a target outside [0, vocab) that is not ignore_index. Either way the call
 * then writes nothing (no loss, no gradient, in-place logits unchanged). The CPU always reports.
 */
typedef enum labo_target_errors {
    LABO_TARGET_ERRORS_REPORT = 0,  /* the call waits for its target check and returns INVALID_ARGUMENT;
                                       refused (INVALID_ARGUMENT) on a stream being captured */
    LABO_TARGET_ERRORS_DEFERRED = 1 /* the call never waits for the device, as capture in a CUDA graph
                                       needs; the first bad target is kept on the device for
                                       labo_cuda_take_target_error (labo_cuda.h) */
} labo_target_errors;

/* What to compute. Initialise with labo_loss_config_init(). */
typedef struct labo_loss_config {
    int32_t smoothing;        /* labo_smoothing */
    int32_t temperature_rule; /* labo_temperature_rule, used when smoothing is TEMPERED */
    double alpha;             /* weight of r in the target, in [0, 1) */
    double temperature;       /* T > 0 for the FIXED rule */
    double budget;            /* kappa in [0, 1] for the BUDGET rule */
    int64_t ignore_index;     /* rows with this target contribute nothing */
    int32_t reduction;        /* labo_reduction */
    int32_t num_threads;      /* CPU threads; 0 = the OpenMP runtime's current setting */
    int32_t max_newton_iterations; /* cap of the BUDGET solve; 0 = the library default */
    int32_t reserved;
} labo_loss_config;

/* The operands. Initialise with labo_loss_args_init(). Optional outputs are NULL when unwanted. */
typedef struct labo_loss_args {
    int32_t device_type;  /* labo_device_type */
    int32_t device_index; /* CUDA device ordinal; ignored on the CPU */
    void *stream;         /* cudaStream_t to run on (NULL = legacy default stream); CPU: ignored */
    int32_t dtype;        /* labo_dtype of logits and gradient */
    int32_t target_errors;/* labo_target_errors (CUDA) */
    int64_t rows;             /* N >= 0 */
    int64_t vocab;            /* V >= 2 */
    int64_t logits_row_stride;/* elements between rows, >= vocab; elements of a row are contiguous */
    const void *logits;       /* [rows, vocab] */
    const int64_t *targets;   /* [rows], contiguous */
    void *grad;               /* [rows, vocab] d loss / d logits, same dtype; may equal logits (in place); NULL: none */
    int64_t grad_row_stride;  /* elements between gradient rows, >= vocab */
    float *loss;              /* [1] for MEAN/SUM, [rows] for NONE; required */
    float *row_temperature;   /* [rows] T of each row (+inf for LS, NaN for CE and ignored rows); optional */
    float *row_entropy;       /* [rows] H(r) in nats (0 for CE); optional */
    float *row_p_target;      /* [rows] p_y = softmax(z)_y (NaN for ignored rows); optional */
} labo_loss_args;

LABO_API void labo_loss_config_init(labo_loss_config *config);
LABO_API void labo_loss_args_init(labo_loss_args *args);

/*
 * Computes the loss and, when args->grad is not NULL, its gradient:
 *   grad[i, k] = scale * (p_k - q_k), q = (1 - alpha) e_y + alpha r,
 * scale = 1 / (number of rows not ignored) for MEAN, 1 otherwise; ignored rows get 0.
 * On CUDA the call is asynchronous on args->stream, but for the wait for its target check
 * (none with LABO_TARGET_ERRORS_DEFERRED).
 */
LABO_API labo_status labo_loss_forward_backward(const labo_loss_config *config, const labo_loss_args *args);

/* The message of the last failed call on this thread ("" if none). Valid until the next call. */
LABO_API const char *labo_last_error(void);

/* 1 if this build contains the CUDA kernels, 0 otherwise. */
LABO_API int32_t labo_built_with_cuda(void);

/* Number of usable CUDA devices (0 without driver, device or CUDA build); never fails. */
LABO_API int32_t labo_cuda_device_count(void);

/* The instruction set the CPU kernel dispatched to: "avx512", "avx2" or "scalar". */
LABO_API const char *labo_cpu_isa(void);

/* Version string of the native library. */
LABO_API const char *labo_version(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LABO_LABO_H_ */
