// The CPU backend: picks the widest instruction set this processor has, checks the targets,
// and spreads blocks of rows over OpenMP threads (the same runtime libtorch's CPU build uses,
// so the two share one pool instead of oversubscribing the cores).
#include <omp.h>


#include "cpu/cpu_rows.h"
#include "loss_problem.h"

namespace labo {
namespace cpu {
namespace {

struct Variant {
    LossRowsFn rows;
    const char *name;
};

Variant select_variant() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        return {avx512::loss_rows, avx512::isa_name()};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        return {avx2::loss_rows, avx2::isa_name()};
    return {scalar::loss_rows, scalar::isa_name()};
}

const Variant &variant() {
    static const Variant selected = select_variant();
    return selected;
}

}  // namespace

const char *selected_isa() { return variant().name; }

}  // namespace cpu

labo_status cpu_loss_forward_backward(const LossProblem &p) {
    // Targets are checked here, before any row is touched, so a bad target leaves outputs as they were.
    int64_t counted = 0;
    for (int64_t i = 0; i < p.rows; ++i) {
        const int64_t y = p.targets[i];
        if (y == p.ignore_index) continue;
        if (y < 0 || y >= p.vocab) return bad_target_error(i, y, p.vocab, p.ignore_index);
        ++counted;
    }
    const float grad_scale =
        p.reduction == LABO_REDUCTION_MEAN ? (counted > 0 ? static_cast<float>(1.0 / static_cast<double>(counted)) : 0.0f)
                                           : 1.0f;

    const cpu::LossRowsFn rows = cpu::variant().rows;
    // Small problems stay on the calling thread: waking a pool costs more than the work.
    const int64_t work = p.rows * p.vocab;
    int threads = p.num_threads > 0 ? p.num_threads : omp_get_max_threads();
    if (work < (int64_t{1} << 16)) threads = 1;
    if (threads > p.rows) threads = static_cast<int>(p.rows > 0 ? p.rows : 1);

    double total = 0.0;
    if (threads <= 1) {
        total = rows(p, 0, p.rows, grad_scale);
    } else {
#pragma omp parallel num_threads(threads) reduction(+ : total)
        {
            const int64_t nt = omp_get_num_threads();
            const int64_t t = omp_get_thread_num();
            const int64_t begin = p.rows * t / nt;
            const int64_t end = p.rows * (t + 1) / nt;
            total += rows(p, begin, end, grad_scale);
        }
    }

    if (p.reduction == LABO_REDUCTION_SUM) p.loss[0] = static_cast<float>(total);
    if (p.reduction == LABO_REDUCTION_MEAN)
        p.loss[0] = counted > 0 ? static_cast<float>(total / static_cast<double>(counted)) : 0.0f;
    return LABO_STATUS_OK;
}

}  // namespace labo
