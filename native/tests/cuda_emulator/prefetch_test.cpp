// The shared-memory path's L2 prefetch of the next row (LABO_SMEM_PATH_L2_PREFETCH in
// label_loss_smem_pipeline.cuh): which rows are prefetched, and that each is covered line by line,
// once, without an address outside it. The emulator faults on a prefetch outside device memory;
// these checks are stricter: rows sit at a stride that is not a multiple of the 128-byte line, with
// gaps between them.
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cuda/launch.cuh"
#include "emulator.h"
#include "loss_problem.h"
#include "test_support.h"

using emutest::check;

namespace {

struct Member {
    const char *name;
    labo_smoothing smoothing;
    labo_temperature_rule rule;
};

constexpr Member kMembers[] = {
    {"CE", LABO_SMOOTHING_NONE, LABO_TEMPERATURE_FIXED},
    {"LS", LABO_SMOOTHING_UNIFORM, LABO_TEMPERATURE_FIXED},
    {"LABO-fixed", LABO_SMOOTHING_TEMPERED, LABO_TEMPERATURE_FIXED},
    {"LABO-budget", LABO_SMOOTHING_TEMPERED, LABO_TEMPERATURE_BUDGET},
};

bool prefetch_expected(const Member &m) {
    return LABO_SMEM_PATH_L2_PREFETCH == 2 || (LABO_SMEM_PATH_L2_PREFETCH == 1 && m.smoothing == LABO_SMOOTHING_TEMPERED);
}

void run_case(labo_dtype dtype, const Member &member, uint64_t seed) {
    constexpr int64_t rows = 70, vocab = 3000, stride = vocab + 3;  // rows start off the 128-byte grid
    constexpr int64_t ignore_index = -100;
    const size_t elem = emutest::element_size(dtype);
    emutest::begin_case(std::string("[prefetch: ") + emutest::dtype_name(dtype) + " " + member.name + "]");
    check(std::string(labo::cuda::label_loss_path(dtype, vocab, 0)) == "block-smem", "V = %lld takes %s",
          static_cast<long long>(vocab), labo::cuda::label_loss_path(dtype, vocab, 0));
    // The last row ends where the buffer does: a prefetch past it would fault.
    const int64_t elements = (rows - 1) * stride + vocab;
    emutest::DeviceBuffer logits(static_cast<size_t>(elements) * elem), targets(rows * 8),
        grad(static_cast<size_t>(elements) * elem), loss(rows * 4);
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.f, 2.f);
    for (int64_t i = 0; i < elements; ++i) emutest::put_element(logits.data(), i, dtype, normal(rng));
    std::vector<int64_t> y(rows);
    std::set<int64_t> ignored = {5, 41, 42, 66};
    for (int64_t r = 0; r < rows; ++r) y[r] = ignored.count(r) != 0 ? ignore_index : static_cast<int64_t>(rng() % vocab);
    std::memcpy(targets.data(), y.data(), y.size() * 8);

    labo::LossProblem pr{};
    pr.smoothing = member.smoothing;
    pr.temperature_rule = member.rule;
    pr.alpha = 0.1f;
    pr.temperature = 2.f;
    pr.budget_epsilon = 0.5f;
    pr.reduction = LABO_REDUCTION_NONE;
    pr.ignore_index = ignore_index;
    pr.dtype = dtype;
    pr.rows = rows;
    pr.vocab = vocab;
    pr.logits_row_stride = stride;
    pr.grad_row_stride = stride;
    pr.logits = logits.data();
    pr.targets = static_cast<const int64_t *>(targets.data());
    pr.grad = grad.data();
    pr.loss = static_cast<float *>(loss.data());
    (void)emu::take_l2_prefetches();
    const labo_status st = labo::cuda_loss_forward_backward(pr);
    check(st == LABO_STATUS_OK, "status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
    const std::vector<const void *> prefetched = emu::take_l2_prefetches();

    // Each prefetched line, by row; an address between rows belongs to none.
    const uintptr_t base = reinterpret_cast<uintptr_t>(logits.data());
    const uintptr_t row_bytes = static_cast<uintptr_t>(stride) * elem, used = static_cast<uintptr_t>(vocab) * elem;
    std::map<int64_t, std::multiset<uintptr_t>> lines;
    int outside = 0;
    for (const void *p : prefetched) {
        const uintptr_t a = reinterpret_cast<uintptr_t>(p);
        const int64_t r = a < base ? -1 : static_cast<int64_t>((a - base) / row_bytes);
        if (r < 0 || r >= rows || a - base - static_cast<uintptr_t>(r) * row_bytes >= used) {
            ++outside;
            continue;
        }
        lines[r].insert(a >> 7);
    }
    check(outside == 0, "%d prefetches outside every row", outside);
    bool seen = false;
    for (int64_t r = 0; r < rows; ++r) {
        const bool is_prefetched = lines.count(r) != 0;
        if (ignored.count(r) != 0) {
            check(!is_prefetched, "ignored row %lld prefetched", static_cast<long long>(r));
            continue;
        }
        // A block prefetches each row after its first: the rows from the grid's size on.
        check(!(seen && !is_prefetched), "row %lld not prefetched after an earlier row was", static_cast<long long>(r));
        seen = seen || is_prefetched;
        if (!is_prefetched) continue;
        const uintptr_t begin = base + static_cast<uintptr_t>(r) * row_bytes;
        const std::multiset<uintptr_t> &got = lines[r];
        const uintptr_t first = begin >> 7, last = (begin + used - 1) >> 7;
        bool once = got.size() == last - first + 1;
        for (uintptr_t line = first; once && line <= last; ++line) once = got.count(line) == 1;
        check(once, "row %lld: %zu prefetches, not each of its %zu lines once", static_cast<long long>(r), got.size(),
              static_cast<size_t>(last - first + 1));
    }
    check(lines.count(0) == 0, "row 0 (a block's first) prefetched");
    check(seen == prefetch_expected(member), "rows prefetched: %s, expected: %s (LABO_SMEM_PATH_L2_PREFETCH=%d)",
          seen ? "yes" : "no", prefetch_expected(member) ? "yes" : "no", LABO_SMEM_PATH_L2_PREFETCH);
    emutest::end_case();
}

}  // namespace

void run_prefetch_tests(uint64_t seed) {
    uint64_t index = 0;
    for (labo_dtype dtype : {LABO_DTYPE_FLOAT32, LABO_DTYPE_BFLOAT16}) {
        for (const Member &m : kMembers) run_case(dtype, m, emutest::case_seed(seed, 3, index++));
    }
}
