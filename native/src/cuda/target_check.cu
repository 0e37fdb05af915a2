// Target check: counts the rows that take part in the loss (for the MEAN scale) and records the
// first target outside [0, vocab) that is not ignore_index. Reads only the targets. For calls with
// deferred target errors, the hand-over of that first bad target to the device's record.
#include <cstdint>

#include "cuda_common.cuh"
#include "launch.cuh"

namespace labo {
namespace cuda {

namespace {

constexpr int kCheckThreads = 256;
constexpr int64_t kCheckMaxBlocks = 1024;

__global__ void __launch_bounds__(kCheckThreads)
    check_targets_kernel(const int64_t *targets, int64_t rows, int64_t vocab, int64_t ignore_index, CallHeader *header) {
    unsigned long long valid = 0ull;
    unsigned long long bad_key = 0ull;  // rows - i of the first bad row i seen by this thread
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows; i += stride) {
        const int64_t t = targets[i];
        if (t == ignore_index) continue;
        if (t >= 0 && t < vocab) {
            ++valid;
        } else if (bad_key == 0ull) {
            bad_key = static_cast<unsigned long long>(rows - i);
        }
    }
#pragma unroll
    for (int offset = kWarpSize / 2; offset > 0; offset >>= 1) {
        valid += __shfl_xor_sync(kFullMask, valid, offset);
        const unsigned long long other = __shfl_xor_sync(kFullMask, bad_key, offset);
        bad_key = other > bad_key ? other : bad_key;
    }
    __shared__ unsigned long long warp_valid[kCheckThreads / kWarpSize];
    __shared__ unsigned long long warp_bad[kCheckThreads / kWarpSize];
    const int lane = static_cast<int>(threadIdx.x) & (kWarpSize - 1);
    const int warp = static_cast<int>(threadIdx.x) / kWarpSize;
    if (lane == 0) {
        warp_valid[warp] = valid;
        warp_bad[warp] = bad_key;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        unsigned long long block_valid = 0ull, block_bad = 0ull;
        for (int w = 0; w < kCheckThreads / kWarpSize; ++w) {
            block_valid += warp_valid[w];
            block_bad = warp_bad[w] > block_bad ? warp_bad[w] : block_bad;
        }
        if (block_valid != 0ull) atomicAdd(&header->valid_rows, block_valid);
        if (block_bad != 0ull) atomicMax(&header->bad_key, block_bad);
    }
}

// One thread: a call's first bad target, if any, into the device's record, unless the record
// already holds an earlier one.
__global__ void record_target_error_kernel(const CallHeader *header, const int64_t *targets, int64_t rows,
                                           int64_t vocab, int64_t ignore_index, TargetErrorRecord *record) {
    const unsigned long long bad_key = header->bad_key;
    if (bad_key == 0ull) return;
    if (atomicCAS(&record->taken, 0ull, 1ull) != 0ull) return;
    const int64_t row = rows - static_cast<int64_t>(bad_key);
    record->row = row;
    record->target = targets[row];
    record->vocab = vocab;
    record->ignore_index = ignore_index;
}

}  // namespace

labo_status launch_record_target_error(const CallHeader *header, const int64_t *targets, int64_t rows, int64_t vocab,
                                       int64_t ignore_index, TargetErrorRecord *record, cudaStream_t stream) {
    record_target_error_kernel<<<1, 1, 0, stream>>>(header, targets, rows, vocab, ignore_index, record);
    return check_launch("record_target_error_kernel launch");
}

labo_status launch_check_targets(const int64_t *targets, int64_t rows, int64_t vocab, int64_t ignore_index,
                                 CallHeader *header, cudaStream_t stream) {
    if (rows <= 0) return LABO_STATUS_OK;
    int64_t blocks = (rows + kCheckThreads - 1) / kCheckThreads;
    if (blocks > kCheckMaxBlocks) blocks = kCheckMaxBlocks;
    check_targets_kernel<<<static_cast<unsigned>(blocks), kCheckThreads, 0, stream>>>(targets, rows, vocab,
                                                                                      ignore_index, header);
    return check_launch("check_targets_kernel launch");
}

}  // namespace cuda
}  // namespace labo
