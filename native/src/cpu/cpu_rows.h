// The per-instruction-set variants of the CPU row kernel (loss_rows.cpp, compiled once for each).
#ifndef LABO_SRC_CPU_CPU_ROWS_H_
#define LABO_SRC_CPU_CPU_ROWS_H_

#include <cstdint>

#include "loss_problem.h"

namespace labo {
namespace cpu {

// Computes rows [begin, end): per-row outputs, the gradient scaled by grad_scale, and returns the
// sum of the rows' losses. Targets must already be validated.
using LossRowsFn = double (*)(const LossProblem &problem, int64_t begin, int64_t end, float grad_scale);

#define LABO_DECLARE_CPU_VARIANT(ns)                                                         \
    namespace ns {                                                                           \
    double loss_rows(const LossProblem &problem, int64_t begin, int64_t end, float grad_scale); \
    const char *isa_name();                                                                  \
    }

LABO_DECLARE_CPU_VARIANT(scalar)
LABO_DECLARE_CPU_VARIANT(avx2)
LABO_DECLARE_CPU_VARIANT(avx512)

#undef LABO_DECLARE_CPU_VARIANT

}  // namespace cpu
}  // namespace labo

#endif  // LABO_SRC_CPU_CPU_ROWS_H_
