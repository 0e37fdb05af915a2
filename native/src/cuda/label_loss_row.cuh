// One row of the fused loss kernels, start to end, by one thread group: pass 1, the solve (the
// row's loss and diagnostics, LABO's temperature, the gradient's constants), the gradient pass.
// Written once against a row view (label_loss_row_views.cuh) and a group (WarpGroup, BlockGroup).
#ifndef LABO_SRC_CUDA_LABEL_LOSS_ROW_CUH_
#define LABO_SRC_CUDA_LABEL_LOSS_ROW_CUH_

#include <cstdint>

#include "cuda_common.cuh"
#include "label_loss_gradient.cuh"
#include "label_loss_stats.cuh"
#include "label_loss_tempered.cuh"
#include "launch.cuh"

namespace labo {
namespace cuda {
namespace label_loss {

// The target check found a bad target: the call is refused, and its kernels write nothing (no
// output, no in-place gradient over the logits).
__device__ __forceinline__ bool call_refused(const LossKernelParams &p) { return *p.refused != 0ull; }

__device__ __forceinline__ float gradient_scale(const LossKernelParams &p) {
    if (p.reduction != LABO_REDUCTION_MEAN) return 1.f;
    const unsigned long long valid = *p.valid_rows;
    return valid > 0ull ? static_cast<float>(1.0 / static_cast<double>(valid)) : 0.f;
}

__device__ __forceinline__ void write_row_outputs(const LossKernelParams &p, int64_t row, float loss,
                                                  float temperature, float entropy, float p_target) {
    p.row_loss[row] = loss;
    if (p.row_temperature != nullptr) p.row_temperature[row] = temperature;
    if (p.row_entropy != nullptr) p.row_entropy[row] = entropy;
    if (p.row_p_target != nullptr) p.row_p_target[row] = p_target;
}

// An ignored row's outputs: loss 0, T and p_y NaN, H 0.
__device__ __forceinline__ void write_ignored_row_outputs(const LossKernelParams &p, int64_t row) {
    write_row_outputs(p, row, 0.f, f_nan(), 0.f, f_nan());
}

__device__ __forceinline__ bool row_is_ignored(const LossKernelParams &p, int64_t y) {
    // Targets outside [0, V) are refused by the host before this kernel runs; defensively ignored.
    return y == p.ignore_index || y < 0 || y >= p.vocab;
}

// Everything between pass 1 and the gradient pass for a row with a valid target y: the
// group-reduced statistics `st` in, the row's outputs written (by the group's leader), the
// gradient rule out. LABO runs its tempered passes over `view` here. Every thread works out the
// gradient's constants; the outputs (their logarithms and divisions) are the leader's alone.
template <class Tr, class Options, class Group, class View, class Index>
__device__ __forceinline__ GradientRule solve_row(const LossKernelParams &p, int64_t row, const RowTarget<Index> &target,
                                                  float scale, float tscale, const Group &g, View &view,
                                                  const Pass1Result &pass1) {
    constexpr RowLoss kLoss = Options::loss;
    const RowStats &st = pass1.st;
    const float alpha = kLoss == RowLoss::kCrossEntropy ? 0.f : p.alpha;

    float q_nontarget = 0.f;  // the constant part of q_k, k != y
    GradientRule rule{st.m, fast_log2(st.s), scale, 0.f, 0.f, Options::tempered, scale * alpha, pass1.nt_max,
                      0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, true};
    if constexpr (kLoss == RowLoss::kUniform) q_nontarget = alpha / static_cast<float>(p.vocab);
    [[maybe_unused]] Pass1Result fixed_sums;  // fixed-T LABO: pass 1's, or those of a guarded sweep
    [[maybe_unused]] TemperedRow r;           // LABO: r's constants
    if constexpr (Options::tempered) {
        if constexpr (kLoss == RowLoss::kTemperedFixed) {
            fixed_sums = fixed_tempered_sums<Tr>(g, view, target, pass1, tscale);
            r = fixed_tempered_row(p, fixed_sums, tscale);
        } else {
            r = solve_budget<Tr>(p, g, view, target, pass1);
        }
        if (r.uniform) {
            // T = infinity: r is uniform over the non-targets (-inf logits included, where
            // 0 * (z - nt_max) would be NaN), a constant alpha / (V - 1), no exponentials.
            rule.tempered = false;
            q_nontarget = alpha / static_cast<float>(p.vocab - 1);
        } else {
            rule.beta_log2e = r.beta_log2e;
            rule.log2_s_r = r.log2_s;
            rule.p_offset_nt = fmaf(st.m - pass1.nt_max, kLog2e, rule.log2_s);
        }
    }
    set_log2_offsets(rule);
    rule.scaled_q_nontarget = scale * q_nontarget;
    rule.scaled_q_target = scale * (kLoss == RowLoss::kUniform ? (1.f - alpha) + q_nontarget : 1.f - alpha);

    if (g.rank == 0) {
        const float m = st.m;
        const float zy = st.zy;
        const float log_s = logf(st.s);
        const float p_target = expf((zy - m) - log_s);
        float loss, temperature, entropy;
        if constexpr (kLoss == RowLoss::kCrossEntropy) {
            loss = log_s + (m - zy);
            temperature = f_nan();
            entropy = 0.f;
        } else if constexpr (kLoss == RowLoss::kUniform) {
            const float mean = st.zsum / static_cast<float>(p.vocab);
            loss = log_s + (m - zy) + alpha * (zy - mean);
            temperature = f_inf();
            entropy = logf(static_cast<float>(p.vocab));
        } else {
            if constexpr (kLoss == RowLoss::kTemperedFixed) add_fixed_tempered_moments(p, fixed_sums, r);
            loss = log_s + (m - zy) + alpha * (zy - (pass1.nt_max + r.m1));  // nt_max + r.m1 = E_r[z]
            temperature = r.temperature;
            entropy = r.entropy;
        }
        write_row_outputs(p, row, loss, temperature, entropy, p_target);
    }
    return rule;
}

// One row, start to end, by one group: pass 1, the solve, the gradient pass (`tscale`: fixed-T
// LABO's exponent scale, the same for every row).
template <class Tr, class Options, class Group, class View>
__device__ __forceinline__ void process_row(const LossKernelParams &p, int64_t row, float scale, float tscale,
                                            const Group &g, View &view) {
    using Storage = typename Tr::Storage;
    using Index = typename View::Index;
    const int64_t y = p.targets[row];
    Storage *grow = p.grad != nullptr ? static_cast<Storage *>(p.grad) + row * p.grad_stride : nullptr;

    if (row_is_ignored(p, y)) {  // contributes nothing
        if (grow != nullptr) zero_gradient_row<Tr>(grow, view.geo.vocab, g.rank, g.size());
        if (g.rank == 0) write_ignored_row_outputs(p, row);
        return;
    }
    const RowTarget<Index> target = row_target(view.geo, y);
    const GradientRule rule = solve_row<Tr, Options>(p, row, target, scale, tscale, g, view,
                                                     row_stats<Tr, Options>(g, view, target, tscale));
    if (grow == nullptr) return;
    const bool same_phase = chunk_phase<Tr>(grow) == view.geo.phase;
    with_gradient_kind<Options::tempered>(rule, [&](auto kind) {
        write_gradient<decltype(kind)::value, Tr>(rule, view, target, grow, same_phase);
    });
}

}  // namespace label_loss
}  // namespace cuda
}  // namespace labo

#endif  // LABO_SRC_CUDA_LABEL_LOSS_ROW_CUH_
