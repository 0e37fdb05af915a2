// Deferred target errors (LABO_TARGET_ERRORS_DEFERRED): a call that does not wait for its target
// check leaves the first bad target it meets in a record of its device, in device memory, which
// labo_cuda_take_target_error reads and clears. One record per device, made on first use and kept
// until the process ends (a few bytes), so that calls captured in a CUDA graph find it made.
#ifndef LABO_SRC_CUDA_TARGET_ERROR_RECORD_CUH_
#define LABO_SRC_CUDA_TARGET_ERROR_RECORD_CUH_

#include "../loss_problem.h"

namespace labo {
namespace cuda {

struct TargetErrorRecord {
    unsigned long long taken;  // 0: empty; the first bad call sets it (atomicCAS) and fills the rest
    long long row;
    long long target;
    long long vocab;
    long long ignore_index;
};

// The record of `device`, which must be the current device; made and zeroed on first use, also
// when that use is a call being captured into a CUDA graph (the capture stays valid).
labo_status target_error_record(int device, TargetErrorRecord **out);

// Waits for all work on `device` (the current device), then reports and clears its record:
// INVALID_ARGUMENT naming the row and the target, or LABO_STATUS_OK when it is empty.
labo_status take_target_error(int device);

}  // namespace cuda
}  // namespace labo

#endif  // LABO_SRC_CUDA_TARGET_ERROR_RECORD_CUH_
