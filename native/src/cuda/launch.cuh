// The launch helpers of the CUDA kernel families, called by cuda_backend.cu.
// Each returns LABO_STATUS_OK or reports the failure through set_error().
#ifndef LABO_SRC_CUDA_LAUNCH_CUH_
#define LABO_SRC_CUDA_LAUNCH_CUH_

#include <cuda_runtime.h>

#include <cstdint>

#include "../loss_problem.h"
#include "target_error_record.cuh"

namespace labo {
namespace cuda {

// Device-side header of the per-call workspace (zeroed before the target check).
struct CallHeader {
    unsigned long long valid_rows;  // rows whose target is in [0, vocab) and not ignore_index
    unsigned long long bad_key;     // 0, or rows - (first row with a bad target)
};

// ---- target_check.cu --------------------------------------------------------------------------
// Counts valid targets into header->valid_rows and records the first target outside [0, vocab)
// that is not ignore_index into header->bad_key. `header` must be zeroed first.
labo_status launch_check_targets(const int64_t *targets, int64_t rows, int64_t vocab, int64_t ignore_index,
                                 CallHeader *header, cudaStream_t stream);

// After the check: when header->bad_key flags a bad target, copies it into `record` (the device's
// record of deferred target errors, target_error_record.cuh) unless that already holds one.
labo_status launch_record_target_error(const CallHeader *header, const int64_t *targets, int64_t rows, int64_t vocab,
                                       int64_t ignore_index, TargetErrorRecord *record, cudaStream_t stream);

// ---- label_loss.cu ----------------------------------------------------------------------------
// Operands and options of the fused loss/gradient kernels (already validated).
struct LossKernelParams {
    const void *logits;
    int64_t logits_stride;  // elements
    void *grad;             // may alias logits; nullptr: no gradient
    int64_t grad_stride;    // elements
    const int64_t *targets;
    int64_t rows;
    int64_t vocab;
    int64_t ignore_index;
    float *row_loss;  // [rows]: each row's own loss (0 for ignored rows)
    float *row_temperature;
    float *row_entropy;
    float *row_p_target;
    const unsigned long long *valid_rows;  // device; read for the MEAN scale
    const unsigned long long *refused;     // device; nonzero: a bad target, the kernel writes nothing
    int smoothing;                         // labo_smoothing
    int temperature_rule;                  // labo_temperature_rule
    int reduction;                         // labo_reduction
    int max_iterations;                    // budget solve cap (> 0)
    float alpha;                           // 0 for cross-entropy
    float temperature;                     // FIXED rule: T (reported)
    float beta_fixed;                      // FIXED rule: 1/T, finite
    float budget_epsilon;                  // BUDGET rule: epsilon in nats
};

// Picks the kernel for (dtype, vocab) and launches it on `stream` (the current device).
labo_status launch_label_loss(const LossKernelParams &params, labo_dtype dtype, int device, cudaStream_t stream);

// Exposed for tests and reports: which path a row of `vocab` elements of `dtype` takes on `device`.
// Returns a static string: "warp4x1" .. "warp32x8" (lanes x chunks per lane), "block-smem", "block-stream".
const char *label_loss_path(labo_dtype dtype, int64_t vocab, int device);
// Exposed for tests: the threads of a block of that path (0 if the device cannot be queried).
int label_loss_block_threads(labo_dtype dtype, int64_t vocab, int device);

// ---- loss_reduce.cu ---------------------------------------------------------------------------
// Maximum number of first-stage partials; the workspace holds that many doubles.
constexpr int kMaxReducePartials = 1024;

// loss[0] = sum of row_loss (MEAN: divided by header->valid_rows, 0 when there is none),
// accumulated in double, deterministically (fixed two-stage order); loss[0] is left as it was
// when header->bad_key flags a bad target.
labo_status launch_reduce_loss(const float *row_loss, int64_t rows, const CallHeader *header, int reduction,
                               double *partials, float *loss, cudaStream_t stream);

}  // namespace cuda
}  // namespace labo

#endif  // LABO_SRC_CUDA_LAUNCH_CUH_
