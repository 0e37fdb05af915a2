// The validated form of one labo_loss_forward_backward call, handed to a backend (CPU or CUDA).
// api.cpp checks every argument before building it, so backends may trust its fields.
#ifndef LABO_SRC_LOSS_PROBLEM_H_
#define LABO_SRC_LOSS_PROBLEM_H_

#include <cstdint>

#include "labo/labo.h"

namespace labo {

struct LossProblem {
    // What to compute.
    labo_smoothing smoothing;
    labo_temperature_rule temperature_rule;
    float alpha;            // weight of r; 0 for cross-entropy
    float temperature;      // FIXED rule
    float budget_epsilon;   // BUDGET rule: epsilon = kappa * log(V - 1), in nats
    int64_t ignore_index;
    labo_reduction reduction;
    int num_threads;        // CPU only; 0 = runtime default
    int max_newton_iterations;

    // Operands.
    int device_index;
    void *stream;
    labo_target_errors target_errors;  // CUDA: report now or keep on the device
    labo_dtype dtype;
    int64_t rows;
    int64_t vocab;
    int64_t logits_row_stride;
    const void *logits;
    const int64_t *targets;
    void *grad;             // may alias logits
    int64_t grad_row_stride;
    float *loss;
    float *row_temperature;
    float *row_entropy;
    float *row_p_target;
};

// Default cap on Newton/bisection steps of the budget solve.
constexpr int kDefaultMaxNewtonIterations = 50;

// Backends. Each returns LABO_STATUS_OK or sets the thread's error message through set_error().
labo_status cpu_loss_forward_backward(const LossProblem &problem);
labo_status cuda_loss_forward_backward(const LossProblem &problem);
bool cuda_built();
int cuda_device_count();

// Records the message returned by labo_last_error() on this thread; returns `status`.
labo_status set_error(labo_status status, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

// The message of a target outside [0, vocab) that is not ignore_index, the same from every backend
// (callers match on it); `context` is appended ("" for none). Returns INVALID_ARGUMENT.
inline labo_status bad_target_error(int64_t row, int64_t target, int64_t vocab, int64_t ignore_index,
                                    const char *context = "") {
    return set_error(LABO_STATUS_INVALID_ARGUMENT, "targets[%lld] = %lld is outside [0, %lld) and is not ignore_index (%lld)%s",
                     static_cast<long long>(row), static_cast<long long>(target), static_cast<long long>(vocab),
                     static_cast<long long>(ignore_index), context);
}

}  // namespace labo

#endif  // LABO_SRC_LOSS_PROBLEM_H_
