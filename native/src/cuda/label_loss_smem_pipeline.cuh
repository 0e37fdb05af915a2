// The block-smem path's row loop: persistent blocks that write a row's gradient from shared memory
// while they copy the next row into the slots it frees (cp.async) and run its pass 1.
#ifndef LABO_SRC_CUDA_LABEL_LOSS_SMEM_PIPELINE_CUH_
#define LABO_SRC_CUDA_LABEL_LOSS_SMEM_PIPELINE_CUH_

#include <cstdint>
#include <type_traits>

#include "cuda_common.cuh"
#include "label_loss_gradient.cuh"
#include "label_loss_row.cuh"
#include "label_loss_row_views.cuh"
#include "label_loss_stats.cuh"
#include "launch.cuh"

namespace labo {
namespace cuda {
namespace label_loss {

// The block-smem path's row loop. A block is resident for several rows (grid = as many blocks
// as fit on the device at once) and keeps the next row's load in flight while it works on the
// current one: in the gradient sweep of row i each thread, right after writing its gradient
// chunk c from shared memory, starts the asynchronous copy of its chunk c of row i + 1 into the
// same slot, and a few chunks later, once that copy has landed, folds it into row i + 1's pass-1
// statistics. Row i + 1's first pass thus runs while the memory system is busy with row i's
// gradient and row i + 1's logits, instead of after them with nothing in flight; what is left
// between two gradient sweeps is the statistics' reduction and the row's solve. A thread only
// ever touches its own slots (c = rank, rank + size, ...), so the pipeline needs no barriers
// beyond the reductions'.
template <class Tr>
__device__ __forceinline__ void start_chunk_load(uint4 *slot, const SharedRow<Tr> &view, int c) {
    if (view.geo.full(c)) {
        async_copy_16(slot, view.row + view.geo.first(c));
    } else {
        *slot = load_chunk<Tr>(view.row, view.geo, c);
    }
}

// How many of a thread's chunks behind its newest copy the fused sweep reads the next row: each
// chunk's copy is one cp.async group, and a chunk is folded into the statistics once at most
// this many newer groups are in flight. More hides more latency and keeps more bytes in flight
// (1024 threads x 16 bytes per step); the chunks still in flight at the end of the sweep are
// folded after it. A build-time setting for tuning experiments (bench/gpu/pack-variants.sh).
#ifndef LABO_SMEM_PATH_STATS_LAG
#define LABO_SMEM_PATH_STATS_LAG 4
#endif
constexpr int kStatsLag = LABO_SMEM_PATH_STATS_LAG;
static_assert(kStatsLag >= 1 && kStatsLag <= 7, "LABO_SMEM_PATH_STATS_LAG: 1 to 7 chunks");

// Row i's gradient sweep (its first grad_chunks chunks; 0: no gradient) fused with the copy of
// the first next_chunks chunks of row i + 1 (`next`) into the slots it frees and with row i + 1's
// pass 1 over them, into this thread's `next_stats` (not yet reduced over the group; `tscale`:
// fixed-T LABO's exponent scale).
template <GradientKind kKind, class Options, class Tr>
__device__ __forceinline__ void write_gradient_and_prefetch(const GradientRule &rule, const SharedRow<Tr> &view,
                                                            const RowTarget<int> &target, typename Tr::Storage *grow,
                                                            bool same_phase, int grad_chunks,
                                                            const SharedRow<Tr> &next, int next_chunks,
                                                            const RowTarget<int> &next_target, float tscale,
                                                            ThreadStats &next_stats) {
    const int n = grad_chunks > next_chunks ? grad_chunks : next_chunks;
    // Chunks full in both rows, with a gradient to store as one vector and a next row to load, and
    // not the target's: all but a few, taken by one straight path without per-element tests.
    const bool both = same_phase && grad_chunks > 0 && next_chunks > 0;
    const int fast_begin = view.geo.full_begin > next.geo.full_begin ? view.geo.full_begin : next.geo.full_begin;
    const int full_end = view.geo.full_end < next.geo.full_end ? view.geo.full_end : next.geo.full_end;
    const unsigned fast_count = both && full_end > fast_begin ? static_cast<unsigned>(full_end - fast_begin) : 0u;
    const int lag_stride = kStatsLag * view.size;
    int c = view.rank;
    for (; c < n; c += view.size) {
        if (static_cast<unsigned>(c - fast_begin) < fast_count && c != target.chunk) {
            float gk[Tr::kVec];
            gradient_chunk<kKind, Tr>(rule, view.chunks[c], view.geo, c, target, gk);
            store_chunk<Tr>(grow, view.geo, c, true, gk);
            async_copy_16(&view.chunks[c], next.row + next.geo.first(c));
        } else {
            if (c < grad_chunks) {
                float gk[Tr::kVec];
                gradient_chunk<kKind, Tr>(rule, view.chunks[c], view.geo, c, target, gk);
                store_chunk<Tr>(grow, view.geo, c, same_phase && view.geo.full(c), gk);
            }
            if (c < next_chunks) start_chunk_load<Tr>(&view.chunks[c], next, c);
        }
        async_copy_commit();
        const int ready = c - lag_stride;  // this thread's chunk kStatsLag copies back
        if (ready >= 0) {
            async_copy_wait_pending<kStatsLag>();
            if (ready < next_chunks) {
                accumulate_stats<Tr, Options>(next_stats, tscale, view.chunks[ready], next.geo, ready, next_target);
            }
        }
    }
    async_copy_wait_all();
    for (int ready = c - lag_stride > view.rank ? c - lag_stride : view.rank; ready < next_chunks; ready += view.size) {
        accumulate_stats<Tr, Options>(next_stats, tscale, view.chunks[ready], next.geo, ready, next_target);
    }
}

// Whether the smem path warms L2 with the next row while the current one is reduced and solved:
// right after a row's pass 1 the block issues one prefetch per 128-byte line of the next row, so
// that its DRAM reads overlap the row's reductions and solve (during the budget rule's sweeps,
// which run from shared memory, DRAM is otherwise idle) and the next sweep's copies find it in L2.
// 0: never, 1: LABO's rows (fixed and budget), 2: every loss. A build-time setting until timed on
// a GPU (bench/gpu/pack-variants.sh); the CUDA emulator's build turns it on for every loss, so that
// the prefetched addresses are checked there.
#ifndef LABO_SMEM_PATH_L2_PREFETCH
#define LABO_SMEM_PATH_L2_PREFETCH 0
#endif
static_assert(LABO_SMEM_PATH_L2_PREFETCH >= 0 && LABO_SMEM_PATH_L2_PREFETCH <= 2, "LABO_SMEM_PATH_L2_PREFETCH: 0, 1 or 2");
template <class Options>
constexpr bool kPrefetchNextRow =
    LABO_SMEM_PATH_L2_PREFETCH == 2 || (LABO_SMEM_PATH_L2_PREFETCH == 1 && Options::tempered);

// One prefetch per 128-byte line of a row, the block's threads taking lines rank, rank + size, ...
// The first line is addressed at the row's first byte, so that no address falls before the row.
template <class Tr>
__device__ __forceinline__ void prefetch_row_l2(const typename Tr::Storage *row, int64_t vocab, int rank, int size) {
    constexpr uintptr_t kLine = 128;
    const uintptr_t begin = reinterpret_cast<uintptr_t>(row);
    const uintptr_t end = begin + static_cast<uintptr_t>(vocab) * sizeof(typename Tr::Storage);
    const uintptr_t step = static_cast<uintptr_t>(size) * kLine;
    for (uintptr_t a = (begin & ~(kLine - 1)) + static_cast<uintptr_t>(rank) * kLine; a < end; a += step) {
        prefetch_l2(reinterpret_cast<const void *>(a < begin ? begin : a));
    }
}

template <class Tr, class Options>
__device__ __forceinline__ void pipelined_smem_rows(const LossKernelParams &p, float scale, float tscale,
                                                    const BlockGroup &g, uint4 *slots) {
    using Storage = typename Tr::Storage;
    const Storage *logits = static_cast<const Storage *>(p.logits);
    Storage *grad = static_cast<Storage *>(p.grad);

    constexpr RowTarget<int> kNoTarget{-1, -1};
    int64_t row = blockIdx.x;
    if (row >= p.rows) return;
    const int64_t y0 = p.targets[row];
    bool ignored = row_is_ignored(p, y0);
    SharedRow<Tr> view(logits + row * p.logits_stride, p.vocab, g.rank, g.size(), slots);
    RowTarget<int> target = ignored ? kNoTarget : row_target(view.geo, y0);
    // The block's first row: loaded, then its own pass 1. Every later row's pass 1 is folded into
    // the sweep before it (`stats`, this thread's part).
    ThreadStats stats = ThreadStats::identity();
    if (!ignored) {
        for (int c = g.rank; c < view.geo.chunks; c += g.size()) start_chunk_load<Tr>(&slots[c], view, c);
        async_copy_wait_all();
        view.pass(
            [&](const uint4 &raw, int c) { accumulate_stats<Tr, Options>(stats, tscale, raw, view.geo, c, target); });
    }

    for (;;) {
        // Row `row` is in shared memory (unless ignored), its pass 1 in `stats`.
        if constexpr (kPrefetchNextRow<Options>) {
            // (next and its target are read again after the solve rather than kept live across it)
            const int64_t ahead = row + gridDim.x;
            if (ahead < p.rows && !row_is_ignored(p, p.targets[ahead])) {
                prefetch_row_l2<Tr>(logits + ahead * p.logits_stride, p.vocab, g.rank, g.size());
            }
        }
        GradientRule rule{};
        if (!ignored) {
            rule = solve_row<Tr, Options>(p, row, target, scale, tscale, g, view, reduce_stats<Options>(g, stats, tscale));
        } else if (g.rank == 0) {
            write_ignored_row_outputs(p, row);
        }

        const int64_t next = row + gridDim.x;
        const bool has_next = next < p.rows;
        const int64_t y_next = has_next ? p.targets[next] : p.ignore_index;
        const bool load_next = has_next && !row_is_ignored(p, y_next);
        const SharedRow<Tr> next_view(logits + (has_next ? next : row) * p.logits_stride, p.vocab, g.rank, g.size(),
                                      slots);
        const RowTarget<int> next_target = load_next ? row_target(next_view.geo, y_next) : kNoTarget;
        Storage *grow = grad != nullptr ? grad + row * p.grad_stride : nullptr;
        const bool same_phase = grow != nullptr && chunk_phase<Tr>(grow) == view.geo.phase;
        const int grad_chunks = grow != nullptr ? view.geo.chunks : 0;
        const int next_chunks = load_next ? next_view.geo.chunks : 0;
        stats = ThreadStats::identity();
        const auto sweep = [&](auto kind) {
            write_gradient_and_prefetch<decltype(kind)::value, Options, Tr>(
                rule, view, target, grow, same_phase, grad_chunks, next_view, next_chunks, next_target, tscale, stats);
        };
        if (ignored) {
            sweep(std::integral_constant<GradientKind, GradientKind::kZero>{});
        } else {
            with_gradient_kind<Options::tempered>(rule, sweep);
        }
        if (!has_next) return;
        row = next;
        ignored = !load_next;
        view = next_view;
        target = next_target;
    }
}

}  // namespace label_loss
}  // namespace cuda
}  // namespace labo

#endif  // LABO_SRC_CUDA_LABEL_LOSS_SMEM_PIPELINE_CUH_
