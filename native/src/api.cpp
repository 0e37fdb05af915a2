// The C ABI: argument checks, error reporting, and dispatch to the CPU or CUDA backend.
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "labo/labo.h"
#include "loss_problem.h"

#ifndef LABO_VERSION_STRING
#define LABO_VERSION_STRING "unknown"
#endif

namespace labo {
namespace cpu {
const char *selected_isa();
}

namespace {

thread_local char last_error[512] = "";

const char *smoothing_name(int32_t s) {
    switch (s) {
        case LABO_SMOOTHING_NONE: return "cross-entropy";
        case LABO_SMOOTHING_UNIFORM: return "label smoothing";
        case LABO_SMOOTHING_TEMPERED: return "LABO";
        default: return "?";
    }
}

labo_status invalid(const char *format, ...) __attribute__((format(printf, 1, 2)));
labo_status invalid(const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    std::vsnprintf(last_error, sizeof last_error, format, ap);
    va_end(ap);
    return LABO_STATUS_INVALID_ARGUMENT;
}

// Checks everything that can be checked without touching tensor memory and fills `out`.
labo_status validate(const labo_loss_config *c, const labo_loss_args *a, LossProblem *out) {
    if (c == nullptr) return invalid("config is NULL");
    if (a == nullptr) return invalid("args is NULL");

    if (c->smoothing < LABO_SMOOTHING_NONE || c->smoothing > LABO_SMOOTHING_TEMPERED)
        return invalid("smoothing = %d is not a labo_smoothing", c->smoothing);
    if (c->reduction < LABO_REDUCTION_NONE || c->reduction > LABO_REDUCTION_SUM)
        return invalid("reduction = %d is not a labo_reduction", c->reduction);
    const bool tempered = c->smoothing == LABO_SMOOTHING_TEMPERED;
    if (c->smoothing != LABO_SMOOTHING_NONE && !(c->alpha >= 0.0 && c->alpha < 1.0))
        return invalid("alpha = %g must be in [0, 1) for %s", c->alpha, smoothing_name(c->smoothing));
    if (tempered && c->temperature_rule != LABO_TEMPERATURE_FIXED && c->temperature_rule != LABO_TEMPERATURE_BUDGET)
        return invalid("temperature_rule = %d is not a labo_temperature_rule", c->temperature_rule);
    if (tempered && c->temperature_rule == LABO_TEMPERATURE_FIXED &&
        !(c->temperature > 0.0 && std::isfinite(c->temperature)))
        return invalid("temperature = %g must be finite and > 0", c->temperature);
    if (tempered && c->temperature_rule == LABO_TEMPERATURE_BUDGET && !(c->budget >= 0.0 && c->budget <= 1.0))
        return invalid("budget = %g must be in [0, 1]", c->budget);
    if (c->num_threads < 0) return invalid("num_threads = %d must be >= 0", c->num_threads);
    if (c->max_newton_iterations < 0)
        return invalid("max_newton_iterations = %d must be >= 0", c->max_newton_iterations);

    if (a->device_type != LABO_DEVICE_CPU && a->device_type != LABO_DEVICE_CUDA)
        return invalid("device_type = %d is not a labo_device_type", a->device_type);
    if (a->dtype < LABO_DTYPE_FLOAT32 || a->dtype > LABO_DTYPE_FLOAT16)
        return invalid("dtype = %d is not a labo_dtype (float32, bfloat16 or float16)", a->dtype);
    if (a->target_errors != LABO_TARGET_ERRORS_REPORT && a->target_errors != LABO_TARGET_ERRORS_DEFERRED)
        return invalid("target_errors = %d is not a labo_target_errors (report or deferred)", a->target_errors);
    if (a->rows < 0) return invalid("rows = %" PRId64 " must be >= 0", a->rows);
    if (a->vocab < 2) return invalid("vocab = %" PRId64 " must be >= 2", a->vocab);
    if (a->logits_row_stride < a->vocab)
        return invalid("logits_row_stride = %" PRId64 " must be >= vocab (%" PRId64 ")", a->logits_row_stride, a->vocab);
    if (a->rows > 0 && a->logits_row_stride > INT64_MAX / a->rows)
        return invalid("rows x logits_row_stride = %" PRId64 " x %" PRId64 " overflows 64-bit indexing", a->rows,
                       a->logits_row_stride);
    if (a->grad != nullptr) {
        if (a->grad_row_stride < a->vocab)
            return invalid("grad_row_stride = %" PRId64 " must be >= vocab (%" PRId64 ")", a->grad_row_stride, a->vocab);
        if (a->rows > 0 && a->grad_row_stride > INT64_MAX / a->rows)
            return invalid("rows x grad_row_stride overflows 64-bit indexing");
        if (a->grad == a->logits && a->grad_row_stride != a->logits_row_stride)
            return invalid("in-place gradient needs grad_row_stride (%" PRId64 ") == logits_row_stride (%" PRId64 ")",
                           a->grad_row_stride, a->logits_row_stride);
    }
    if (a->loss == nullptr) return invalid("loss is NULL");
    if (a->rows > 0 && a->logits == nullptr) return invalid("logits is NULL");
    if (a->rows > 0 && a->targets == nullptr) return invalid("targets is NULL");

    LossProblem &p = *out;
    p.smoothing = static_cast<labo_smoothing>(c->smoothing);
    p.temperature_rule = static_cast<labo_temperature_rule>(c->temperature_rule);
    p.alpha = c->smoothing == LABO_SMOOTHING_NONE ? 0.0f : static_cast<float>(c->alpha);
    p.temperature = static_cast<float>(c->temperature);
    p.budget_epsilon = static_cast<float>(c->budget * std::log(static_cast<double>(a->vocab - 1)));
    p.ignore_index = c->ignore_index;
    p.reduction = static_cast<labo_reduction>(c->reduction);
    p.num_threads = c->num_threads;
    p.max_newton_iterations = c->max_newton_iterations > 0 ? c->max_newton_iterations : kDefaultMaxNewtonIterations;
    p.device_index = a->device_index;
    p.stream = a->stream;
    p.target_errors = static_cast<labo_target_errors>(a->target_errors);
    p.dtype = static_cast<labo_dtype>(a->dtype);
    p.rows = a->rows;
    p.vocab = a->vocab;
    p.logits_row_stride = a->logits_row_stride;
    p.logits = a->logits;
    p.targets = a->targets;
    p.grad = a->grad;
    p.grad_row_stride = a->grad_row_stride;
    p.loss = a->loss;
    p.row_temperature = a->row_temperature;
    p.row_entropy = a->row_entropy;
    p.row_p_target = a->row_p_target;
    return LABO_STATUS_OK;
}

}  // namespace

labo_status set_error(labo_status status, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    std::vsnprintf(last_error, sizeof last_error, format, ap);
    va_end(ap);
    return status;
}

}  // namespace labo

extern "C" {

void labo_loss_config_init(labo_loss_config *config) {
    if (config == nullptr) return;
    *config = labo_loss_config{};
    config->smoothing = LABO_SMOOTHING_NONE;
    config->temperature_rule = LABO_TEMPERATURE_FIXED;
    config->alpha = 0.0;
    config->temperature = 1.0;
    config->budget = 0.0;
    config->ignore_index = -100;  // PyTorch's default
    config->reduction = LABO_REDUCTION_MEAN;
}

void labo_loss_args_init(labo_loss_args *args) {
    if (args == nullptr) return;
    *args = labo_loss_args{};
    args->device_type = LABO_DEVICE_CPU;
    args->dtype = LABO_DTYPE_FLOAT32;
}

labo_status labo_loss_forward_backward(const labo_loss_config *config, const labo_loss_args *args) {
    labo::last_error[0] = '\0';
    labo::LossProblem problem{};
    const labo_status status = labo::validate(config, args, &problem);
    if (status != LABO_STATUS_OK) return status;
    try {
        if (args->device_type == LABO_DEVICE_CUDA) return labo::cuda_loss_forward_backward(problem);
        return labo::cpu_loss_forward_backward(problem);
    } catch (...) {  // nothing may cross the C boundary
        return labo::set_error(LABO_STATUS_INTERNAL, "unexpected C++ exception in labo_loss_forward_backward");
    }
}

const char *labo_last_error(void) { return labo::last_error; }

int32_t labo_built_with_cuda(void) { return labo::cuda_built() ? 1 : 0; }

int32_t labo_cuda_device_count(void) { return labo::cuda_device_count(); }

const char *labo_cpu_isa(void) { return labo::cpu::selected_isa(); }

const char *labo_version(void) { return LABO_VERSION_STRING; }

}  // extern "C"
