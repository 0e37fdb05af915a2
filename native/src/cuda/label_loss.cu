// The fused label-regularized loss kernels (METHOD.md): cross-entropy, label smoothing and LABO
// (fixed or budget temperature), forward and backward in one sweep over each row of logits.
//
// One row is processed by one group of threads that keeps the row on chip from the first read of
// the logits to the gradient write:
//   - warp path   : a group of 4..32 lanes of one warp per row, the row in registers
//                   (up to 8 16-byte chunks per lane: V <= ~1020 fp32, ~2040 bf16/fp16);
//   - block-smem  : a block per row at a time, the row in dynamic shared memory in its own dtype
//                   (up to the device's opt-in limit: ~57K fp32 / ~115K bf16 on an H100);
//                   persistent blocks that copy the next row in (cp.async) and run its pass 1
//                   while writing the current row's gradient (pipelined_smem_rows);
//   - block-stream: a block per row for longer rows; every pass re-reads the row from global
//                   memory (L2), the result is the same.
// The row algorithm (process_row) is written once against a "row view" (RegisterRow, SharedRow,
// GlobalRow) and a thread "group" (WarpGroup, BlockGroup). A row is read as 16-byte chunks laid
// on the aligned 16-byte grid of its own address, so any row start or stride gets vector loads
// (only the first and last chunk of a row can be partial and use element loads).
//
// Passes over a row: (1) max, online sum of exp, z_y and, as the loss needs them, sums of z and
// z^2, the non-targets' min and, for LABO at a fixed T, its tempered sums (LABO: max and sums over
// the non-targets, online, the target added after the group reduction); (2) the budget rule only:
// tempered sums at beta = 1/T, one pass per Halley/bisection step but the last; (3) the gradient
// write. Accumulation is in fp32 (the tempered sums: fp32 within a 16-byte chunk, fp64 across
// chunks and threads).
// The instructions issued per element bounded these kernels once (Nsight Compute on an H200), so
// the chunks that hold neither a row end nor the target, all but one or two per row, skip the
// per-element tests, chunk indices inside a row are 32-bit where the row is short by construction,
// and what depends only on the loss (pass 1's options, the gradient's kind) is a template argument.
// What bounds the shared-memory path now is time between rows with nothing in flight (the last
// chunks' latency, the reduction, the solve): bench/results/gpu-2026-11-27-h200-*/README.md.
//
// This file holds the kernels, the choice of path and the launch; the parts of the row algorithm:
//   label_loss_row_views.cuh      RegisterRow, SharedRow, GlobalRow
//   label_loss_stats.cuh          pass 1: per-thread statistics, their group reduction
//   label_loss_tempered.cuh       LABO's r: tempered sums, the fixed-T constants, the budget solve
//   label_loss_gradient.cuh       the gradient pass
//   label_loss_row.cuh            one row start to end (process_row, solve_row)
//   label_loss_smem_pipeline.cuh  the block-smem path's pipelined row loop
// Their CPU twin is native/src/cpu/loss_rows.cpp; the CUDA emulator's tests
// (native/tests/cuda_emulator/) run these kernels on the CPU against an fp64 reference.
#include <climits>
#include <cstdint>
#include <type_traits>

#include "cuda_common.cuh"
#include "label_loss_row.cuh"
#include "label_loss_row_views.cuh"
#include "label_loss_smem_pipeline.cuh"
#include "launch.cuh"

namespace labo {
namespace cuda {
namespace label_loss {
namespace {

// ---------------------------------------------------------------------------------------------
// Kernels.
// ---------------------------------------------------------------------------------------------

constexpr int kWarpPathThreads = 256;
constexpr int kMaxBlockThreads = 1024;

template <class Tr, class Options, int LANES, int CPT>
__global__ void __launch_bounds__(kWarpPathThreads) label_loss_warp_kernel(const LossKernelParams p) {
    if (call_refused(p)) return;
    const WarpGroup<LANES> g;
    const float scale = gradient_scale(p);
    const float tscale = tempered_exponent_scale(p.beta_fixed);
    const int64_t rows_per_block = kWarpPathThreads / LANES;
    const int64_t slot = threadIdx.x / LANES;
    for (int64_t row = blockIdx.x * rows_per_block + slot; row < p.rows; row += gridDim.x * rows_per_block) {
        const auto *lrow = static_cast<const typename Tr::Storage *>(p.logits) + row * p.logits_stride;
        RegisterRow<Tr, LANES, CPT> view(lrow, p.vocab, g.rank);
        process_row<Tr, Options>(p, row, scale, tscale, g, view);
    }
}

// Block shape of the smem path. The chunk arithmetic is what limits these kernels, so the
// multiprocessor wants as many warps as it holds (64 registers a thread): fp32 rows, whose shared
// memory lets one block fit at the headline sizes, take 1024 threads; 16-bit rows, half as large,
// take two blocks of 512 (the largest blocks; choose_path halves them where shared memory holds
// more rows than that). Measured on an H200 (bench/results/gpu-2026-11-27-h200/compare_builds.md).
// Build-time settings for tuning experiments (bench/gpu/pack-variants.sh, compare_builds.py).
#ifndef LABO_SMEM_PATH_THREADS_32BIT
#define LABO_SMEM_PATH_THREADS_32BIT 1024
#endif
#ifndef LABO_SMEM_PATH_MIN_BLOCKS_32BIT
#define LABO_SMEM_PATH_MIN_BLOCKS_32BIT 1
#endif
#ifndef LABO_SMEM_PATH_THREADS_16BIT
#define LABO_SMEM_PATH_THREADS_16BIT 512
#endif
#ifndef LABO_SMEM_PATH_MIN_BLOCKS_16BIT
#define LABO_SMEM_PATH_MIN_BLOCKS_16BIT 2
#endif
// Whether choose_path's halved blocks then grow back, in whole warps, to fill the register budget
// for the rows that shared memory holds: bf16 at V = 32000 would run 3 blocks of 320 threads (30
// warps a multiprocessor) instead of 3 of 256 (24), fp32 at V = 8192 6 of 160 instead of 6 of 128.
// Off until timed on a GPU (bench/gpu/pack-variants.sh); the CUDA emulator's build turns it on, so
// that blocks whose size is not a power of two are checked there.
#ifndef LABO_SMEM_PATH_FILL_WARPS
#define LABO_SMEM_PATH_FILL_WARPS 0
#endif
constexpr int smem_path_max_threads(int vec) { return vec == 4 ? LABO_SMEM_PATH_THREADS_32BIT : LABO_SMEM_PATH_THREADS_16BIT; }
constexpr int smem_path_min_blocks(int vec) { return vec == 4 ? LABO_SMEM_PATH_MIN_BLOCKS_32BIT : LABO_SMEM_PATH_MIN_BLOCKS_16BIT; }

template <class Tr, class Options>
__global__ void __launch_bounds__(smem_path_max_threads(Tr::kVec), smem_path_min_blocks(Tr::kVec))
    label_loss_block_smem_kernel(const LossKernelParams p) {
    if (call_refused(p)) return;
#ifdef LABO_SMEM_PATH_STAGGER_NS
    // Tuning experiment: the second half of the grid starts late, so that two blocks sharing a
    // multiprocessor reach their per-row pauses (reduction, solve) at different times.
    if (blockIdx.x >= gridDim.x / 2) __nanosleep(LABO_SMEM_PATH_STAGGER_NS);
#endif
    extern __shared__ __align__(16) unsigned char dynamic_smem[];
    const BlockGroup g(dynamic_smem);
    uint4 *slots = reinterpret_cast<uint4 *>(dynamic_smem + kReduceScratchBytes);
    const float scale = gradient_scale(p);
    const float tscale = tempered_exponent_scale(p.beta_fixed);
    pipelined_smem_rows<Tr, Options>(p, scale, tscale, g, slots);
}

template <class Tr, class Options>
__global__ void __launch_bounds__(kMaxBlockThreads) label_loss_block_stream_kernel(const LossKernelParams p) {
    if (call_refused(p)) return;
    extern __shared__ __align__(16) unsigned char dynamic_smem[];
    const BlockGroup g(dynamic_smem);
    const float scale = gradient_scale(p);
    const float tscale = tempered_exponent_scale(p.beta_fixed);
    for (int64_t row = blockIdx.x; row < p.rows; row += gridDim.x) {
        const auto *lrow = static_cast<const typename Tr::Storage *>(p.logits) + row * p.logits_stride;
        GlobalRow<Tr> view(lrow, p.vocab, g.rank, g.size());
        process_row<Tr, Options>(p, row, scale, tscale, g, view);
    }
}

// ---------------------------------------------------------------------------------------------
// Path selection and launch.
// ---------------------------------------------------------------------------------------------

enum class PathKind { kWarp, kBlockShared, kBlockStream };

struct Path {
    PathKind kind = PathKind::kWarp;
    int lanes = 32;         // warp path
    int chunks_per_lane = 1;  // warp path
    int threads = kWarpPathThreads;
    size_t smem = 0;
};

constexpr int kWarpPathMaxChunksPerLane = 8;
// Shared memory the driver reserves per resident block (sm_80 and later), on top of the kernel's.
constexpr int64_t kDriverSharedMemoryPerBlock = 1024;

int pow2_ceil(int64_t v) {
    int r = 1;
    while (r < v && r < (1 << 30)) r <<= 1;
    return r;
}

labo_status choose_path(int vec, int64_t vocab, int device, Path *path) {
    // Chunks of a row for the worst phase (vec - 1).
    const int64_t max_chunks = (vocab + 2 * vec - 2) / vec;
    if (max_chunks <= static_cast<int64_t>(kWarpSize) * kWarpPathMaxChunksPerLane) {
        path->kind = PathKind::kWarp;
        path->threads = kWarpPathThreads;
        path->smem = 0;
        if (max_chunks <= kWarpSize) {
            path->lanes = max_chunks <= 4 ? 4 : max_chunks <= 8 ? 8 : max_chunks <= 16 ? 16 : 32;
            path->chunks_per_lane = 1;
        } else {
            path->lanes = kWarpSize;
            path->chunks_per_lane = max_chunks <= 2 * kWarpSize ? 2 : max_chunks <= 4 * kWarpSize ? 4 : 8;
        }
        return LABO_STATUS_OK;
    }
    int optin = 0;
    const cudaError_t error = cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device);
    if (error != cudaSuccess) return report_cuda_error(error, "cudaDeviceGetAttribute(MaxSharedMemoryPerBlockOptin)");
    const int64_t smem = kReduceScratchBytes + max_chunks * 16;
    if (smem <= optin) {
        path->kind = PathKind::kBlockShared;
        // About 8 chunks per thread, from 128 threads up to the dtype's block size.
        const int64_t want = pow2_ceil((max_chunks + 7) / 8);
        const int most = smem_path_max_threads(vec);
        int threads = static_cast<int>(want < 128 ? 128 : want > most ? most : want);
        // Where shared memory holds more rows than the register budget (the launch bounds' threads
        // per multiprocessor) has room for in blocks of this size, halve the blocks: more rows
        // resident at once, so that one block's pause between its rows (the last chunks' latency,
        // the reduction, the solve) is covered by more others. bf16 at V = 32000 on an H200: 3 blocks
        // of 256 instead of 2 of 512, LS 1.40x -> 1.27x the copy (bench/results/gpu-2026-11-27-h200-6f0e246).
        int per_sm = 0;
        const cudaError_t sm_error = cudaDeviceGetAttribute(&per_sm, cudaDevAttrMaxSharedMemoryPerMultiprocessor, device);
        if (sm_error != cudaSuccess) {
            return report_cuda_error(sm_error, "cudaDeviceGetAttribute(MaxSharedMemoryPerMultiprocessor)");
        }
        const int64_t rows_per_sm = per_sm / (smem + kDriverSharedMemoryPerBlock);
        const int64_t thread_budget = static_cast<int64_t>(most) * smem_path_min_blocks(vec);
        while (threads > 128 && rows_per_sm * threads > thread_budget) threads /= 2;
        if (LABO_SMEM_PATH_FILL_WARPS && rows_per_sm > 0) {
            const int64_t fill = thread_budget / rows_per_sm / kWarpSize * kWarpSize;
            const int64_t cap = want > most ? most : want;
            if (fill > threads) threads = static_cast<int>(fill < cap ? fill : cap);
        }
        path->threads = threads;
        path->smem = static_cast<size_t>(smem);
    } else {
        path->kind = PathKind::kBlockStream;
        path->threads = kMaxBlockThreads;
        path->smem = kReduceScratchBytes;
    }
    return LABO_STATUS_OK;
}

unsigned grid_for(int64_t groups) {
    return static_cast<unsigned>(groups < 1 ? 1 : groups > INT_MAX ? INT_MAX : groups);
}

template <class Tr, class Options, int LANES, int CPT>
labo_status launch_warp(const LossKernelParams &p, cudaStream_t stream) {
    const int64_t rows_per_block = kWarpPathThreads / LANES;
    const unsigned grid = grid_for((p.rows + rows_per_block - 1) / rows_per_block);
    label_loss_warp_kernel<Tr, Options, LANES, CPT><<<grid, kWarpPathThreads, 0, stream>>>(p);
    return check_launch("label_loss_warp_kernel launch");
}

template <class Tr, class Options>
labo_status launch_path(const LossKernelParams &p, const Path &path, int device, cudaStream_t stream) {
    switch (path.kind) {
        case PathKind::kWarp:
            if (path.lanes == 4) return launch_warp<Tr, Options, 4, 1>(p, stream);
            if (path.lanes == 8) return launch_warp<Tr, Options, 8, 1>(p, stream);
            if (path.lanes == 16) return launch_warp<Tr, Options, 16, 1>(p, stream);
            if (path.chunks_per_lane == 1) return launch_warp<Tr, Options, 32, 1>(p, stream);
            if (path.chunks_per_lane == 2) return launch_warp<Tr, Options, 32, 2>(p, stream);
            if (path.chunks_per_lane == 4) return launch_warp<Tr, Options, 32, 4>(p, stream);
            return launch_warp<Tr, Options, 32, 8>(p, stream);
        case PathKind::kBlockShared: {
            if (path.smem > 48 * 1024) {
                const cudaError_t error =
                    cudaFuncSetAttribute(label_loss_block_smem_kernel<Tr, Options>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                         static_cast<int>(path.smem));
                if (error != cudaSuccess) {
                    return report_cuda_error(error, "cudaFuncSetAttribute(MaxDynamicSharedMemorySize)");
                }
            }
            // Persistent blocks: as many as are resident at once, each looping over its rows.
            int per_sm = 0;
            int sms = 0;
            cudaError_t error = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, label_loss_block_smem_kernel<Tr, Options>,
                                                                              path.threads, path.smem);
            if (error != cudaSuccess) return report_cuda_error(error, "cudaOccupancyMaxActiveBlocksPerMultiprocessor");
            error = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
            if (error != cudaSuccess) return report_cuda_error(error, "cudaDeviceGetAttribute(MultiProcessorCount)");
            const int64_t resident = static_cast<int64_t>(per_sm < 1 ? 1 : per_sm) * (sms < 1 ? 1 : sms);
            const unsigned grid = grid_for(p.rows < resident ? p.rows : resident);
            label_loss_block_smem_kernel<Tr, Options><<<grid, path.threads, path.smem, stream>>>(p);
            return check_launch("label_loss_block_smem_kernel launch");
        }
        case PathKind::kBlockStream:
            label_loss_block_stream_kernel<Tr, Options><<<grid_for(p.rows), path.threads, path.smem, stream>>>(p);
            return check_launch("label_loss_block_stream_kernel launch");
    }
    return set_error(LABO_STATUS_INTERNAL, "label_loss: unknown kernel path");
}

// The kernels of the call's loss, on the path its row length takes.
template <class Tr>
labo_status launch_typed(const LossKernelParams &p, int device, cudaStream_t stream) {
    Path path;
    const labo_status status = choose_path(Tr::kVec, p.vocab, device, &path);
    if (status != LABO_STATUS_OK) return status;
    if (p.smoothing == LABO_SMOOTHING_NONE) return launch_path<Tr, CrossEntropyLoss>(p, path, device, stream);
    if (p.smoothing == LABO_SMOOTHING_UNIFORM) return launch_path<Tr, UniformLoss>(p, path, device, stream);
    if (p.temperature_rule == LABO_TEMPERATURE_FIXED) return launch_path<Tr, TemperedFixedLoss>(p, path, device, stream);
    return launch_path<Tr, TemperedBudgetLoss>(p, path, device, stream);
}

int vec_of(labo_dtype dtype) { return dtype == LABO_DTYPE_FLOAT32 ? Float32Traits::kVec : BFloat16Traits::kVec; }

}  // namespace
}  // namespace label_loss

labo_status launch_label_loss(const LossKernelParams &params, labo_dtype dtype, int device, cudaStream_t stream) {
    if (params.rows <= 0) return LABO_STATUS_OK;
    switch (dtype) {
        case LABO_DTYPE_FLOAT32:
            return label_loss::launch_typed<Float32Traits>(params, device, stream);
        case LABO_DTYPE_BFLOAT16:
            return label_loss::launch_typed<BFloat16Traits>(params, device, stream);
        case LABO_DTYPE_FLOAT16:
            return label_loss::launch_typed<Float16Traits>(params, device, stream);
    }
    return set_error(LABO_STATUS_UNSUPPORTED, "dtype %d is not supported by the CUDA backend", static_cast<int>(dtype));
}

int label_loss_block_threads(labo_dtype dtype, int64_t vocab, int device) {
    label_loss::Path path;
    return label_loss::choose_path(label_loss::vec_of(dtype), vocab, device, &path) == LABO_STATUS_OK ? path.threads : 0;
}

const char *label_loss_path(labo_dtype dtype, int64_t vocab, int device) {
    label_loss::Path path;
    if (label_loss::choose_path(label_loss::vec_of(dtype), vocab, device, &path) != LABO_STATUS_OK) return "unknown";
    switch (path.kind) {
        case label_loss::PathKind::kWarp: {
            static const char *const names[] = {"warp4x1", "warp8x1", "warp16x1", "warp32x1",
                                                "warp32x2", "warp32x4", "warp32x8"};
            if (path.lanes == 4) return names[0];
            if (path.lanes == 8) return names[1];
            if (path.lanes == 16) return names[2];
            return path.chunks_per_lane == 1 ? names[3]
                   : path.chunks_per_lane == 2 ? names[4]
                   : path.chunks_per_lane == 4 ? names[5]
                                               : names[6];
        }
        case label_loss::PathKind::kBlockShared:
            return "block-smem";
        case label_loss::PathKind::kBlockStream:
            return "block-stream";
    }
    return "unknown";
}

}  // namespace cuda
}  // namespace labo
