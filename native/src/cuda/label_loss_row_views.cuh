// How a group of threads holds a row of logits across the passes of the fused kernels: in registers
// (RegisterRow, the warp path), in shared memory (SharedRow, the block-smem path, filled a row ahead
// by label_loss_smem_pipeline.cuh), or not at all (GlobalRow, the block-stream path: every pass
// reads the row again from global memory / L2).
// Each thread of a group owns the chunks c = rank, rank + size, ... of the row and only ever touches
// those (the gradient of a chunk is written by the thread that read it, so the gradient may alias
// the logits). load_pass() is the first pass (reads global memory and keeps the chunks on chip);
// pass() replays them. f(raw, c) receives the raw 16 bytes of chunk c. SharedRow has only pass():
// pipelined_smem_rows fills its slots itself, a row ahead.
#ifndef LABO_SRC_CUDA_LABEL_LOSS_ROW_VIEWS_CUH_
#define LABO_SRC_CUDA_LABEL_LOSS_ROW_VIEWS_CUH_

#include <cstdint>

#include "cuda_common.cuh"

namespace labo {
namespace cuda {
namespace label_loss {

// Loads U chunks before using them, for memory-level parallelism.
template <int U, class Load, class F>
__device__ __forceinline__ void strided_chunks(int64_t first, int64_t step, int64_t n, Load &&load, F &&f) {
    int64_t c = first;
    for (; c + (U - 1) * step < n; c += U * step) {
        uint4 raw[U];
#pragma unroll
        for (int u = 0; u < U; ++u) raw[u] = load(c + u * step);
#pragma unroll
        for (int u = 0; u < U; ++u) f(raw[u], c + u * step);
    }
    for (; c < n; c += step) f(load(c), c);
}

template <class Tr, int LANES, int CPT>
struct RegisterRow {
    using Storage = typename Tr::Storage;
    using Index = int;  // at most 32 x 8 chunks
    const Storage *row;
    RowGeometry<Tr, Index> geo;
    int rank;
    uint4 r[CPT];

    __device__ __forceinline__ RegisterRow(const Storage *row_, int64_t vocab, int rank_)
        : row(row_), geo(row_, static_cast<Index>(vocab)), rank(rank_) {}

    template <class F>
    __device__ __forceinline__ void load_pass(F &&f) {
#pragma unroll
        for (int j = 0; j < CPT; ++j) {
            const int c = rank + j * LANES;
            r[j] = c < geo.chunks ? load_chunk<Tr>(row, geo, c) : make_uint4(0u, 0u, 0u, 0u);
        }
        pass(f);
    }
    template <class F>
    __device__ __forceinline__ void pass(F &&f) {
#pragma unroll
        for (int j = 0; j < CPT; ++j) {
            const int c = rank + j * LANES;
            if (c < geo.chunks) f(r[j], c);
        }
    }
};

template <class Tr>
struct SharedRow {
    using Storage = typename Tr::Storage;
    using Index = int;  // a row that fits in shared memory
    const Storage *row;
    RowGeometry<Tr, Index> geo;
    int rank;
    int size;
    uint4 *chunks;  // shared memory, geo.chunks entries

    __device__ __forceinline__ SharedRow(const Storage *row_, int64_t vocab, int rank_, int size_, uint4 *chunks_)
        : row(row_), geo(row_, static_cast<Index>(vocab)), rank(rank_), size(size_), chunks(chunks_) {}

    // No load_pass(): pipelined_smem_rows fills the slots itself and runs pass 1 as they arrive.
    template <class F>
    __device__ __forceinline__ void pass(F &&f) {
        for (int c = rank; c < geo.chunks; c += size) f(chunks[c], c);
    }
};

template <class Tr>
struct GlobalRow {
    using Storage = typename Tr::Storage;
    using Index = int64_t;  // rows of any length
    const Storage *row;
    RowGeometry<Tr, Index> geo;
    int rank;
    int size;

    __device__ __forceinline__ GlobalRow(const Storage *row_, int64_t vocab, int rank_, int size_)
        : row(row_), geo(row_, vocab), rank(rank_), size(size_) {}

    template <class F>
    __device__ __forceinline__ void load_pass(F &&f) {
        pass(f);
    }
    template <class F>
    __device__ __forceinline__ void pass(F &&f) {
        strided_chunks<4>(
            rank, size, geo.chunks, [&](int64_t c) { return load_chunk<Tr>(row, geo, c); }, f);
    }
};

}  // namespace label_loss
}  // namespace cuda
}  // namespace labo

#endif  // LABO_SRC_CUDA_LABEL_LOSS_ROW_VIEWS_CUH_
