// The gradient pass of the fused loss kernels: grad_k = scale (p_k - q_k) per 16-byte chunk, from
// the per-row constants that the solve hands over (GradientRule), stored in the logits' dtype.
#ifndef LABO_SRC_CUDA_LABEL_LOSS_GRADIENT_CUH_
#define LABO_SRC_CUDA_LABEL_LOSS_GRADIENT_CUH_

#include <cstdint>
#include <type_traits>

#include "cuda_common.cuh"

namespace labo {
namespace cuda {
namespace label_loss {

// What the gradient pass needs of a solved row, as the constants of its per-element arithmetic:
// grad_k = scale (p_k - q_k) with p_k = 2^((z_k - m) log2(e) - log2(s)); q_k is a constant per
// row for k != y (0 for CE, alpha/V for LS, alpha/(V-1) for LABO at T = infinity) plus, for LABO
// at beta > 0, alpha r_k with r_k = 2^((z_k - nt_max) beta log2(e) - log2(s_r)), and then p_k,
// k != y, is taken about nt_max as well, 2^((z_k - nt_max) log2(e) - p_offset_nt), so that both
// exponents share one difference. p_offset_nt = log2(s) + (m - nt_max) log2(e) is log2(s) itself
// unless the target is the row's maximum; it is at most the exponent's magnitude, so its rounding
// costs no more than that of z_k - m.
//
// Rows whose |m| (and for LABO |nt_max beta log2(e)|) is below 2^24 take these exponents in the
// log2 domain instead: p_k = 2^(z_k log2(e) - plain_offset) plain_scale / scale with plain_offset +
// lo = m log2(e) + log2(s) split exactly into two floats (lo at most half an ulp of plain_offset,
// which is below 2^25) and 2^-lo folded into plain_scale, and alpha r_k likewise from
// tempered_offset + lo_r = nt_max beta log2(e) + log2(s_r) and tempered_scale. One FFMA forms each
// exponent, exact up to its one rounding (an FFMA's product is exact), where the differences take
// an FADD before it. Rows beyond (natural) keep the differences, whose constants stay small.
struct GradientRule {
    float m;
    float log2_s;
    float scale;
    float scaled_q_nontarget;  // scale times the constant part of q_k, k != y
    float scaled_q_target;     // scale q_y
    bool tempered;             // LABO at beta > 0: the r term is present
    float scaled_alpha;      // scale alpha
    float nt_max;
    float beta_log2e;        // beta log2(e), at most FLT_MAX (beta's cap times log2(e) is not a float)
    float log2_s_r;
    float p_offset_nt;
    float plain_offset;      // the log2 domain's constants (see above)
    float plain_scale;
    float tempered_offset;
    float tempered_scale;
    bool natural;            // the exponents from the differences z_k - m, z_k - nt_max
};

// a b + c = hi + lo in two floats, exactly (to the rounding of lo); rounded operations (__fmul_rn,
// __fadd_rn) where contraction into an FFMA would break the splits.
struct SplitFloat {
    float hi;
    float lo;
};
__device__ __forceinline__ SplitFloat split_fma(float a, float b, float c) {
    const float prod = __fmul_rn(a, b);
    const float prod_err = fmaf(a, b, -prod);  // a b = prod + prod_err exactly
    const float sum = __fadd_rn(prod, c);      // prod + c = sum + sum_err exactly (two-sum)
    const float t = __fadd_rn(sum, -prod);
    const float sum_err = __fadd_rn(__fadd_rn(prod, -__fadd_rn(sum, -t)), __fadd_rn(c, -t));
    return {sum, __fadd_rn(sum_err, prod_err)};
}

// The log2-domain constants of a row (see GradientRule), from the rule's m, log2_s, scale and, for
// LABO at beta > 0, nt_max, beta_log2e, log2_s_r, scaled_alpha.
__device__ __forceinline__ void set_log2_offsets(GradientRule &rule) {
    const SplitFloat plain = split_fma(rule.m, kLog2e, rule.log2_s);
    rule.plain_offset = plain.hi;
    rule.plain_scale = rule.scale * fast_exp2(-plain.lo);
    rule.natural = !(fabsf(rule.m) < 0x1p24f);
    if (rule.tempered) {
        const SplitFloat tempered = split_fma(rule.nt_max, rule.beta_log2e, rule.log2_s_r);
        rule.tempered_offset = tempered.hi;
        rule.tempered_scale = rule.scaled_alpha * fast_exp2(-tempered.lo);
        rule.natural = rule.natural || !(fabsf(rule.nt_max * rule.beta_log2e) < 0x1p24f);
    }
}

// What a gradient sweep writes: zeros (an ignored row), scale (p - q) without LABO's r (kPlain) or
// with it (kTempered), in the log2 domain or, for rows beyond it, from the differences (the
// *Natural kinds; GradientRule).
enum class GradientKind { kZero, kPlain, kPlainNatural, kTempered, kTemperedNatural };

// f(std::integral_constant<GradientKind, K>{}) with the kind K that writes a solved row's gradient
// (not kZero: an ignored row is the caller's). kTempered* only where the kernel holds LABO's r
// (kTempered: Options::tempered), so that no other kernel instantiates a tempered sweep.
template <bool kTempered, class F>
__device__ __forceinline__ void with_gradient_kind(const GradientRule &rule, F &&f) {
    using Kind = GradientKind;
    if constexpr (kTempered) {
        if (rule.tempered) {
            if (rule.natural) {
                f(std::integral_constant<Kind, Kind::kTemperedNatural>{});
            } else {
                f(std::integral_constant<Kind, Kind::kTempered>{});
            }
            return;
        }
    }
    if (rule.natural) {
        f(std::integral_constant<Kind, Kind::kPlainNatural>{});
    } else {
        f(std::integral_constant<Kind, Kind::kPlain>{});
    }
}

// Gradient of chunk c, into gk (elements outside the row get values that are never stored).
template <GradientKind kKind, class Tr, class Geo, class Index>
__device__ __forceinline__ void gradient_chunk(const GradientRule &rule, const uint4 &raw, const Geo &geo, Index c,
                                               const RowTarget<Index> &target, float (&gk)[Tr::kVec]) {
    constexpr int kVec = Tr::kVec;
    if (kKind == GradientKind::kZero) {
#pragma unroll
        for (int i = 0; i < kVec; ++i) gk[i] = 0.f;
        return;
    }
    float z[kVec];
    Tr::unpack(raw, z);
    constexpr bool kLog2 = kKind == GradientKind::kPlain || kKind == GradientKind::kTempered;
    constexpr bool kWithR = kKind == GradientKind::kTempered || kKind == GradientKind::kTemperedNatural;
    auto scaled_p_minus_q = [&](float zi, float scaled_q) {
        if constexpr (kLog2) {
            return fmaf(fast_exp2(fmaf(zi, kLog2e, -rule.plain_offset)), rule.plain_scale, -scaled_q);
        } else {
            const float p = fast_exp2(fmaf(zi - rule.m, kLog2e, -rule.log2_s));
            return fmaf(p, rule.scale, -scaled_q);
        }
    };
    // scale (p_k - q_k) for k != y: LABO's p and r from the same d = z_k - nt_max.
    auto non_target = [&](float zi) {
        if constexpr (kWithR && kLog2) {
            const float p = fast_exp2(fmaf(zi, kLog2e, -rule.plain_offset));
            const float r = fast_exp2(fmaf(zi, rule.beta_log2e, -rule.tempered_offset));
            return fmaf(r, -rule.tempered_scale, fmaf(p, rule.plain_scale, -rule.scaled_q_nontarget));
        } else if constexpr (kWithR) {
            const float d = zi - rule.nt_max;
            const float p = fast_exp2(fmaf(d, kLog2e, -rule.p_offset_nt));
            const float r = fast_exp2(fmaf(d, rule.beta_log2e, -rule.log2_s_r));
            return fmaf(r, -rule.scaled_alpha, fmaf(p, rule.scale, -rule.scaled_q_nontarget));
        } else {
            return scaled_p_minus_q(zi, rule.scaled_q_nontarget);
        }
    };
    if (c != target.chunk) {  // (elements outside a partial chunk are computed, never stored)
#pragma unroll
        for (int i = 0; i < kVec; ++i) gk[i] = non_target(z[i]);
        return;
    }
    const ChunkSlots slots(geo, c, target);
#pragma unroll
    for (int i = 0; i < kVec; ++i) {
        gk[i] = i == slots.target ? scaled_p_minus_q(z[i], rule.scaled_q_target) : non_target(z[i]);
    }
}

// The gradient pass over a row view: each thread writes the chunks it holds. The gradient kind
// is a template argument so that the per-chunk loop carries no test of it.
template <GradientKind kKind, class Tr, class View, class Index>
__device__ __forceinline__ void write_gradient(const GradientRule &rule, View &view, const RowTarget<Index> &target,
                                               typename Tr::Storage *grow, bool same_phase) {
    view.pass([&](const uint4 &raw, Index c) {
        float gk[Tr::kVec];
        gradient_chunk<kKind, Tr>(rule, raw, view.geo, c, target, gk);
        store_chunk<Tr>(grow, view.geo, c, same_phase && view.geo.full(c), gk);
    });
}

template <class Tr, class Index>
__device__ void zero_gradient_row(typename Tr::Storage *grow, Index vocab, int rank, int size) {
    const RowGeometry<Tr, Index> geo(grow, vocab);
    float zeros[Tr::kVec];
#pragma unroll
    for (int i = 0; i < Tr::kVec; ++i) zeros[i] = 0.f;
    for (Index c = rank; c < geo.chunks; c += size) store_chunk<Tr>(grow, geo, c, geo.full(c), zeros);
}

}  // namespace label_loss
}  // namespace cuda
}  // namespace labo

#endif  // LABO_SRC_CUDA_LABEL_LOSS_GRADIENT_CUH_
