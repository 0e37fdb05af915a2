// Per-thread fp32 rows that keep exp values from the statistics sweep to the gradient sweep, so a
// row's exponentials are computed once. Sized to the vocabulary, they stay in L2 next to the row;
// nothing of size N x V is allocated.
#ifndef LABO_SRC_CPU_ROW_SCRATCH_H_
#define LABO_SRC_CPU_ROW_SCRATCH_H_

#include <cstdint>

namespace labo {
namespace cpu {

// Floats between consecutive scratch rows: each row starts on a 64-byte line.
constexpr int64_t scratch_row_stride(int64_t vocab) { return (vocab + 15) / 16 * 16; }

// `count` rows of `vocab` floats each, 64-byte aligned, owned by the calling thread and reused by
// its next call; nullptr when the memory cannot be had (callers then recompute the exponentials).
// Never throws.
float *thread_row_scratch(int64_t vocab, int count) noexcept;

}  // namespace cpu
}  // namespace labo

#endif  // LABO_SRC_CPU_ROW_SCRATCH_H_
