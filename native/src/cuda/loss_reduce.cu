// Reduction of the per-row losses to loss[0] for MEAN and SUM: a deterministic two-stage sum in
// double (fixed partition of the rows into blocks, fixed reduction trees), then the division by the
// number of valid rows for MEAN (0 rows: loss 0).
#include <cstdint>

#include "cuda_common.cuh"
#include "launch.cuh"

namespace labo {
namespace cuda {

namespace {

constexpr int kReduceThreads = 256;

__device__ __forceinline__ double block_sum(double v) {
    __shared__ double warp_sums[kReduceThreads / kWarpSize];
#pragma unroll
    for (int offset = kWarpSize / 2; offset > 0; offset >>= 1) v += __shfl_xor_sync(kFullMask, v, offset);
    const int lane = static_cast<int>(threadIdx.x) & (kWarpSize - 1);
    const int warp = static_cast<int>(threadIdx.x) / kWarpSize;
    if (lane == 0) warp_sums[warp] = v;
    __syncthreads();
    double total = 0.0;
    if (threadIdx.x == 0) {
        for (int w = 0; w < kReduceThreads / kWarpSize; ++w) total += warp_sums[w];
    }
    return total;  // valid in thread 0
}

// Block b sums rows b*blockDim + tid + j*(gridDim*blockDim) into partials[b].
__global__ void __launch_bounds__(kReduceThreads)
    sum_rows_kernel(const float *row_loss, int64_t rows, double *partials) {
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    double acc = 0.0;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows; i += stride) {
        acc += static_cast<double>(row_loss[i]);
    }
    const double total = block_sum(acc);
    if (threadIdx.x == 0) partials[blockIdx.x] = total;
}

__global__ void __launch_bounds__(kReduceThreads)
    finalize_loss_kernel(const double *partials, int count, const CallHeader *header, int reduction, float *loss) {
    double acc = 0.0;
    for (int i = static_cast<int>(threadIdx.x); i < count; i += kReduceThreads) acc += partials[i];
    const double total = block_sum(acc);
    if (threadIdx.x == 0 && header->bad_key == 0ull) {  // (a bad target: loss[0] stays as it was)
        double value = total;
        if (reduction == LABO_REDUCTION_MEAN) {
            const unsigned long long valid = header->valid_rows;
            value = valid > 0ull ? total / static_cast<double>(valid) : 0.0;
        }
        loss[0] = static_cast<float>(value);
    }
}

}  // namespace

labo_status launch_reduce_loss(const float *row_loss, int64_t rows, const CallHeader *header, int reduction,
                               double *partials, float *loss, cudaStream_t stream) {
    // About 8 rows per thread in the first stage, at most kMaxReducePartials blocks.
    int64_t blocks = (rows + 8 * kReduceThreads - 1) / (8 * kReduceThreads);
    if (blocks < 1) blocks = 1;
    if (blocks > kMaxReducePartials) blocks = kMaxReducePartials;
    sum_rows_kernel<<<static_cast<unsigned>(blocks), kReduceThreads, 0, stream>>>(row_loss, rows, partials);
    labo_status status = check_launch("sum_rows_kernel launch");
    if (status != LABO_STATUS_OK) return status;
    finalize_loss_kernel<<<1, kReduceThreads, 0, stream>>>(partials, static_cast<int>(blocks), header, reduction,
                                                           loss);
    return check_launch("finalize_loss_kernel launch");
}

}  // namespace cuda
}  // namespace labo
